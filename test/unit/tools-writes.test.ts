import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFlyClients } from "../../src/fly/create-clients.js";
import { FlyApiError } from "../../src/fly/errors.js";
import type { RecordedRequest } from "../../src/fly/http.js";
import type { FlyRest } from "../../src/fly/rest.js";
import type { Machine, Volume } from "../../src/fly/schemas.js";
import type { Logger } from "../../src/logger.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { findTool } from "../../tools/index.js";
import { invokeTool, ToolInputError } from "../../tools/invoke.js";
import { SECRETS_STAGED } from "../../tools/secrets.js";
import {
  MachineSettledElsewhereError,
  MachineWaitError,
  type MachineActionResult,
} from "../../tools/machine-actions.js";
import { virtualLimiter } from "../support/virtual-time.js";

/** Write and destructive tools, each against a fresh demo sandbox whose state the test then inspects. */

let sandbox: Sandbox;
let warnings: string[];
let requests: RecordedRequest[];

beforeEach(async () => {
  // Changes land at once unless a test drives them (restartSandbox); test/integration runs with Fly's timing.
  sandbox = await startSandbox({ port: 0, seed: "demo", rateLimits: false, transitionMs: 0 });
  warnings = [];
  requests = [];
});

afterEach(async () => {
  await sandbox.close();
});

function context(): ToolContext {
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    mpgBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    token: sandbox.env.FLY_API_TOKEN ?? "",
    limiter: virtualLimiter(),
    onRequest: (r) => requests.push(r),
  });
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m) };
  return { fly, org: undefined, app: undefined, signal: undefined, log };
}

async function run<T>(name: string, input: unknown, ctx: ToolContext = context()): Promise<T> {
  const tool = findTool(name);
  if (!tool) throw new Error(`no tool ${name}`);
  return (await invokeTool(ctx, tool, input)) as T;
}

/** A sandbox whose machine changes stay in flight until `sandbox.settle()` lands them. */
async function restartSandbox(options: { transitionMs: number }): Promise<void> {
  await sandbox.close();
  sandbox = await startSandbox({ port: 0, seed: "demo", rateLimits: false, ...options });
}

/** A context whose REST client has some methods replaced; the rest go to the sandbox. */
function contextWith(overrides: (real: FlyRest) => Partial<FlyRest>): ToolContext {
  const ctx = context();
  const rest = Object.assign(Object.create(ctx.fly.rest) as FlyRest, overrides(ctx.fly.rest));
  return { ...ctx, fly: { ...ctx.fly, rest } };
}

/**
 * Whether `promise` is still pending once the tool has sent its `count`-th long poll on
 * /machines/{id}/wait (the client records a request as it leaves): with the sandbox's changes held
 * in flight, nothing can answer that poll until the test settles them, so the tool must still be
 * waiting. Watching for the poll instead of waiting a fixed time keeps this true on a busy machine.
 */
async function pendingAtWait(promise: Promise<unknown>, count = 1): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  const waits = () => requests.filter((r) => r.method === "GET" && r.path.endsWith("/wait")).length;
  while (!settled && waits() < count) await new Promise((r) => setTimeout(r, 5));
  // One more turn of the event loop, so a reply that was already on its way would have arrived.
  await new Promise((r) => setImmediate(r));
  return !settled;
}

const rest = () => context().fly.rest;

describe("machine state changes", () => {
  it("stops a started machine, and a second stop changes nothing", async () => {
    const ref = { app: "demo-web", machine_id: "148e272b0e4d89" };
    const first = await run<MachineActionResult>("machines_stop", ref);
    expect(first).toMatchObject({ action: "stop", changed: true, machine: { state: "stopped" } });
    expect((await rest().getMachine(ref.app, ref.machine_id)).state).toBe("stopped");
    const again = await run<MachineActionResult>("machines_stop", ref);
    expect(again.changed).toBe(false);
  });

  it("starts, suspends and restarts", async () => {
    const ref = { app: "demo-web", machine_id: "3287e15b6d9e48" };
    expect((await run<MachineActionResult>("machines_start", ref)).machine.state).toBe("started");
    expect((await run<MachineActionResult>("machines_suspend", ref)).machine.state).toBe("suspended");
    expect((await run<MachineActionResult>("machines_start", ref)).machine.state).toBe("started");
    expect((await run<MachineActionResult>("machines_restart", ref)).machine.state).toBe("started");
    expect(warnings).toEqual([]);
  });

  it("cordons and uncordons", async () => {
    const ref = { app: "acme-api", machine_id: "5683d920b1e48e" };
    expect(await run<MachineActionResult>("machines_cordon", ref)).toMatchObject({
      action: "cordon",
      changed: true,
    });
    expect(await run<MachineActionResult>("machines_uncordon", ref)).toMatchObject({ action: "uncordon" });
  });

  it("does not report a stop done while the machine is still stopping: the wait's end is an error", async () => {
    await restartSandbox({ transitionMs: Number.POSITIVE_INFINITY });
    const ref = { app: "demo-web", machine_id: "148e272b0e4d89" };
    // Fly's long poll ends at its deadline (408) while the machine is still on its way.
    const ctx = contextWith(() => ({
      waitMachine: () =>
        Promise.reject(
          new FlyApiError({ status: 408, method: "GET", path: "/v1/apps/demo-web/machines/x/wait" }),
        ),
    }));
    const error = await run("machines_stop", ref, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineWaitError);
    expect(error).toMatchObject({ state: "stopping", wanted: "stopped", exitCode: 1 });
    expect((error as MachineWaitError).message).toBe(
      "machine 148e272b0e4d89 of demo-web did not reach stopped; it is stopping",
    );
    expect((error as MachineWaitError).hint).toContain(
      "flyops fly get machine 148e272b0e4d89 --app demo-web",
    );
  });

  it("finishes a stop that an earlier run left in flight without asking Fly to stop it again", async () => {
    await restartSandbox({ transitionMs: Number.POSITIVE_INFINITY });
    const ref = { app: "demo-web", machine_id: "148e272b0e4d89" };
    await rest().stopMachine(ref.app, ref.machine_id);
    expect(sandbox.store.machine(ref.machine_id)?.state).toBe("stopping");
    requests.length = 0;
    const stopping = run<MachineActionResult>("machines_stop", ref);
    expect(await pendingAtWait(stopping)).toBe(true);
    sandbox.settle();
    expect(await stopping).toMatchObject({ changed: true, machine: { state: "stopped" } });
    expect(requests.filter((r) => r.method === "POST")).toEqual([]);
  });

  it("restarts waiting from the machine's newest event, so a machine still reading started does not end the wait", async () => {
    const ref = { app: "demo-web", machine_id: "148e272b0e4d89" };
    const events = (await rest().getMachine(ref.app, ref.machine_id)).events ?? [];
    const newest = [...events].sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))[0]?.id;
    expect(newest).toBeTruthy();
    const waits: unknown[] = [];
    const ctx = contextWith((real) => ({
      waitMachine: (app, id, options, signal) => {
        waits.push(options);
        return real.waitMachine(app, id, options, signal);
      },
    }));
    await run("machines_restart", ref, ctx);
    expect(waits).toEqual([{ state: "started", fromEventId: newest, timeoutSeconds: 60 }]);
    const wait = requests.find((r) => r.path.endsWith("/wait"));
    expect(wait?.query).toMatchObject({ state: "started", from_event_id: newest });
  });

  it("lets a stopping machine settle before starting it, instead of sending a start Fly refuses", async () => {
    await restartSandbox({ transitionMs: Number.POSITIVE_INFINITY });
    const ref = { app: "demo-web", machine_id: "148e272b0e4d89" };
    await rest().stopMachine(ref.app, ref.machine_id);
    requests.length = 0;
    const starting = run<MachineActionResult>("machines_start", ref);
    expect(await pendingAtWait(starting)).toBe(true);
    expect(requests.filter((r) => r.method === "POST")).toEqual([]);
    sandbox.settle();
    expect(await pendingAtWait(starting, 2)).toBe(true);
    expect(sandbox.store.machine(ref.machine_id)?.state).toBe("starting");
    sandbox.settle();
    expect(await starting).toMatchObject({ changed: true, machine: { state: "started" } });
  });

  it("does not suspend a machine that was stopping: once stopped, it says so and sends nothing", async () => {
    await restartSandbox({ transitionMs: Number.POSITIVE_INFINITY });
    const ref = { app: "demo-web", machine_id: "148e272b0e4d89" };
    await rest().stopMachine(ref.app, ref.machine_id);
    requests.length = 0;
    const suspending = run("machines_suspend", ref).catch((e: unknown) => e);
    expect(await pendingAtWait(suspending)).toBe(true);
    sandbox.settle();
    const error = await suspending;
    expect(error).toBeInstanceOf(MachineSettledElsewhereError);
    expect(error).toMatchObject({ found: "stopped", wanted: "suspended" });
    expect(requests.filter((r) => r.method === "POST")).toEqual([]);
  });

  it("says plainly when a machine settles in another resting state than asked", async () => {
    const ref = { app: "demo-web", machine_id: "148e272b0e4d89" };
    // Fly cannot suspend this machine and stops it instead.
    const ctx = contextWith((real) => ({
      suspendMachine: (app, id, signal) => real.stopMachine(app, id, {}, signal),
      // Fly holds the wait for "suspended" until its deadline.
      waitMachine: () =>
        Promise.reject(
          new FlyApiError({ status: 408, method: "GET", path: "/v1/apps/demo-web/machines/x/wait" }),
        ),
    }));
    const error = await run("machines_suspend", ref, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineSettledElsewhereError);
    expect(error).toMatchObject({ found: "stopped", wanted: "suspended" });
    expect((error as Error).message).toBe(
      "machine 148e272b0e4d89 of demo-web settled in stopped, not suspended",
    );
  });

  it("destroys a stopped machine", async () => {
    await run("machines_destroy", { app: "demo-web", machine_id: "3287e15b6d9e48" });
    const left = await rest().listMachines("demo-web");
    expect(left.map((m) => m.id)).not.toContain("3287e15b6d9e48");
  });
});

describe("machines_create and machines_update", () => {
  it("creates a machine of the asked size, with the app's current image when none is given", async () => {
    const created = await run<Machine>("machines_create", {
      app: "demo-web",
      region: "ams",
      name: "web-ams-1",
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 512 },
    });
    const fetched = await rest().getMachine("demo-web", created.id);
    expect(fetched).toMatchObject({ name: "web-ams-1", region: "ams" });
    expect(fetched.config?.guest).toMatchObject({ cpu_kind: "shared", cpus: 1, memory_mb: 512 });
    expect(fetched.config?.image).toBe("registry.fly.io/demo-web:deployment-01J9ZK3V2W1C4N7P8Q5R6S7T8U");
  });

  it("changes only the size fields given, and does nothing the second time", async () => {
    const ref = { app: "demo-worker", machine_id: "9080e476b53d87" };
    const before = await rest().getMachine(ref.app, ref.machine_id);
    const first = await run<{ changed: boolean; machine: Machine }>("machines_update", {
      ...ref,
      guest: { memory_mb: 2048 },
    });
    expect(first.changed).toBe(true);
    const after = await rest().getMachine(ref.app, ref.machine_id);
    expect(after.config?.guest).toMatchObject({ cpu_kind: "shared", cpus: 2, memory_mb: 2048 });
    expect(after.config?.mounts).toEqual(before.config?.mounts);
    const second = await run<{ changed: boolean }>("machines_update", { ...ref, guest: { memory_mb: 2048 } });
    expect(second.changed).toBe(false);
  });

  it("waits for the new version of a running machine to run before reporting the update", async () => {
    await restartSandbox({ transitionMs: Number.POSITIVE_INFINITY });
    const ref = { app: "demo-worker", machine_id: "9080e476b53d87" };
    const updating = run<{ changed: boolean; machine: Machine }>("machines_update", {
      ...ref,
      guest: { memory_mb: 2048 },
    });
    expect(await pendingAtWait(updating)).toBe(true);
    expect(sandbox.store.machine(ref.machine_id)?.state).toBe("replacing");
    sandbox.settle();
    const done = await updating;
    expect(done).toMatchObject({ changed: true, machine: { state: "started" } });
    expect(done.machine.config?.guest?.memory_mb).toBe(2048);
  });

  it("waits for a starting machine to settle and lets it run, rather than updating it to stopped", async () => {
    await restartSandbox({ transitionMs: Number.POSITIVE_INFINITY });
    const ref = { app: "demo-web", machine_id: "3287e15b6d9e48" };
    await rest().startMachine(ref.app, ref.machine_id);
    expect(sandbox.store.machine(ref.machine_id)?.state).toBe("starting");
    requests.length = 0;
    const updating = run<{ machine: Machine }>("machines_update", { ...ref, guest: { memory_mb: 512 } });
    expect(await pendingAtWait(updating)).toBe(true);
    expect(requests.filter((r) => r.method === "POST")).toEqual([]);
    sandbox.settle();
    expect(await pendingAtWait(updating, 2)).toBe(true);
    sandbox.settle();
    const done = await updating;
    expect(done.machine.state).toBe("started");
    const update = requests.find((r) => r.method === "POST" && r.path.endsWith(ref.machine_id));
    expect(update?.body).not.toHaveProperty("skip_launch");
  });

  it("leaves a stopped machine stopped when it updates it", async () => {
    const ref = { app: "demo-web", machine_id: "3287e15b6d9e48" };
    const done = await run<{ machine: Machine }>("machines_update", { ...ref, guest: { memory_mb: 512 } });
    expect(done.machine.state).toBe("stopped");
    const update = requests.find((r) => r.method === "POST" && r.path.endsWith(ref.machine_id));
    expect(update?.body).toMatchObject({ skip_launch: true });
  });

  it("copies a machine's services, env, metadata and checks but not its volumes with from_machine_id", async () => {
    const source = await rest().getMachine("acme-db", "17811953c92e18");
    expect(source.config?.mounts?.length).toBe(1);
    const created = await run<Machine>("machines_create", {
      app: "acme-db",
      region: "ams",
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 1024 },
      from_machine_id: "17811953c92e18",
    });
    const copy = await rest().getMachine("acme-db", created.id);
    expect(copy.state).toBe("started");
    expect(copy.config?.env).toEqual(source.config?.env);
    expect(copy.config?.metadata).toEqual(source.config?.metadata);
    expect(copy.config?.services).toEqual(source.config?.services);
    expect(copy.config?.image).toBe(source.config?.image);
    expect(copy.config?.guest).toMatchObject({ cpu_kind: "shared", cpus: 1, memory_mb: 1024 });
    expect(copy.config?.mounts ?? []).toEqual([]);
    const web = await run<Machine>("machines_create", {
      app: "demo-web",
      region: "ams",
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
      from_machine_id: "148e272b0e4d89",
    });
    const webSource = await rest().getMachine("demo-web", "148e272b0e4d89");
    const webCopy = await rest().getMachine("demo-web", web.id);
    expect(webCopy.config?.services).toEqual(webSource.config?.services);
    expect(webCopy.config?.services?.length).toBeGreaterThan(0);
    expect(webCopy.config?.metadata).toEqual(webSource.config?.metadata);
  });

  it("refuses an update that changes nothing", async () => {
    await expect(run("machines_update", { app: "demo-web", machine_id: "148e272b0e4d89" })).rejects.toThrow(
      ToolInputError,
    );
  });
});

describe("listing machines by state", () => {
  it("accepts every state Fly has, and shows destroyed machines only when asked", async () => {
    await run("machines_destroy", { app: "demo-web", machine_id: "3287e15b6d9e48" });
    const byDefault = await run<Machine[]>("machines_list", { app: "demo-web" });
    expect(byDefault.map((m) => m.id)).not.toContain("3287e15b6d9e48");
    const destroyed = await run<Machine[]>("machines_list", { app: "demo-web", state: ["destroyed"] });
    expect(destroyed.map((m) => m.id)).toEqual(["3287e15b6d9e48"]);
    const fleet = await run<Machine[]>("org_machines_list", { state: "destroyed,failed" });
    expect(fleet.map((m) => m.id)).toEqual(["3287e15b6d9e48"]);
    expect(await run<Machine[]>("machines_list", { app: "demo-web", state: ["failed"] })).toEqual([]);
    const listed = requests.filter((r) => r.path === "/v1/apps/demo-web/machines").map((r) => r.query);
    // Fly documents only created, started, stopped and suspended as list filters: the rest are applied here.
    expect(listed).toContainEqual({ include_deleted: "true" });
    expect(listed.every((q) => q.state === undefined)).toBe(true);
  });
});

describe("volumes", () => {
  it("creates, extends (never shrinks), snapshots and destroys a volume", async () => {
    const volume = await run<Volume>("volumes_create", {
      app: "demo-web",
      name: "cache",
      region: "iad",
      size_gb: 2,
    });
    const ref = { app: "demo-web", volume_id: volume.id };
    const grown = await run<{ changed: boolean; volume: Volume }>("volumes_extend", { ...ref, size_gb: 4 });
    expect(grown).toMatchObject({ changed: true, volume: { size_gb: 4 } });
    expect((await run<{ changed: boolean }>("volumes_extend", { ...ref, size_gb: 4 })).changed).toBe(false);
    await expect(run("volumes_extend", { ...ref, size_gb: 1 })).rejects.toThrow(/cannot shrink/);
    await run("volume_snapshots_create", ref);
    expect(await rest().listVolumeSnapshots("demo-web", volume.id)).toHaveLength(1);
    await run("volumes_destroy", ref);
    const left = await rest().listVolumes("demo-web");
    expect(left.filter((v) => v.id === volume.id && v.state !== "destroyed")).toEqual([]);
  });
});

describe("secrets", () => {
  it("sets resolved values and unsets by name, reporting names only", async () => {
    const set = await run<{ set: string[]; staged: boolean }>("secrets_set", {
      app: "demo-web",
      secrets: { NEW_KEY: "s3cr3t-value" },
    });
    expect(set).toMatchObject({ set: ["NEW_KEY"], staged: true });
    expect(JSON.stringify(set)).not.toContain("s3cr3t-value");
    expect(sandbox.store.secretValue("demo-web", "NEW_KEY")).toBe("s3cr3t-value");
    await run("secrets_unset", { app: "demo-web", names: ["NEW_KEY", "SESSION_SECRET"] });
    const names = (await rest().listSecrets("demo-web")).map((s) => s.name);
    expect(names).toEqual(["DATABASE_URL"]);
  });

  it("unsets every name in one new version, and a name the app lacks is no error, so a rerun succeeds", async () => {
    const version = sandbox.store.app("demo-web")?.secretsVersion ?? 0;
    const input = { app: "demo-web", names: ["SESSION_SECRET", "NEVER_SET"] };
    const first = await run<{ unset: string[]; version: number | null }>("secrets_unset", input);
    expect(first).toMatchObject({ unset: ["NEVER_SET", "SESSION_SECRET"], version: version + 1 });
    expect(requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1/apps/demo-web/secrets",
    ]);
    expect(requests.at(-1)?.body).toEqual({ values: { NEVER_SET: null, SESSION_SECRET: null } });
    // Resumed after a crash: the same step again changes nothing and does not fail.
    await expect(run("secrets_unset", input)).resolves.toMatchObject({ version: version + 1 });
    expect((await rest().listSecrets("demo-web")).map((s) => s.name)).toEqual(["DATABASE_URL"]);
  });

  it("says plainly that a change is staged until the machines are next deployed or updated", () => {
    for (const name of ["secrets_set", "secrets_unset"]) {
      const tool = findTool(name);
      expect(tool?.description).toMatch(
        /staged: running machines keep their current values until they are next deployed or updated/,
      );
      expect(tool?.description).not.toMatch(/next restart/);
      // One wording, in what the model reads before the call and in what it is shown after.
      expect(tool?.description).toContain(SECRETS_STAGED);
      const view = tool?.view({ app: "a", version: 2 }, {}) as { note?: string };
      expect(view.note).toBe(SECRETS_STAGED);
    }
  });

  it("accepts references in its schema but refuses to run one unresolved", async () => {
    const tool = findTool("secrets_set");
    expect(tool?.input.safeParse({ app: "a", secrets: { K: { fromEnv: "K" } } }).success).toBe(true);
    await expect(run("secrets_set", { app: "demo-web", secrets: { K: { fromEnv: "K" } } })).rejects.toThrow(
      /secrets\.K: a reference must be resolved/,
    );
    expect(sandbox.store.secretValue("demo-web", "K")).toBeUndefined();
  });
});

describe("IPs and certificates", () => {
  it("allocates and releases an address", async () => {
    const ip = await run<{ ip: string }>("ips_allocate", { app: "demo-worker", type: "v6" });
    expect((await rest().listIpAssignments("demo-worker")).map((i) => i.ip)).toContain(ip.ip);
    await run("ips_release", { app: "demo-worker", ip: ip.ip });
    expect((await rest().listIpAssignments("demo-worker")).map((i) => i.ip)).not.toContain(ip.ip);
  });

  it("asks Fly to check a certificate only as a write, and reads one with certs_get", async () => {
    expect(findTool("certs_check")?.access).toBe("write");
    const checked = await run<{ hostname: string }>("certs_check", {
      app: "acme-api",
      hostname: "api.acme.example",
    });
    expect(checked.hostname).toBe("api.acme.example");
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1/apps/acme-api/certificates/api.acme.example/check",
    ]);
  });

  it("adds and removes a certificate", async () => {
    await run("certs_add", { app: "demo-worker", hostname: "jobs.example.com" });
    expect((await rest().listCertificates("demo-worker")).items.map((c) => c.hostname)).toEqual([
      "jobs.example.com",
    ]);
    await run("certs_remove", { app: "demo-worker", hostname: "jobs.example.com" });
    expect((await rest().listCertificates("demo-worker")).items).toEqual([]);
  });
});
