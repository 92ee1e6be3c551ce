import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { MachineLifecycle } from "../../src/sandbox/machine-lifecycle.js";
import { seedState } from "../../src/sandbox/seeds.js";
import { SandboxStore } from "../../src/sandbox/store.js";
import { arr, obj, sandboxClient, TEST_TOKEN, type Call } from "./sandbox-http.js";

const WEB_IAD_1 = "148e272b0e4d89"; // demo-web, started
const WEB_IAD_2 = "3287e15b6d9e48"; // demo-web, stopped
const WORKER_2 = "e7843d0c2f1968"; // demo-worker, suspended
const WORKER_1 = "9080e476b53d87"; // demo-worker, started, mounts vol_4wkc9m3t7p2xq5rb

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<{ sb: Sandbox; call: Call }> {
  sandbox = await startSandbox({ rateLimits: false, ...options });
  return { sb: sandbox, call: sandboxClient(sandbox.url) };
}

describe("sandbox authentication", () => {
  it("refuses a request without a token with Fly's 401 error shape", async () => {
    const { sb } = await start();
    const reply = await sandboxClient(sb.url, null)("GET", "/v1/apps?org_slug=personal");
    expect(reply.status).toBe(401);
    expect(obj(reply.json).error).toMatch(/unauthorized/);
  });

  it("accepts any non-empty Bearer or FlyV1 token when none is configured", async () => {
    const { sb } = await start();
    const bearer = await sandboxClient(sb.url)("GET", "/v1/apps?org_slug=personal");
    const flyv1 = await sandboxClient(sb.url, null)("GET", "/v1/apps?org_slug=personal", undefined, {
      authorization: `FlyV1 ${TEST_TOKEN}`,
    });
    expect([bearer.status, flyv1.status]).toEqual([200, 200]);
  });

  it("accepts only the configured token when --token is given", async () => {
    const { sb } = await start({ token: TEST_TOKEN });
    expect((await sandboxClient(sb.url, "other-token")("GET", "/v1/platform/regions")).status).toBe(401);
    expect((await sandboxClient(sb.url)("GET", "/v1/platform/regions")).status).toBe(200);
    expect(
      (await sandboxClient(sb.url, null)("POST", "/graphql", { query: "{ viewer { email } }" })).status,
    ).toBe(401);
  });
});

describe("sandbox apps", () => {
  it("requires org_slug to list apps, as the spec does, and accepts 'personal'", async () => {
    const { call } = await start();
    const missing = await call("GET", "/v1/apps");
    expect(missing.status).toBe(400);
    expect(obj(missing.json).error).toMatch(/org_slug/);
    const personal = obj((await call("GET", "/v1/apps?org_slug=personal")).json);
    expect(arr(personal.apps).map((a) => a.name)).toEqual(["demo-web", "demo-worker"]);
    expect(personal.total_apps).toBe(2);
    expect((await call("GET", "/v1/apps?org_slug=no-such-org")).status).toBe(404);
  });

  it("creates an app once, refuses its name again, and deletes it with its machines", async () => {
    const { sb, call } = await start();
    expect((await call("POST", "/v1/apps", { name: "new-app", org_slug: "acme-corp" })).status).toBe(201);
    expect((await call("POST", "/v1/apps", { name: "new-app", org_slug: "acme-corp" })).status).toBe(422);
    expect((await call("POST", "/v1/apps", { name: "Bad_Name", org_slug: "acme-corp" })).status).toBe(400);
    await call("POST", "/v1/apps/new-app/machines", { region: "ams", config: { image: "nginx:1.27" } });
    expect(obj((await call("GET", "/v1/apps/new-app")).json).machine_count).toBe(1);
    expect((await call("DELETE", "/v1/apps/new-app")).status).toBe(202);
    expect((await call("GET", "/v1/apps/new-app")).status).toBe(404);
    expect(sb.store.machines("new-app")).toEqual([]);
  });
});

describe("sandbox machine lifecycle", () => {
  it("stops, waits, starts, suspends and restarts a machine through Fly's states", async () => {
    const { call } = await start();
    const path = `/v1/apps/demo-web/machines/${WEB_IAD_1}`;
    expect((await call("POST", `${path}/stop`, { signal: "SIGTERM", timeout: "5s" })).status).toBe(200);
    const waited = obj((await call("GET", `${path}/wait?state=stopped&timeout=5`)).json);
    expect(waited).toMatchObject({ ok: true, state: "stopped" });
    expect(obj((await call("GET", path)).json).state).toBe("stopped");

    const started = obj((await call("POST", `${path}/start`)).json);
    expect(started.previous_state).toBe("stopped");
    expect(obj((await call("GET", `${path}/wait?state=started`)).json).state).toBe("started");

    expect((await call("POST", `${path}/suspend`)).status).toBe(200);
    expect(obj((await call("GET", `${path}/wait?state=suspended`)).json).state).toBe("suspended");
    expect((await call("POST", `${path}/start`)).status).toBe(200);
    expect(obj((await call("GET", `${path}/wait?state=started`)).json).state).toBe("started");
    expect((await call("POST", `${path}/restart?signal=SIGHUP`)).status).toBe(200);
    expect(obj((await call("GET", `${path}/wait?state=started`)).json).state).toBe("started");
    expect(obj((await call("GET", path)).json).state).toBe("started");

    const events = arr((await call("GET", `${path}/events?limit=50`)).json);
    expect(events.map((e) => `${String(e.type)}:${String(e.status)}`)).toContain("suspend:suspended");
  });

  it("passes through intermediate states when transitions take time, and wait reports the arrival", async () => {
    // No timer runs: the machine stays in "stopping" until the test settles it.
    const { sb, call } = await start({ transitionMs: Number.POSITIVE_INFINITY });
    const path = `/v1/apps/demo-web/machines/${WEB_IAD_1}`;
    expect((await call("POST", `${path}/stop`)).status).toBe(200);
    expect(obj((await call("GET", path)).json).state).toBe("stopping");
    // A second action while it is between states is refused, as flyd does.
    expect((await call("POST", `${path}/start`)).status).toBe(412);
    expect((await call("GET", `${path}/wait?state=stopped&timeout=0`)).status).toBe(408);
    const waiting = call("GET", `${path}/wait?state=stopped`);
    sb.settle();
    expect(obj((await waiting).json).state).toBe("stopped");
    expect(obj((await call("GET", path)).json).state).toBe("stopped");
  });

  it("wakes a wait that is already holding when the change lands", async () => {
    const store = new SandboxStore(seedState("demo"));
    const lifecycle = new MachineLifecycle(store, Number.POSITIVE_INFINITY);
    const machine = store.machine(WEB_IAD_2);
    if (!machine) throw new Error("demo machine missing");
    lifecycle.transition(machine, "start", "starting", "started");
    // wait() subscribes before it returns, so the settle below is seen by a holding wait.
    const waiting = lifecycle.wait(machine, new Set(["started"]), 60_000, new AbortController().signal);
    expect(machine.state).toBe("starting");
    lifecycle.settle();
    expect(await waiting).toBe(true);
    expect(machine.state).toBe("started");
  });

  it("stops a suspended machine at once, discarding its snapshot, so the next start is cold", async () => {
    const { call } = await start();
    const path = `/v1/apps/demo-worker/machines/${WORKER_2}`;
    expect(obj((await call("GET", path)).json).state).toBe("suspended");
    expect((await call("POST", `${path}/stop`)).status).toBe(200);
    expect(obj((await call("GET", path)).json).state).toBe("stopped");
    const started = obj((await call("POST", `${path}/start`)).json);
    expect(started.previous_state).toBe("stopped");
    expect(obj((await call("GET", `${path}/wait?state=started`)).json).state).toBe("started");
    const events = arr((await call("GET", `${path}/events?limit=10`)).json);
    expect(
      events.map((e) => `${String(e.type)}:${String(e.status)}:${String(e.source)}`).slice(2, 4),
    ).toEqual(["stop:stopped:flyd", "stop:stopped:user"]);
  });

  it("answers 408 when the wanted state does not come before the timeout", async () => {
    const { call } = await start();
    const reply = await call("GET", `/v1/apps/demo-web/machines/${WEB_IAD_2}/wait?state=started&timeout=0`);
    expect(reply.status).toBe(408);
    expect(obj(reply.json).error).toMatch(/deadline_exceeded/);
    expect((await call("GET", `/v1/apps/demo-web/machines/${WEB_IAD_2}/wait?state=bogus`)).status).toBe(400);
  });

  it("refuses actions the current state forbids with 412 failed_precondition", async () => {
    const { call } = await start();
    const stop = await call("POST", `/v1/apps/demo-web/machines/${WEB_IAD_2}/stop`);
    expect(stop.status).toBe(412);
    expect(obj(stop.json).error).toBe(
      "failed_precondition: unable to stop machine from current state: 'stopped'",
    );
    expect((await call("POST", `/v1/apps/demo-worker/machines/${WORKER_2}/suspend`)).status).toBe(412);
    expect((await call("POST", `/v1/apps/demo-web/machines/${WEB_IAD_1}/start`)).status).toBe(412);
  });

  it("refuses to destroy a started machine without force, and destroys it with force", async () => {
    const { sb, call } = await start();
    const path = `/v1/apps/demo-worker/machines/${WORKER_1}`;
    const refused = await call("DELETE", path);
    expect(refused.status).toBe(412);
    expect(obj(refused.json).error).toMatch(/force/);
    expect(sb.store.machine(WORKER_1)?.state).toBe("started");

    expect((await call("DELETE", `${path}?force=true`)).status).toBe(200);
    expect(obj((await call("GET", `${path}/wait?state=destroyed`)).json).state).toBe("destroyed");
    const listed = arr((await call("GET", "/v1/apps/demo-worker/machines")).json).map((m) => m.id);
    expect(listed).not.toContain(WORKER_1);
    const withDeleted = arr(
      (await call("GET", "/v1/apps/demo-worker/machines?include_deleted=true")).json,
    ).map((m) => m.id);
    expect(withDeleted).toContain(WORKER_1);
    // Its volume is free again (null, as Fly sends it: fly-go volume_types.go), and the machine is
    // gone for every action.
    expect(
      obj((await call("GET", "/v1/apps/demo-worker/volumes/vol_4wkc9m3t7p2xq5rb")).json).attached_machine_id,
    ).toBeNull();
    expect((await call("POST", `${path}/start`)).status).toBe(404);
  });

  it("destroys a stopped machine without force", async () => {
    const { call } = await start();
    const path = `/v1/apps/demo-web/machines/${WEB_IAD_2}`;
    expect((await call("DELETE", path)).status).toBe(200);
    expect(obj((await call("GET", `${path}/wait?state=destroyed`)).json).state).toBe("destroyed");
    const again = await call("DELETE", path);
    expect(again.status).toBe(404);
    // The text flyctl matches (internal/command/machine/select.go).
    expect(obj(again.json).error).toBe("machine not found");
  });

  it("filters machine lists by state, region and summary", async () => {
    const { call } = await start();
    const stopped = arr((await call("GET", "/v1/apps/acme-api/machines?state=stopped")).json);
    expect(stopped.map((m) => m.name)).toEqual(["api-sin-2"]);
    const sin = arr((await call("GET", "/v1/apps/acme-api/machines?region=sin&state=started,stopped")).json);
    expect(sin.map((m) => m.name).sort()).toEqual(["api-sin-1", "api-sin-2"]);
    const summary = arr((await call("GET", "/v1/apps/acme-api/machines?summary=true")).json);
    expect(summary.every((m) => m.config === undefined && m.events === undefined)).toBe(true);
  });

  it("creates a machine with a guest and a mount, validating sizes as Fly does", async () => {
    const { sb, call } = await start();
    const created = obj(
      (
        await call("POST", "/v1/apps/demo-web/machines", {
          name: "web-lhr-2",
          region: "lhr",
          config: {
            image: "registry.fly.io/demo-web:v2",
            guest: { cpu_kind: "shared", cpus: 2, memory_mb: 1024 },
            mounts: [{ volume: "vol_6upl3f9b5h7m2xzc", path: "/uploads" }],
            env: { A: "1" },
            unknown_key: true,
          },
        })
      ).json,
    );
    // Fly answers a create with the machine `created`; it boots afterwards.
    expect(created).toMatchObject({ name: "web-lhr-2", region: "lhr", state: "created" });
    const booted = obj(
      (await call("GET", `/v1/apps/demo-web/machines/${String(created.id)}/wait?state=started`)).json,
    );
    expect(booted).toMatchObject({ ok: true, state: "started", version: created.instance_id });
    expect(obj(created.config).guest).toEqual({ cpu_kind: "shared", cpus: 2, memory_mb: 1024 });
    expect(obj(created.config).unknown_key).toBeUndefined();
    expect(sb.store.volume("vol_6upl3f9b5h7m2xzc")?.attachedMachineId).toBe(created.id);

    const tooSmall = await call("POST", "/v1/apps/demo-web/machines", {
      config: { image: "x", guest: { cpu_kind: "performance", cpus: 2, memory_mb: 1024 } },
    });
    expect(tooSmall.status).toBe(400);
    expect(obj(tooSmall.json).error).toMatch(/memory_mb/);
    expect((await call("POST", "/v1/apps/demo-web/machines", { config: {} })).status).toBe(400);
    expect(
      (await call("POST", "/v1/apps/demo-web/machines", { region: "xyz", config: { image: "x" } })).status,
    ).toBe(400);
    expect(
      (await call("POST", "/v1/apps/demo-web/machines", "not json{", { "content-type": "application/json" }))
        .status,
    ).toBe(400);
  });

  it("updates a machine's config with a new version and refuses a stale current_version", async () => {
    const { call } = await start();
    const path = `/v1/apps/demo-web/machines/${WEB_IAD_1}`;
    const before = obj((await call("GET", path)).json);
    const config = { ...obj(before.config), guest: { cpu_kind: "shared", cpus: 1, memory_mb: 512 } };
    const updated = obj((await call("POST", path, { config, current_version: before.instance_id })).json);
    expect(updated.instance_id).not.toBe(before.instance_id);
    expect(obj(obj(updated.config).guest).memory_mb).toBe(512);
    // A running machine reboots on its new version: replacing, then started at that version.
    expect(updated.state).toBe("replacing");
    const arrived = await call("GET", `${path}/wait?state=started&version=${String(updated.instance_id)}`);
    expect(obj(arrived.json)).toMatchObject({ ok: true, state: "started", version: updated.instance_id });
    const stale = await call("POST", path, { config, current_version: before.instance_id });
    expect(stale.status).toBe(412);
  });
});
