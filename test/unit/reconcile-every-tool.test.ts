import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AnyWriteTool } from "../../tools/define-tool.js";
import { toolsByAccess, writeTools } from "../../tools/index.js";
import { invokeTool } from "../../tools/invoke.js";
import { machinesCreate } from "../../tools/machine-create-update.js";
import { volumesCreate } from "../../tools/volumes.js";
import { ipsAllocate } from "../../tools/ips.js";
import { addonCreate } from "../../tools/addons.js";
import { mpgCreate } from "../../tools/mpg-writes.js";
import { machinesSecretsUpdate } from "../../tools/machine-secrets.js";
import { machinesClone } from "../../tools/machine-clone.js";
import { volumesFork } from "../../tools/volume-fork.js";
import { flywpServersCreate } from "../../tools/flywp-servers.js";
import { flywpSitesCreate } from "../../tools/flywp-sites.js";
import { reconcileStep, snapshotBeforeCreate, type Reconciliation } from "../../src/plan/apply/reconcile.js";
import type { PlanStep } from "../../src/plan/schema/schema.js";
import { sandboxWorld, STARTED, type SandboxWorld } from "./applier-fixture.js";
import { keyFingerprint } from "../../tools/flywp-fields.js";

/**
 * Every write tool of the catalog, walked through each way `--resume` can settle it: its effect
 * is already there (adopt), running it again is safe (rerun), or only a person can tell (ask).
 * The table must name every write tool, so a new tool cannot land without its scenarios.
 */

type Action = Reconciliation["action"];

interface Scenario {
  expect: Action;
  input: Record<string, unknown>;
  /** Changes the sandbox into the state the interrupted step left; returns the create's `before`. */
  arrange?: (world: SandboxWorld, step: PlanStep) => Promise<string[] | undefined>;
}

const STOPPED = { app: "demo-web", machine_id: "3287e15b6d9e48" } as const;
const MISSING_MACHINE = { app: "demo-web", machine_id: "0000000000beef" } as const;
const GUEST = { cpu_kind: "shared", cpus: 1, memory_mb: 256 } as const;
const UPLOADS = { app: "demo-web", volume_id: "vol_6upl3f9b5h7m2xzc" } as const;
const CERT = { app: "demo-web", hostname: "demo-web.example.com" } as const;

function setMachineState(world: SandboxWorld, id: string, state: string): void {
  const machine = world.sandbox.store.machine(id);
  if (!machine) throw new Error(`no machine ${id} in the demo fleet`);
  Object.assign(machine, { state });
}

function setMetadata(world: SandboxWorld, id: string, metadata: Record<string, string>): void {
  const machine = world.sandbox.store.machine(id);
  if (!machine) throw new Error(`no machine ${id} in the demo fleet`);
  machine.config.metadata = { ...machine.config.metadata, ...metadata };
}

/** What existed before the step, then what the step made before the crash. */
async function createdDuringStep(
  world: SandboxWorld,
  step: PlanStep,
  make: () => Promise<unknown>,
): Promise<string[] | undefined> {
  const before = await snapshotBeforeCreate(world.runtime.ctx, step);
  await make();
  return before;
}

const MPG = "8k3m5q7x1z9w2v4r";
const newCluster = { org: "acme-corp", name: "acme-pg2", region: "ams" };
const newRedis = { org: "acme-corp", type: "upstash_redis", name: "acme-queue", region: "ams" };
const ACME = { org: "acme-corp" } as const;

const newMachine = { app: "demo-web", region: "iad", name: "web-iad-9", guest: GUEST };
const newVolume = { app: "demo-web", region: "lhr", name: "scratch", size_gb: 1 };
const clone = { app: "demo-web", machine_id: "148e272b0e4d89", region: "ams", name: "web-ams-9" };
const fork = { ...UPLOADS, region: "ams", name: "uploads_copy" };

const newWpServer = { name: "web-9" };
const newWpSite = { server_id: 1, domain: "new.example.com" };
// A well-formed ed25519 key line: its blob names its type (RFC 4253 6.6), then 32 key bytes.
const WP_KEY = `ssh-ed25519 ${Buffer.concat([
  Buffer.from([0, 0, 0, 11]),
  Buffer.from("ssh-ed25519"),
  Buffer.from([0, 0, 0, 32]),
  Buffer.alloc(32, 7),
]).toString("base64")} kim@laptop`;

const SCENARIOS: Record<string, Scenario[]> = {
  machines_create: [
    { expect: "rerun", input: newMachine, arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s) },
    {
      expect: "adopt",
      input: newMachine,
      arrange: (w, s) => createdDuringStep(w, s, () => invokeTool(w.runtime.ctx, machinesCreate, newMachine)),
    },
    {
      expect: "ask",
      input: { app: "demo-web", region: "iad", guest: GUEST },
      arrange: (w, s) =>
        createdDuringStep(w, s, () =>
          invokeTool(w.runtime.ctx, machinesCreate, { app: "demo-web", region: "iad", guest: GUEST }),
        ),
    },
    // No snapshot in the journal: what is new cannot be told apart.
    { expect: "ask", input: newMachine, arrange: () => Promise.resolve(undefined) },
  ],
  machines_update: [{ expect: "rerun", input: { ...STARTED, guest: { memory_mb: 512 } } }],
  machines_start: [
    { expect: "adopt", input: STARTED },
    { expect: "rerun", input: STOPPED },
    {
      expect: "ask",
      input: STOPPED,
      arrange: (w) => Promise.resolve(void setMachineState(w, STOPPED.machine_id, "destroyed")),
    },
  ],
  machines_stop: [
    { expect: "adopt", input: STOPPED },
    { expect: "rerun", input: STARTED },
    {
      expect: "ask",
      input: STARTED,
      arrange: (w) => Promise.resolve(void setMachineState(w, STARTED.machine_id, "created")),
    },
  ],
  machines_suspend: [
    {
      expect: "adopt",
      input: STARTED,
      arrange: (w) => Promise.resolve(void setMachineState(w, STARTED.machine_id, "suspended")),
    },
    { expect: "rerun", input: STARTED },
    // Fly stops a machine it cannot suspend: sending suspend again may fail the same way forever.
    { expect: "ask", input: STOPPED },
  ],
  machines_restart: [{ expect: "ask", input: STARTED }],
  machines_cordon: [{ expect: "rerun", input: STARTED }],
  machines_uncordon: [{ expect: "rerun", input: STARTED }],
  machines_destroy: [
    { expect: "adopt", input: MISSING_MACHINE },
    {
      expect: "adopt",
      input: STOPPED,
      arrange: (w) => Promise.resolve(void setMachineState(w, STOPPED.machine_id, "destroyed")),
    },
    { expect: "rerun", input: STOPPED },
  ],
  volumes_create: [
    { expect: "rerun", input: newVolume, arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s) },
    {
      expect: "adopt",
      input: newVolume,
      arrange: (w, s) => createdDuringStep(w, s, () => invokeTool(w.runtime.ctx, volumesCreate, newVolume)),
    },
    // Volume names are not unique: two new ones with the plan's name cannot be told apart.
    {
      expect: "ask",
      input: newVolume,
      arrange: (w, s) =>
        createdDuringStep(w, s, async () => {
          await invokeTool(w.runtime.ctx, volumesCreate, newVolume);
          await invokeTool(w.runtime.ctx, volumesCreate, newVolume);
        }),
    },
  ],
  volumes_extend: [
    { expect: "adopt", input: { ...UPLOADS, size_gb: 5 } },
    { expect: "rerun", input: { ...UPLOADS, size_gb: 10 } },
  ],
  volumes_destroy: [
    { expect: "adopt", input: { app: "demo-web", volume_id: "vol_0000000000000000" } },
    { expect: "rerun", input: UPLOADS },
  ],
  volume_snapshots_create: [{ expect: "ask", input: UPLOADS }],
  secrets_set: [
    { expect: "rerun", input: { app: "demo-web", secrets: { LOG_LEVEL: { fromEnv: "LOG_LEVEL" } } } },
  ],
  secrets_unset: [{ expect: "rerun", input: { app: "demo-web", names: ["SESSION_SECRET"] } }],
  ips_allocate: [
    {
      expect: "rerun",
      input: { app: "demo-web", type: "v6" },
      arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s),
    },
    // An address has no name: a new one may be someone else's.
    {
      expect: "ask",
      input: { app: "demo-web", type: "v6" },
      arrange: (w, s) =>
        createdDuringStep(w, s, () =>
          invokeTool(w.runtime.ctx, ipsAllocate, { app: "demo-web", type: "v6" }),
        ),
    },
  ],
  ips_release: [
    { expect: "adopt", input: { app: "demo-web", ip: "2a09:8280:1::3a:ffff" } },
    // Written longhand, the assigned address is still recognised.
    { expect: "rerun", input: { app: "demo-web", ip: "2a09:8280:0001::3a:f001" } },
  ],
  certs_add: [
    { expect: "adopt", input: CERT },
    { expect: "rerun", input: { app: "demo-web", hostname: "new.example.com" } },
  ],
  certs_check: [{ expect: "rerun", input: CERT }],
  apps_create: [
    { expect: "adopt", input: { app: "demo-web", org: "personal" } },
    { expect: "rerun", input: { app: "demo-next", org: "personal" } },
    // The name is taken, in another org: not this step's app.
    { expect: "ask", input: { app: "acme-api", org: "personal" } },
  ],
  apps_destroy: [
    { expect: "adopt", input: { app: "gone-app" } },
    { expect: "rerun", input: { app: "demo-web", force: true } },
  ],
  apps_scale_count: [{ expect: "rerun", input: { app: "demo-web", count: 4 } }],
  apps_scale_vm: [{ expect: "rerun", input: { app: "demo-web", size: "shared-cpu-2x" } }],
  apps_scale_memory: [{ expect: "rerun", input: { app: "demo-web", memory_mb: 512 } }],
  apps_restart: [{ expect: "ask", input: { app: "demo-web" } }],
  apps_rollback: [{ expect: "rerun", input: { app: "demo-web" } }],
  machines_clone: [
    { expect: "rerun", input: clone, arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s) },
    {
      expect: "adopt",
      input: clone,
      arrange: (w, s) => createdDuringStep(w, s, () => invokeTool(w.runtime.ctx, machinesClone, clone)),
    },
    {
      expect: "ask",
      input: { app: "demo-web", machine_id: "148e272b0e4d89" },
      arrange: (w, s) =>
        createdDuringStep(w, s, () =>
          invokeTool(w.runtime.ctx, machinesClone, { app: "demo-web", machine_id: "148e272b0e4d89" }),
        ),
    },
  ],
  machines_signal: [{ expect: "ask", input: { ...STARTED, signal: "SIGHUP" } }],
  machines_kill: [{ expect: "ask", input: STARTED }],
  machines_metadata_set: [
    {
      expect: "adopt",
      input: { ...STARTED, key: "role", value: "web" },
      arrange: (w) => Promise.resolve(void setMetadata(w, STARTED.machine_id, { role: "web" })),
    },
    { expect: "rerun", input: { ...STARTED, key: "role", value: "web" } },
  ],
  machines_metadata_unset: [
    { expect: "adopt", input: { ...STARTED, key: "role" } },
    {
      expect: "rerun",
      input: { ...STARTED, key: "role" },
      arrange: (w) => Promise.resolve(void setMetadata(w, STARTED.machine_id, { role: "web" })),
    },
  ],
  volumes_fork: [
    { expect: "rerun", input: fork, arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s) },
    {
      expect: "adopt",
      input: fork,
      arrange: (w, s) => createdDuringStep(w, s, () => invokeTool(w.runtime.ctx, volumesFork, fork)),
    },
    // Two copies with the plan's name cannot be told apart.
    {
      expect: "ask",
      input: fork,
      arrange: (w, s) =>
        createdDuringStep(w, s, async () => {
          await invokeTool(w.runtime.ctx, volumesFork, fork);
          await invokeTool(w.runtime.ctx, volumesFork, fork);
        }),
    },
  ],
  certs_remove: [
    { expect: "adopt", input: { app: "demo-web", hostname: "gone.example.com" } },
    { expect: "rerun", input: CERT },
  ],
  mpg_create: [
    { expect: "rerun", input: newCluster, arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s) },
    {
      expect: "adopt",
      input: newCluster,
      arrange: (w, s) => createdDuringStep(w, s, () => invokeTool(w.runtime.ctx, mpgCreate, newCluster)),
    },
    { expect: "ask", input: newCluster, arrange: () => Promise.resolve(undefined) },
  ],
  mpg_destroy: [
    { expect: "adopt", input: { ...ACME, cluster_id: "0000000000000000" } },
    { expect: "rerun", input: { ...ACME, cluster_id: MPG } },
  ],
  mpg_database_create: [
    { expect: "adopt", input: { cluster_id: MPG, database: "acme_app" } },
    { expect: "rerun", input: { cluster_id: MPG, database: "acme_audit" } },
  ],
  mpg_user_create: [
    { expect: "adopt", input: { cluster_id: MPG, username: "grafana", role: "reader" } },
    { expect: "rerun", input: { cluster_id: MPG, username: "reporting", role: "reader" } },
  ],
  // acme-api has DATABASE_URL and is attached in the seed; acme-cron has neither.
  mpg_attach: [
    { expect: "adopt", input: { cluster_id: MPG, app: "acme-api" } },
    { expect: "rerun", input: { cluster_id: MPG, app: "acme-cron" } },
  ],
  mpg_detach: [
    { expect: "adopt", input: { cluster_id: MPG, app: "acme-cron" } },
    { expect: "rerun", input: { cluster_id: MPG, app: "acme-api" } },
  ],
  addon_create: [
    { expect: "rerun", input: newRedis, arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s) },
    {
      expect: "adopt",
      input: newRedis,
      arrange: (w, s) => createdDuringStep(w, s, () => invokeTool(w.runtime.ctx, addonCreate, newRedis)),
    },
    { expect: "ask", input: newRedis, arrange: () => Promise.resolve(undefined) },
  ],
  addon_destroy: [
    { expect: "adopt", input: { ...ACME, type: "upstash_redis", name: "gone-cache" } },
    { expect: "rerun", input: { ...ACME, type: "upstash_redis", name: "acme-cache" } },
  ],
  member_invite: [{ expect: "ask", input: { ...ACME, email: "kim@example.com" } }],
  member_remove: [
    { expect: "adopt", input: { ...ACME, email: "kim@example.com" } },
    { expect: "rerun", input: { ...ACME, email: "sam@example.com" } },
  ],
  token_revoke: [
    { expect: "adopt", input: { ...ACME, name: "old-token" } },
    { expect: "rerun", input: { ...ACME, name: "ci-deploy" } },
  ],
  wireguard_remove: [
    { expect: "adopt", input: { ...ACME, name: "gone-laptop" } },
    { expect: "rerun", input: { ...ACME, name: "ci-runner" } },
  ],
  secrets_deploy: [{ expect: "rerun", input: { app: "demo-web" } }],
  machines_secrets_update: [
    {
      expect: "adopt",
      input: STOPPED,
      arrange: async (w) => {
        await invokeTool(w.runtime.ctx, machinesSecretsUpdate, STOPPED);
        return undefined;
      },
    },
    { expect: "rerun", input: STOPPED },
  ],
  // FlyWP's demo account: web-1 (1) has sites 11-13, key lee-laptop, a */5 wp-cron; backups 1-3 days old.
  flywp_servers_create: [
    { expect: "rerun", input: newWpServer, arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s) },
    {
      expect: "adopt",
      input: newWpServer,
      arrange: (w, s) =>
        createdDuringStep(w, s, () => invokeTool(w.runtime.ctx, flywpServersCreate, newWpServer)),
    },
    { expect: "ask", input: newWpServer, arrange: () => Promise.resolve(undefined) },
  ],
  flywp_sites_create: [
    { expect: "rerun", input: newWpSite, arrange: (w, s) => snapshotBeforeCreate(w.runtime.ctx, s) },
    {
      expect: "adopt",
      input: newWpSite,
      arrange: (w, s) =>
        createdDuringStep(w, s, () => invokeTool(w.runtime.ctx, flywpSitesCreate, newWpSite)),
    },
    { expect: "ask", input: newWpSite, arrange: () => Promise.resolve(undefined) },
  ],
  flywp_ssh_keys_add: [
    {
      expect: "adopt",
      input: { server_id: 1, name: "kim-desktop", public_key: WP_KEY },
      arrange: (w) => {
        w.sandbox.flywp.account.sshKeys.push({
          id: 901,
          server_id: 1,
          name: "kim-desktop",
          fingerprint: keyFingerprint(WP_KEY),
          created_at: "2026-12-07T10:00:00Z",
        });
        return Promise.resolve(undefined);
      },
    },
    { expect: "rerun", input: { server_id: 1, name: "kim-laptop", public_key: WP_KEY } },
  ],
  flywp_crons_create: [
    {
      expect: "adopt",
      input: {
        server_id: 1,
        command: "wp cron event run --due-now --path=/var/www/blog.example.com",
        frequency: "*/5 * * * *",
      },
    },
    {
      expect: "rerun",
      input: { server_id: 1, command: "wp cron event run --due-now", frequency: "0 0 * * *" },
    },
  ],
  flywp_backups_create: [
    {
      expect: "adopt",
      input: { server_id: 1, site_id: 11, after: new Date(Date.now() - 36 * 3_600_000).toISOString() },
    },
    {
      expect: "rerun",
      input: { server_id: 1, site_id: 11, after: new Date(Date.now() + 60_000).toISOString() },
    },
  ],
};

/** The outcomes a tool's reconciliation can reach; every one must have a scenario. */
function reachable(tool: AnyWriteTool): Action[] {
  switch (tool.step.reconcile.kind) {
    case "idempotent":
      return ["rerun"];
    case "ask":
      return ["ask"];
    case "check":
      return ["adopt", "rerun"];
    case "create": {
      // Only a create that takes a name can be recognised, and so adopted.
      const named = tool.input instanceof z.ZodObject && "name" in (tool.input.shape as object);
      return named ? ["adopt", "rerun", "ask"] : ["rerun", "ask"];
    }
  }
}

let world: SandboxWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("--resume settles every write tool", () => {
  it("has scenarios for every write tool, covering every outcome its kind can reach", () => {
    const tools = writeTools();
    expect(Object.keys(SCENARIOS).sort()).toEqual(tools.map((t) => t.name).sort());
    for (const tool of tools) {
      const covered = new Set((SCENARIOS[tool.name] ?? []).map((s) => s.expect));
      for (const outcome of reachable(tool))
        expect(covered.has(outcome), `${tool.name}: no scenario reaching ${outcome}`).toBe(true);
    }
  });

  it("declares preconditions that only read, with tools of the catalog", () => {
    const reads = new Set(toolsByAccess("read").map((t) => t.name));
    for (const tool of writeTools()) {
      const input: unknown = tool.input.parse(SCENARIOS[tool.name]?.[0]?.input);
      const pres = tool.step.preconditions(input);
      expect(pres.length, tool.name).toBeGreaterThan(0);
      for (const pre of pres) expect(reads.has(pre.tool), `${tool.name}: ${pre.tool}`).toBe(true);
    }
  });

  const cases = Object.entries(SCENARIOS).flatMap(([tool, scenarios]) =>
    scenarios.map((scenario, index) => ({ tool, index, scenario })),
  );
  it.each(cases)("$tool, case $index: $scenario.expect", async ({ tool, index, scenario }) => {
    world = await sandboxWorld();
    const step: PlanStep = { id: `s${index}`, tool, reason: "test", input: scenario.input };
    const before = scenario.arrange ? await scenario.arrange(world, step) : undefined;
    const decision = await reconcileStep(world.runtime.ctx, step, before);
    expect(decision.action, decision.note).toBe(scenario.expect);
    expect(decision.note.length).toBeGreaterThan(0);
    if (decision.action === "adopt") expect(decision.changed.app).toBe(scenario.input.app);
  });
});
