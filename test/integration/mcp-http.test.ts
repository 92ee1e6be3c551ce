import { request } from "node:http";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { machinesList } from "../../tools/machines.js";
import { toolsByAccess, writeTools } from "../../tools/index.js";
import { parseToolInput } from "../../tools/invoke.js";
import { PLANTED_TOKEN, PLANTED_TOKEN_MACHINE } from "../../src/sandbox/seed-demo.js";
import { TEST_TOKEN } from "./sandbox-http.js";
import {
  httpSession,
  resultData,
  resultText,
  startHttpServer,
  type HttpServerProcess,
} from "../support/mcp-client.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * `flyops mcp --http` against a sandbox this test owns (so its state can be compared before and
 * after), driven by the SDK's Streamable HTTP client with the token the server printed; and the
 * gate: no token, a wrong token, a foreign Origin or a DNS-rebound Host are refused before the
 * MCP transport sees the request.
 */

const WEB = { app: "demo-web", machine_id: "148e272b0e4d89" };
const world = sandboxHome({
  prefix: "flyops-mcp-http-",
  sandbox: { port: 0, seed: "demo", token: TEST_TOKEN },
  per: "file",
});

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

/** A POST with exactly these headers (node:http lets a test set Host and Origin as a browser or an attacker would). */
function rawPost(url: string, headers: Record<string, string>, path?: string): Promise<RawReply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: path ?? target.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(INITIALIZE);
  });
}

describe("flyops mcp --http with a generated token", () => {
  let server: HttpServerProcess;
  let token: string;

  beforeAll(async () => {
    server = await startHttpServer([], world.env(), world.dir);
    if (server.printedToken === undefined) throw new Error(`no token printed:\n${server.stderr()}`);
    token = server.printedToken;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("listens on loopback and prints its token once", () => {
    expect(new URL(server.url).hostname).toBe("127.0.0.1");
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(server.stderr().split(token).length - 1).toBe(1);
  });

  it("serves the catalog's read tools and propose_plan to the SDK client, and the sandbox is unchanged", async () => {
    const before = JSON.stringify(world.sandbox.store.toState());
    const session = await httpSession(server.url, token);
    try {
      const { tools } = await session.client.listTools();
      const names = tools.map((t) => t.name).sort();
      expect(names).toEqual([...toolsByAccess("read").map((t) => t.name), "propose_plan"].sort());
      for (const write of writeTools()) expect(names).not.toContain(write.name);

      const listed = await session.client.callTool({ name: "machines_list", arguments: { app: "demo-web" } });
      const cli = await world.cli(["fly", "list", "machines", "--app", "demo-web", "--json"]);
      expect(cli.code, cli.stderr).toBe(0);
      const input = parseToolInput(machinesList, { app: "demo-web" }) as Parameters<
        typeof machinesList.view
      >[1];
      expect(resultData(listed)).toEqual(
        JSON.parse(
          JSON.stringify(
            machinesList.view(JSON.parse(cli.stdout) as Parameters<typeof machinesList.view>[0], input),
          ),
        ),
      );

      const proposed = await session.client.callTool({
        name: "propose_plan",
        arguments: {
          request: "stop web-iad-1 of demo-web",
          summary: "Stop web-iad-1 of demo-web.",
          steps: [{ id: "s1", tool: "machines_stop", reason: "asked for", input: WEB }],
        },
      });
      expect(proposed.isError, resultText(proposed)).toBeFalsy();
      const { plan_file: file } = resultData(proposed) as { plan_file: string };
      expect(file.startsWith(join(world.dir, "plans"))).toBe(true);
      const check = await world.cli(["plan", "check", file]);
      expect(check.code, check.stdout + check.stderr).toBe(0);

      const destroy = await session.client.callTool({
        name: "propose_plan",
        arguments: {
          request: "destroy web-iad-1 of demo-web",
          summary: "Destroy web-iad-1.",
          steps: [{ id: "s1", tool: "machines_destroy", reason: "asked for", input: WEB }],
        },
      });
      expect(destroy.isError).toBe(true);
      expect(readdirSync(join(world.dir, "plans"))).toHaveLength(1);

      // The planted token, read raw by a precondition: redacted in the refusal, absent from every message.
      const leaky = await session.client.callTool({
        name: "propose_plan",
        arguments: {
          request: "stop web-iad-1",
          summary: "Stop web-iad-1.",
          steps: [{ id: "s1", tool: "machines_stop", reason: "asked for", input: WEB }],
          preconditions: [
            {
              tool: "machines_get",
              input: { app: PLANTED_TOKEN_MACHINE.app, machine_id: PLANTED_TOKEN_MACHINE.id },
              expect: { config: { env: { LEGACY_DEPLOY_TOKEN: "a-guess" } } },
            },
          ],
        },
      });
      expect(resultText(leaky)).toContain("[REDACTED]");
      for (const message of session.received) {
        expect(message).not.toContain(PLANTED_TOKEN);
        expect(message).not.toContain(TEST_TOKEN);
      }
    } finally {
      await session.close();
    }
    expect(JSON.stringify(world.sandbox.store.toState())).toBe(before);
  });

  it("refuses a request without the token, or with another one, with 401 and a Bearer challenge", async () => {
    const host = new URL(server.url).host;
    for (const authorization of [
      undefined,
      "Bearer " + "w".repeat(43),
      `Basic ${token}`,
      `Bearer ${token}x`,
    ]) {
      const reply = await rawPost(server.url, { host, ...(authorization ? { authorization } : {}) });
      expect(reply.status, authorization).toBe(401);
      expect(reply.headers["www-authenticate"]).toBe("Bearer");
      expect(reply.body).not.toContain("jsonrpc");
    }
    await expect(httpSession(server.url, "w".repeat(43))).rejects.toThrow();
    await expect(httpSession(server.url, undefined)).rejects.toThrow();
  });

  it("refuses other origins and DNS-rebound host names, even with the token", async () => {
    const { host, port } = new URL(server.url);
    const authorization = `Bearer ${token}`;
    const refused = [
      { host, origin: "http://attacker.example" },
      { host, origin: "https://localhost.attacker.example" },
      { host, origin: "null" },
      { host: `attacker.example:${port}`, origin: undefined },
      { host: "127.0.0.1:1", origin: undefined },
    ];
    for (const { host: hostHeader, origin } of refused) {
      const reply = await rawPost(server.url, {
        host: hostHeader,
        authorization,
        ...(origin ? { origin } : {}),
      });
      expect(reply.status, `${hostHeader} ${origin}`).toBe(403);
      expect(reply.body).not.toContain("jsonrpc");
    }
    // Past the gate, a request target that is not /mcp, or not even a URL, is a 404, and the server lives on.
    for (const path of ["/", "/mcp/", "http://[/mcp"]) {
      const reply = await rawPost(server.url, { host, authorization }, path);
      expect(reply.status, path).toBe(404);
    }
    // The same request from a loopback origin, or from no browser at all, is served.
    for (const origin of [`http://localhost:${port}`, undefined]) {
      const reply = await rawPost(server.url, { host, authorization, ...(origin ? { origin } : {}) });
      expect(reply.status, origin).toBe(200);
      expect(reply.body).toContain('"serverInfo":{"name":"flyops"');
    }
  });
});

describe("flyops mcp --http with FLYOPS_MCP_TOKEN", () => {
  it("uses the given token, never prints it, and stops on SIGTERM", async () => {
    const given = "given-" + "g7".repeat(20);
    const server = await startHttpServer(["--read-only"], world.env({ FLYOPS_MCP_TOKEN: given }), world.dir);
    try {
      expect(server.printedToken).toBeUndefined();
      expect(server.stderr()).not.toContain(given);
      const session = await httpSession(server.url, given);
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name)).not.toContain("propose_plan");
      await session.close();
    } finally {
      // SIGTERM ends it cleanly: the server closes, then the runtime, and the command exits 0.
      expect(await server.stop()).toBe(0);
    }
  });

  it("refuses a short token, a non-loopback --host, and --port without --http, as usage errors", async () => {
    const short = await world.cli(["mcp", "--http"], { FLYOPS_MCP_TOKEN: "short" });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("FLYOPS_MCP_TOKEN must be at least 32");
    const wide = await world.cli(["mcp", "--http", "--host", "0.0.0.0"]);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain("0.0.0.0");
    const port = await world.cli(["mcp", "--port", "4290"]);
    expect(port.code).toBe(2);
  });
});
