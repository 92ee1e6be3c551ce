import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addRuntimeOptions, createRuntime, type Runtime } from "../../src/cli/runtime.js";
import { ConfigError } from "../../src/errors.js";
import { FlyNetworkError } from "../../src/fly/errors.js";
import { OrganizationsDocument, ViewerDocument } from "../../src/fly/graphql-documents.js";
import { json, startServer, type TestServer } from "./http-server-fixture.js";

let dir: string;
let server: TestServer | undefined;
let runtime: Runtime | undefined;
const flyToken = "fm2_" + "t".repeat(40);
const openaiKey = "sk-" + "o".repeat(40);
const anthropicKey = "sk-ant-" + "a".repeat(40);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flyops-runtime-"));
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("createRuntime", () => {
  it("refuses to start without a token, naming where it looked", async () => {
    const error = await createRuntime({ env: { XDG_CONFIG_HOME: dir }, cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/FLY_API_TOKEN.*FLY_ACCESS_TOKEN.*config\.yaml/);
  });

  it("wires both clients to the configured endpoints with the token", async () => {
    server = await startServer((req, res) => {
      if (req.url === "/graphql")
        json(res, 200, { data: { viewer: { __typename: "User", email: "e@example.com", name: null } } });
      else json(res, 200, { total_apps: 0, apps: [] });
    });
    runtime = await createRuntime({
      org: "acme",
      env: {
        XDG_CONFIG_HOME: dir,
        FLY_API_TOKEN: flyToken,
        FLY_API_HOSTNAME: server.url,
        FLY_GRAPHQL_URL: `${server.url}/graphql`,
        FLY_APP: "web",
      },
      cwd: dir,
    });
    expect(runtime.ctx.org).toBe("acme");
    expect(runtime.ctx.app).toBe("web");
    expect(runtime.config.tokenSource).toBe("FLY_API_TOKEN");
    await expect(runtime.ctx.fly.graphql.request(ViewerDocument)).resolves.toMatchObject({
      viewer: { email: "e@example.com" },
    });
    await runtime.ctx.fly.rest.listApps("acme").catch(() => undefined);
    const rest = server.requests.find((r) => r.url.startsWith("/v1/apps"));
    expect(rest?.url).toBe("/v1/apps?org_slug=acme");
    for (const request of server.requests) expect(request.headers.authorization).toBe(`FlyV1 ${flyToken}`);
  });

  it("lists every credential in reach for redaction, including unused ones and bundle parts", async () => {
    const partA = "fm2_" + "p".repeat(30);
    const partB = "fm2_" + "q".repeat(30);
    const compatibleKey = "local-" + "k".repeat(24);
    runtime = await createRuntime({
      env: {
        XDG_CONFIG_HOME: dir,
        FLY_API_TOKEN: `FlyV1 ${partA},${partB}`,
        FLY_ACCESS_TOKEN: flyToken,
        OPENAI_API_KEY: openaiKey,
        ANTHROPIC_API_KEY: anthropicKey,
        FLYOPS_MODEL_API_KEY: compatibleKey,
        FLY_ORG: "",
      },
      cwd: dir,
    });
    expect(runtime.credentials).toEqual(
      expect.arrayContaining([
        `FlyV1 ${partA},${partB}`,
        `${partA},${partB}`,
        partA,
        partB,
        flyToken,
        openaiKey,
        anthropicKey,
        compatibleKey,
      ]),
    );
    expect(runtime.ctx.org).toBeUndefined();
  });
});

describe("createRuntime with the sandbox", () => {
  it("needs no token, ignores FLY_APP / FLY_ORG meant for the real Fly, and closes the sandbox", async () => {
    runtime = await createRuntime({
      sandbox: true,
      env: { XDG_CONFIG_HOME: dir, FLY_APP: "real-app", FLY_ORG: "real-org", OPENAI_API_KEY: openaiKey },
      cwd: dir,
    });
    expect(runtime.config.tokenSource).toBe("sandbox");
    expect(runtime.config.restBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runtime.ctx.app).toBeUndefined();
    expect(runtime.ctx.org).toBeUndefined();
    expect(runtime.credentials).toEqual([openaiKey]);
    const { fly } = runtime.ctx;
    const { viewer } = await fly.graphql.request(ViewerDocument);
    expect(viewer.__typename).toBe("User");
    expect(viewer.id).toEqual(expect.any(String));
    const orgs = await fly.graphql.paginate(OrganizationsDocument, {}, (d) => d.organizations);
    expect(orgs.length).toBeGreaterThan(0);
    const apps = await Promise.all(orgs.map((org) => fly.rest.listApps(org.slug)));
    expect(apps.flat().length).toBeGreaterThanOrEqual(4);
    await runtime.close();
    runtime = undefined;
    await expect(fly.graphql.request(ViewerDocument)).rejects.toBeInstanceOf(FlyNetworkError);
  });

  it("still honours --app and --org", async () => {
    runtime = await createRuntime({
      sandbox: true,
      app: "web",
      org: "demo",
      env: { XDG_CONFIG_HOME: dir },
      cwd: dir,
    });
    expect(runtime.ctx).toMatchObject({ app: "web", org: "demo" });
  });
});

describe("addRuntimeOptions", () => {
  it("adds --app, --org and --sandbox with help text", () => {
    const cmd = addRuntimeOptions(new Command("x").exitOverride());
    cmd.parse(["--app", "web", "--org", "acme", "--sandbox"], { from: "user" });
    expect(cmd.opts()).toEqual({ app: "web", org: "acme", sandbox: true });
    const help = cmd.helpInformation();
    expect(help).toContain("FLY_APP");
    expect(help).toContain("FLY_ORG");
    expect(help).toMatch(/--sandbox\s+run against an embedded local Fly sandbox/);
  });
});
