import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_TRANSITION_MS,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from "../../src/sandbox/index.js";
import { arr, obj, sandboxClient, type Call } from "./sandbox-http.js";

/** Where the sandbox behaves as Fly does for changes; each case names the source it follows. */

const WEB_1 = "/v1/apps/demo-web/machines/148e272b0e4d89"; // started, named web-iad-1
const WEB_2 = "/v1/apps/demo-web/machines/3287e15b6d9e48"; // stopped
const WORKER_1 = "/v1/apps/demo-worker/machines/9080e476b53d87"; // started

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Call> {
  sandbox = await startSandbox({ rateLimits: false, ...options });
  return sandboxClient(sandbox.url);
}

const stateOf = async (call: Call, path: string) => obj((await call("GET", path)).json).state;

describe("sandbox timing", () => {
  it("takes subsecond transitions by default, as Fly's machines do", () => {
    expect(DEFAULT_TRANSITION_MS).toBeGreaterThan(0);
    expect(DEFAULT_TRANSITION_MS).toBeLessThan(1000);
  });

  it("answers a create with `created`, then boots the machine", async () => {
    const call = await start({ transitionMs: Number.POSITIVE_INFINITY });
    const created = obj(
      (await call("POST", "/v1/apps/demo-web/machines", { config: { image: "nginx:1.27" } })).json,
    );
    expect(created.state).toBe("created");
    const path = `/v1/apps/demo-web/machines/${String(created.id)}`;
    const waiting = call("GET", `${path}/wait?state=started`);
    sandbox?.settle();
    expect(obj((await waiting).json)).toMatchObject({ ok: true, state: "started" });
  });

  it("refuses a DELETE right after a stop, while the machine is still stopping", async () => {
    const call = await start({ transitionMs: Number.POSITIVE_INFINITY });
    expect((await call("POST", `${WEB_1}/stop`)).status).toBe(200);
    expect(await stateOf(call, WEB_1)).toBe("stopping");
    const refused = await call("DELETE", WEB_1);
    expect(refused.status).toBe(412);
    expect(obj(refused.json).error).toMatch(/^failed_precondition: /);
    sandbox?.settle();
    expect(await stateOf(call, WEB_1)).toBe("stopped");
    expect((await call("DELETE", WEB_1)).status).toBe(200);
  });
});

describe("sandbox fidelity", () => {
  it("destroys a running machine with ?kill=true, as fly-go's Destroy asks", async () => {
    const call = await start({ transitionMs: 0 });
    expect((await call("DELETE", WORKER_1)).status).toBe(412);
    expect((await call("DELETE", `${WORKER_1}?kill=true`)).status).toBe(200);
    expect(await stateOf(call, WORKER_1)).toBe("destroyed");
  });

  it("says `app not found` and `machine not found`, the texts flyctl matches", async () => {
    const call = await start();
    const app = await call("GET", "/v1/apps/no-such-app/machines");
    expect([app.status, obj(app.json).error]).toEqual([404, "app not found"]);
    const machine = await call("POST", "/v1/apps/demo-web/machines/0000000000beef/stop");
    expect([machine.status, obj(machine.json).error]).toEqual([404, "machine not found"]);
  });

  it("refuses an app name that is taken with 422 and status name_taken", async () => {
    const call = await start();
    const taken = await call("POST", "/v1/apps", { name: "demo-web", org_slug: "personal" });
    expect(taken.status).toBe(422);
    expect(taken.json).toEqual({
      error: "Validation failed: Name has already been taken",
      status: "name_taken",
    });
  });

  it("keeps machine names unique within an app, and frees a name with its machine", async () => {
    const call = await start({ transitionMs: 0 });
    const again = await call("POST", "/v1/apps/demo-web/machines", {
      name: "web-iad-2",
      config: { image: "nginx:1.27" },
    });
    expect(again.status).toBe(409);
    expect(obj(again.json).error).toBe(
      'already_exists: unique machine name violation, machine ID 3287e15b6d9e48 already exists with name "web-iad-2"',
    );
    // Another app may use it.
    const other = await call("POST", "/v1/apps/demo-worker/machines", {
      name: "web-iad-2",
      config: { image: "nginx:1.27" },
    });
    expect(other.status).toBe(200);
    expect((await call("DELETE", WEB_2)).status).toBe(200);
    const freed = await call("POST", "/v1/apps/demo-web/machines", {
      name: "web-iad-2",
      config: { image: "nginx:1.27" },
    });
    expect(freed.status).toBe(200);
  });

  it("waits for a version: only that version's arrival meets it (version, or instance_id)", async () => {
    const call = await start({ transitionMs: Number.POSITIVE_INFINITY });
    const before = obj((await call("GET", WEB_1)).json);
    const updated = obj((await call("POST", WEB_1, { config: obj(before.config) })).json);
    const oldVersion = String(before.instance_id);
    const newVersion = String(updated.instance_id);
    const forNew = call("GET", `${WEB_1}/wait?state=started&version=${newVersion}`);
    const forNewByInstance = call("GET", `${WEB_1}/wait?state=started&instance_id=${newVersion}`);
    sandbox?.settle();
    expect(obj((await forNew).json)).toMatchObject({ ok: true, state: "started", version: newVersion });
    expect(obj((await forNewByInstance).json)).toMatchObject({ ok: true, version: newVersion });
    // The machine is started, but not at the version replaced: that wait is never met.
    expect((await call("GET", `${WEB_1}/wait?state=started&version=${oldVersion}&timeout=0`)).status).toBe(
      408,
    );
    expect((await call("GET", `${WEB_1}/wait?state=started&version=01JNOPE0000000000000000000`)).status).toBe(
      400,
    );
  });

  it("lists a machine's versions, newest first, with the config of each", async () => {
    const call = await start({ transitionMs: 0 });
    const before = obj((await call("GET", WEB_1)).json);
    const config = { ...obj(before.config), image: "registry.fly.io/demo-web:v9" };
    const updated = obj((await call("POST", WEB_1, { config })).json);
    const versions = arr((await call("GET", `${WEB_1}/versions`)).json);
    expect(versions.map((v) => v.version)).toEqual([updated.instance_id, before.instance_id]);
    expect(obj(versions[0]?.user_config).image).toBe("registry.fly.io/demo-web:v9");
    expect(obj(versions[1]?.user_config).image).toBe(obj(before.config).image);
  });

  it("lists the processes of a running machine only, sorted as asked", async () => {
    const call = await start();
    const ps = arr((await call("GET", `${WEB_1}/ps?sort_by=rss&order=desc`)).json);
    expect(ps.length).toBeGreaterThan(0);
    expect(ps[0]).toMatchObject({ pid: expect.any(Number) as number, command: expect.any(String) as string });
    expect((await call("GET", `${WEB_2}/ps`)).status).toBe(412);
    expect((await call("GET", `${WEB_1}/ps?sort_by=colour`)).status).toBe(400);
  });

  it("reads and limits a running machine's memory, and reclaims no more than is free", async () => {
    const call = await start();
    const size = Number(obj(obj(obj((await call("GET", WEB_1)).json).config).guest).memory_mb);
    const memory = obj((await call("GET", `${WEB_1}/memory`)).json);
    expect(memory.limit_mb).toBe(size);
    expect(Number(memory.available_mb)).toBeLessThan(size);
    const limited = obj((await call("PUT", `${WEB_1}/memory`, { limit_mb: size / 2 })).json);
    expect(limited.limit_mb).toBe(size / 2);
    expect(obj((await call("GET", `${WEB_1}/memory`)).json).limit_mb).toBe(size / 2);
    expect((await call("PUT", `${WEB_1}/memory`, { limit_mb: size * 2 })).status).toBe(400);
    const reclaimed = obj((await call("POST", `${WEB_1}/memory/reclaim`, { amount_mb: size })).json);
    expect(reclaimed.actual_mb).toBe(obj((await call("GET", `${WEB_1}/memory`)).json).available_mb);
    expect((await call("GET", `${WEB_2}/memory`)).status).toBe(412);
  });

  it("starts a stopped machine that is updated without skip_launch, and keeps it stopped with it", async () => {
    const call = await start();
    const config = obj(obj((await call("GET", WEB_2)).json).config);
    const kept = obj((await call("POST", WEB_2, { config, skip_launch: true })).json);
    expect(kept.state).toBe("stopped");
    const booted = obj((await call("POST", WEB_2, { config })).json);
    expect(booted.state).toBe("starting");
    const arrived = await call("GET", `${WEB_2}/wait?state=started&version=${String(booted.instance_id)}`);
    expect(obj(arrived.json)).toMatchObject({ ok: true, state: "started" });
  });

  it("refuses to rename a machine in an update: names are immutable", async () => {
    const call = await start();
    const config = obj(obj((await call("GET", WEB_2)).json).config);
    const renamed = await call("POST", WEB_2, { config, name: "another-name", skip_launch: true });
    expect(renamed.status).toBe(400);
    expect((await call("POST", WEB_2, { config, name: "web-iad-2", skip_launch: true })).status).toBe(200);
  });
});
