import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFlyClients } from "../../src/fly/create-clients.js";
import type { Machine, Volume } from "../../src/fly/schemas.js";
import type { Logger } from "../../src/logger.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import type { ToolContext } from "../../tools/define-tool.js";
import { findTool } from "../../tools/index.js";
import { invokeTool, ToolInputError } from "../../tools/invoke.js";
import type { MachineActionResult } from "../../tools/machine-actions.js";

/** Write and destructive tools, each against a fresh demo sandbox whose state the test then inspects. */

let sandbox: Sandbox;
let warnings: string[];

beforeEach(async () => {
  sandbox = await startSandbox({ port: 0, seed: "demo", rateLimits: false });
  warnings = [];
});

afterEach(async () => {
  await sandbox.close();
});

function context(): ToolContext {
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    token: sandbox.env.FLY_API_TOKEN ?? "",
  });
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m) };
  return { fly, org: undefined, app: undefined, signal: undefined, log };
}

async function run<T>(name: string, input: unknown): Promise<T> {
  const tool = findTool(name);
  if (!tool) throw new Error(`no tool ${name}`);
  return (await invokeTool(context(), tool, input)) as T;
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

  it("refuses an update that changes nothing", async () => {
    await expect(run("machines_update", { app: "demo-web", machine_id: "148e272b0e4d89" })).rejects.toThrow(
      ToolInputError,
    );
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
    const set = await run<{ set: string[] }>("secrets_set", {
      app: "demo-web",
      secrets: { NEW_KEY: "s3cr3t-value" },
    });
    expect(set.set).toEqual(["NEW_KEY"]);
    expect(JSON.stringify(set)).not.toContain("s3cr3t-value");
    expect(sandbox.store.secretValue("demo-web", "NEW_KEY")).toBe("s3cr3t-value");
    await run("secrets_unset", { app: "demo-web", names: ["NEW_KEY", "SESSION_SECRET"] });
    const names = (await rest().listSecrets("demo-web")).map((s) => s.name);
    expect(names).toEqual(["DATABASE_URL"]);
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

  it("adds and removes a certificate", async () => {
    await run("certs_add", { app: "demo-worker", hostname: "jobs.example.com" });
    expect((await rest().listCertificates("demo-worker")).items.map((c) => c.hostname)).toEqual([
      "jobs.example.com",
    ]);
    await run("certs_remove", { app: "demo-worker", hostname: "jobs.example.com" });
    expect((await rest().listCertificates("demo-worker")).items).toEqual([]);
  });
});
