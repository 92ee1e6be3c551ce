import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../src/security/redact.js";
import {
  FLYCTL_INSTALL_URL,
  FlyctlFailedError,
  FlyctlNotFoundError,
  FlyctlRunner,
  findFlyctl,
  flyctlEnv,
  graphqlApiBase,
} from "../../src/fly/flyctl.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { installFakeFlyctl, type FakeFlyctl } from "../support/fake-flyctl.js";

// Built at run time: no token-shaped literal in the repository.
const token = "fo1_" + "r".repeat(43);
const otherToken = "fo1_" + "q".repeat(43);

let sandbox: Sandbox;
let fake: FakeFlyctl;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: "demo", token });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  fake?.cleanup();
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

function runner(parentEnv: NodeJS.ProcessEnv, redactor = new Redactor()): FlyctlRunner {
  return new FlyctlRunner({
    token,
    restBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    env: parentEnv,
    redactor,
  });
}

function pathWith(...dirs: string[]): string {
  return [...dirs, process.env.PATH ?? ""].join(delimiter);
}

describe("FlyctlRunner", () => {
  it("passes arguments as an array, with no shell to interpret them", async () => {
    fake = installFakeFlyctl();
    const args = ["version", "two words", "$(touch /tmp/x)", "a;b", "'quoted'", "*", "--app=x y"];
    await runner({ PATH: pathWith(fake.binDir) }).run(args);
    expect(fake.calls()).toHaveLength(1);
    expect(fake.calls()[0]?.argv).toEqual(args);
  });

  it("gives flyctl an allowlisted environment, with OUR token and endpoints, never the caller's", async () => {
    fake = installFakeFlyctl();
    const parent = {
      PATH: pathWith(fake.binDir),
      HOME: "/home/op",
      LANG: "C.UTF-8",
      LC_ALL: "C",
      XDG_CONFIG_HOME: "/home/op/.config",
      HTTPS_PROXY: "http://proxy.internal:3128",
      FLY_API_TOKEN: otherToken,
      FLY_ACCESS_TOKEN: otherToken,
      FLY_API_HOSTNAME: "http://evil.example",
      FLY_FLAPS_BASE_URL: "http://evil.example",
      FLY_API_BASE_URL: "http://evil.example",
      OPENAI_API_KEY: "sk-" + "k".repeat(40),
      AWS_SECRET_ACCESS_KEY: "x".repeat(40),
      LD_PRELOAD: "/tmp/evil.so",
      NODE_OPTIONS: "--require /tmp/evil.js",
    };
    await runner(parent).run(["version"]);
    const env = fake.calls()[0]?.env ?? {};
    expect(env).toMatchObject({
      HOME: "/home/op",
      LANG: "C.UTF-8",
      LC_ALL: "C",
      XDG_CONFIG_HOME: "/home/op/.config",
      HTTPS_PROXY: "http://proxy.internal:3128",
      FLY_API_TOKEN: token,
      FLY_API_HOSTNAME: sandbox.restBaseUrl,
      FLY_FLAPS_BASE_URL: sandbox.restBaseUrl,
      FLY_GRAPHQL_URL: sandbox.graphqlUrl,
      FLY_API_BASE_URL: sandbox.url,
      FLY_SEND_METRICS: "0",
    });
    for (const name of [
      "FLY_ACCESS_TOKEN",
      "OPENAI_API_KEY",
      "AWS_SECRET_ACCESS_KEY",
      "LD_PRELOAD",
      "NODE_OPTIONS",
    ]) {
      expect(env).not.toHaveProperty(name);
    }
    expect(JSON.stringify(env)).not.toContain("evil.example");
  });

  it("builds the child environment from the allowlist alone", () => {
    const env = flyctlEnv(
      { token, restBaseUrl: "http://127.0.0.1:1/", graphqlUrl: "http://127.0.0.1:2/graphql" },
      { PATH: "/bin", SHELL: "/bin/bash", FLY_APP: "x" },
    );
    expect(Object.keys(env).sort()).toEqual(
      [
        "FLY_API_BASE_URL",
        "FLY_API_HOSTNAME",
        "FLY_API_TOKEN",
        "FLY_FLAPS_BASE_URL",
        "FLY_GRAPHQL_URL",
        "FLY_NO_UPDATE_CHECK",
        "FLY_SEND_METRICS",
        "NO_COLOR",
        "PATH",
      ].sort(),
    );
    expect(env.FLY_API_HOSTNAME).toBe("http://127.0.0.1:1");
    expect(env.FLY_API_BASE_URL).toBe("http://127.0.0.1:2");
    expect(env.FLY_SEND_METRICS).toBe("0");
  });

  it("derives flyctl's API base only from a GraphQL URL whose path ends in /graphql", () => {
    expect(graphqlApiBase("https://api.fly.io/graphql")).toBe("https://api.fly.io");
    expect(graphqlApiBase("https://api.fly.io/graphql/")).toBe("https://api.fly.io");
    expect(graphqlApiBase("https://proxy.example/fly/graphql?trace=1#x")).toBe("https://proxy.example/fly");
    expect(graphqlApiBase("http://127.0.0.1:4280/graphql")).toBe("http://127.0.0.1:4280");
    for (const url of [
      "https://gql.example/api?next=/graphql",
      "https://gql.example/api#/graphql",
      "https://gql.example/graphqlx",
      "https://gql.example/my-graphql",
      "not a url/graphql",
    ]) {
      expect(graphqlApiBase(url), url).toBeUndefined();
    }
    const env = flyctlEnv(
      { token, restBaseUrl: "http://127.0.0.1:1", graphqlUrl: "https://gql.example/api?next=/graphql" },
      { PATH: "/bin" },
    );
    expect(env).not.toHaveProperty("FLY_API_BASE_URL");
    expect(env.FLY_GRAPHQL_URL).toBe("https://gql.example/api?next=/graphql");
  });

  it("runs flyctl in an empty folder of its own, never the caller's, and removes it afterwards", async () => {
    fake = installFakeFlyctl();
    await runner({ PATH: pathWith(fake.binDir) }).run(["version"]);
    const call = fake.calls()[0]!;
    expect(call.cwd).not.toBe(process.cwd());
    expect(call.cwdEntries).toEqual([]);
    expect(existsSync(call.cwd)).toBe(false);
  });

  it("pipes secrets to `flyctl secrets import` on stdin, never on the command line, and they reach the sandbox", async () => {
    fake = installFakeFlyctl();
    const value = "postgres://user:" + "p".repeat(12) + "@db.internal/app";
    const multi = "line one\nline two";
    const redactor = new Redactor();
    await runner({ PATH: pathWith(fake.binDir) }, redactor).importSecrets("demo-web", {
      DATABASE_URL: value,
      CERT_PEM: multi,
    });
    const call = fake.calls()[0];
    // --stage: stored for the next deploy or update, like the REST endpoint; no redeploy of every machine.
    expect(call?.argv).toEqual(["secrets", "import", "--stage", "--app", "demo-web"]);
    expect(call?.argv.join(" ")).not.toContain(value);
    expect(call?.stdin).toContain(`DATABASE_URL=${value}`);
    expect(sandbox.store.secretValue("demo-web", "DATABASE_URL")).toBe(value);
    expect(sandbox.store.secretValue("demo-web", "CERT_PEM")).toBe(multi);
    // The values are now known to the redactor, for every later line of output.
    expect(redactor.redact(`got ${value}`)).toBe(`got ${REDACTED}`);
  });

  it("acts on the sandbox for machine commands", async () => {
    fake = installFakeFlyctl();
    expect(sandbox.store.machine("d8d9e21a7c3e18")?.state).toBe("started");
    const result = await runner({ PATH: pathWith(fake.binDir) }).run([
      "machine",
      "stop",
      "d8d9e21a7c3e18",
      "-a",
      "demo-web",
    ]);
    expect(result.command).toBe("flyctl machine stop d8d9e21a7c3e18 -a demo-web");
    expect(sandbox.store.machine("d8d9e21a7c3e18")?.state).toBe("stopped");
  });

  it("redacts the token and known values from flyctl's output", async () => {
    fake = installFakeFlyctl();
    const result = await runner({ PATH: pathWith(fake.binDir) }).run(["auth", "token"]);
    expect(result.stdout).not.toContain(token);
    expect(result.stdout).toContain(REDACTED);
  });

  it("turns a non-zero exit into a typed error with flyctl's redacted message", async () => {
    fake = installFakeFlyctl();
    const error = await runner({ PATH: pathWith(fake.binDir) })
      .run(["no-such-command", token])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyctlFailedError);
    const failure = error as FlyctlFailedError;
    expect(failure.flyctlExitCode).toBe(1);
    expect(failure.message).toContain("exited with 1");
    expect(failure.message).toContain("unknown command");
    expect(failure.message).not.toContain(token);
  });

  it("names how to install flyctl when neither flyctl nor fly is on PATH", async () => {
    const empty = mkdtempSync(join(tmpdir(), "flyops-empty-path-"));
    cleanups.push(() => rmSync(empty, { recursive: true, force: true }));
    const error = await runner({ PATH: empty })
      .run(["version"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyctlNotFoundError);
    expect((error as FlyctlNotFoundError).hint).toContain(FLYCTL_INSTALL_URL);
  });
});

describe("findFlyctl", () => {
  it("prefers flyctl, falls back to fly, and returns an absolute path", () => {
    fake = installFakeFlyctl("fly");
    expect(findFlyctl(pathWith(fake.binDir))).toBe(fake.program);
    const both = installFakeFlyctl("flyctl");
    cleanups.push(() => both.cleanup());
    expect(findFlyctl([fake.binDir, both.binDir].join(delimiter))).toBe(both.program);
  });

  it("ignores relative PATH entries and files that are not executable", () => {
    const dir = mkdtempSync(join(tmpdir(), "flyops-noexec-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "flyctl"), "#!/bin/sh\n", { mode: 0o644 });
    expect(findFlyctl(["", ".", "bin", dir].join(delimiter))).toBeUndefined();
  });
});
