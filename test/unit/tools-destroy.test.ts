import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { FlyClients } from "../../src/fly/clients.js";
import { FlyApiError } from "../../src/fly/errors.js";
import { HttpTransport } from "../../src/fly/http.js";
import { FlyRest } from "../../src/fly/rest.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { findTool } from "../../tools/index.js";
import { MachineStateError } from "../../tools/machine-actions.js";
import { invokeTool } from "../../tools/invoke.js";
import { fakeToken, json, recordingClock, startServer, type TestServer } from "./http-server-fixture.js";

/**
 * Destroy, release and remove read the thing first. One that never existed is a not-found error
 * and no DELETE is sent, even on a flaky API whose DELETEs answer 503 and then 404; one that was
 * read counts a 404 on a resent DELETE as its own earlier work.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Route = (req: IncomingMessage, res: ServerResponse) => void;

async function context(route: Route): Promise<{ ctx: ToolContext; seen: () => string[] }> {
  let deletes = 0;
  server = await startServer((req, res) => {
    // A change to a machine is made under a lease, granted here as Fly grants one.
    if (req.url?.split("?")[0]?.endsWith("/lease")) {
      if (req.method === "POST") json(res, 201, { status: "success", data: { nonce: "5c35f65c9f95" } });
      else json(res, 200, { status: "success", data: { ok: true } });
      return;
    }
    if (req.method === "DELETE") {
      // The first DELETE fails in a way that may have acted; any later one finds nothing.
      deletes += 1;
      if (deletes === 1) json(res, 503, { error: "unavailable" });
      else json(res, 404, { error: "not found" });
      return;
    }
    route(req, res);
  });
  const http = new HttpTransport({ baseUrl: server.url, token: fakeToken(), clock: recordingClock() });
  const fly = { rest: new FlyRest(http) } as unknown as FlyClients;
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined };
  const requests = server.requests;
  return {
    ctx: { fly, org: undefined, app: undefined, signal: undefined, log },
    seen: () => requests.map((r) => `${r.method} ${r.url.split("?")[0] ?? ""}`),
  };
}

async function run(ctx: ToolContext, name: string, input: unknown): Promise<unknown> {
  const tool = findTool(name);
  if (!tool) throw new Error(`no tool ${name}`);
  return invokeTool(ctx, tool, input);
}

const notFound: Route = (_req, res) => json(res, 404, { error: "not found" });

describe("destroying something that never existed", () => {
  it("fails machines_destroy with not-found and sends no DELETE", async () => {
    const { ctx, seen } = await context(notFound);
    const error = await run(ctx, "machines_destroy", { app: "demo-web", machine_id: "0000000000beef" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlyApiError);
    expect((error as FlyApiError).status).toBe(404);
    expect((error as Error).message).toMatch(/^not found/);
    expect(seen()).toEqual(["GET /v1/apps/demo-web/machines/0000000000beef"]);
  });

  it("fails volumes_destroy and certs_remove with not-found and sends no DELETE", async () => {
    const volume = await context(notFound);
    await expect(
      run(volume.ctx, "volumes_destroy", { app: "demo-web", volume_id: "vol_000000000000beef" }),
    ).rejects.toMatchObject({ status: 404 });
    expect(volume.seen().filter((r) => r.startsWith("DELETE"))).toEqual([]);
    await server?.close();

    const cert = await context(notFound);
    await expect(
      run(cert.ctx, "certs_remove", { app: "demo-web", hostname: "never.example.com" }),
    ).rejects.toMatchObject({ status: 404 });
    expect(cert.seen().filter((r) => r.startsWith("DELETE"))).toEqual([]);
  });

  it("fails ips_release for an address the app does not have and sends no DELETE", async () => {
    const { ctx, seen } = await context((_req, res) =>
      json(res, 200, { ips: [{ ip: "2a09:8280:1::1", region: "global", shared: false }] }),
    );
    await expect(run(ctx, "ips_release", { app: "demo-web", ip: "2a09:8280:1::beef" })).rejects.toThrow(
      /not found: 2a09:8280:1::beef is not assigned to app demo-web/,
    );
    expect(seen()).toEqual(["GET /v1/apps/demo-web/ip_assignments"]);
  });
});

describe("destroying something that was there", () => {
  it("takes a 404 to the resent DELETE as the first attempt's work", async () => {
    const { ctx, seen } = await context((_req, res) =>
      json(res, 200, { id: "0000000000cafe", state: "stopped", region: "ams" }),
    );
    await expect(
      run(ctx, "machines_destroy", { app: "demo-web", machine_id: "0000000000cafe" }),
    ).resolves.toMatchObject({ destroyed: true });
    expect(seen()).toEqual([
      "GET /v1/apps/demo-web/machines/0000000000cafe",
      "POST /v1/apps/demo-web/machines/0000000000cafe/lease",
      "DELETE /v1/apps/demo-web/machines/0000000000cafe",
      "DELETE /v1/apps/demo-web/machines/0000000000cafe",
      // "destroyed" only once Fly says so: the DELETE is answered while the machine is destroying.
      "GET /v1/apps/demo-web/machines/0000000000cafe/wait",
    ]);
  });

  it("releases an address written another way than Fly writes it", async () => {
    const { ctx } = await context((_req, res) =>
      json(res, 200, { ips: [{ ip: "2a09:8280:1::1", region: "global", shared: false }] }),
    );
    await expect(
      run(ctx, "ips_release", { app: "demo-web", ip: "2A09:8280:0001:0:0:0:0:1" }),
    ).resolves.toMatchObject({ released: true });
  });
});

describe("machine states the action cannot start from, seen before anything is sent", () => {
  const machine =
    (state: string): Route =>
    (req, res) => {
      if (req.method === "GET") json(res, 200, { id: "3287e15b6d9e48", state, config: {} });
      else json(res, 412, { error: "should not be sent" });
    };

  it("says an already destroyed machine is gone and sends no DELETE", async () => {
    const { ctx, seen } = await context(machine("destroyed"));
    const result = await run(ctx, "machines_destroy", { app: "demo-web", machine_id: "3287e15b6d9e48" });
    expect(result).toMatchObject({ destroyed: true, already: true });
    expect(seen()).toEqual(["GET /v1/apps/demo-web/machines/3287e15b6d9e48"]);
    const tool = findTool("machines_destroy");
    expect(tool?.view(result, {})).toMatchObject({ note: "it was already destroyed; nothing was sent" });
  });

  it("names the CLI's --force for a running machine, not the API's force=true, and sends nothing", async () => {
    const { ctx, seen } = await context(machine("started"));
    const error = await run(ctx, "machines_destroy", { app: "demo-web", machine_id: "3287e15b6d9e48" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MachineStateError);
    expect((error as MachineStateError).message).toContain("is started");
    expect((error as MachineStateError).message).toContain("--force");
    expect((error as MachineStateError).message).not.toContain("force=true");
    expect((error as MachineStateError).hint).toContain(
      "flyops fly stop machine 3287e15b6d9e48 --app demo-web",
    );
    expect(seen()).toEqual(["GET /v1/apps/demo-web/machines/3287e15b6d9e48"]);
  });

  it("says a stopped machine is stopped and to start it, instead of restarting it", async () => {
    const { ctx, seen } = await context(machine("stopped"));
    const error = await run(ctx, "machines_restart", { app: "demo-web", machine_id: "3287e15b6d9e48" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MachineStateError);
    expect((error as MachineStateError).message).toBe(
      "machine 3287e15b6d9e48 of demo-web is stopped: only a running machine can be restarted",
    );
    expect((error as MachineStateError).hint).toBe(
      "start it with `flyops fly start machine 3287e15b6d9e48 --app demo-web`",
    );
    expect(seen()).toEqual(["GET /v1/apps/demo-web/machines/3287e15b6d9e48"]);
  });

  it("points a wrong machine id at the app's machines", async () => {
    const { ctx } = await context(notFound);
    const error = await run(ctx, "machines_get", { app: "demo-web", machine_id: "0000000000beef" }).catch(
      (e: unknown) => e,
    );
    expect((error as FlyApiError).hint).toBe(
      "list what app demo-web has with `flyops fly list machines --app demo-web`",
    );
  });
});
