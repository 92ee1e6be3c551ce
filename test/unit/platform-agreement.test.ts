import { afterEach, describe, expect, it } from "vitest";
import { findPreset, findRegions } from "../../src/llm/local/entities.js";
import { createLocalModel } from "../../src/llm/local/index.js";
import {
  GUEST_PRESETS,
  guestProblems,
  isPresetName,
  presetName,
  type Guest,
} from "../../src/platform/guest-sizes.js";
import { MACHINE_STATES, PERSISTENT_STATES, TRANSIENT_STATES } from "../../src/platform/machine-states.js";
import { cityOf, REGIONS } from "../../src/platform/regions.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { parseMachineRequest } from "../../src/sandbox/machine-config.js";
import { seedState } from "../../src/sandbox/seeds.js";
import type { MachineGuest, SandboxState } from "../../src/sandbox/types.js";
import * as f from "../../tools/fields.js";
import { sizeOf } from "../../tools/machine-view.js";
import { make } from "./local-model-fixture.js";

/**
 * The catalog, the sandbox and the local model take Fly's states, sizes and regions from one
 * place (src/platform); these cases hold each front to the others, so a front that grows its own
 * copy and drifts is caught.
 */

const SEEDS: SandboxState[] = [seedState("demo"), seedState(200)];
const seededGuests = (): MachineGuest[] => SEEDS.flatMap((s) => s.machines.map((m) => m.config.guest));

/** The sandbox's own check of a create request's size: the guest it would run, or its 400. */
function sandboxGuest(config: Record<string, unknown>): MachineGuest {
  return parseMachineRequest({ config: { image: "nginx:1.27", ...config } }).config.guest;
}

/** Sizes that break one rule each: a count a kind lacks, a step, a floor and a ceiling per CPU, a kind. */
const OFF_RULES: Array<{ guest: { cpu_kind: string; cpus: number; memory_mb: number }; field: string }> = [
  { guest: { cpu_kind: "shared", cpus: 16, memory_mb: 4096 }, field: "cpus" },
  { guest: { cpu_kind: "performance", cpus: 3, memory_mb: 6144 }, field: "cpus" },
  { guest: { cpu_kind: "shared", cpus: 2, memory_mb: 5120 }, field: "memory_mb" },
  { guest: { cpu_kind: "performance", cpus: 1, memory_mb: 1024 }, field: "memory_mb" },
  { guest: { cpu_kind: "performance", cpus: 1, memory_mb: 2304 }, field: "memory_mb" },
  { guest: { cpu_kind: "gpu", cpus: 1, memory_mb: 256 }, field: "cpu_kind" },
];

describe("machine sizes: one set of rules", () => {
  it("accepts every size the sandbox seeds in the catalog and in the sandbox, and names it by its preset", () => {
    const guests = seededGuests();
    expect(guests.length).toBeGreaterThan(100);
    for (const guest of guests) {
      expect(f.guest.safeParse(guest).success, JSON.stringify(guest)).toBe(true);
      expect(sandboxGuest({ guest })).toEqual(guest);
      expect(sizeOf(guest)).toBe(
        `${presetName(guest.cpu_kind as Guest["cpu_kind"], guest.cpus)}:${guest.memory_mb}MB`,
      );
    }
  });

  it.each(Object.keys(GUEST_PRESETS))("%s means the same size to every front", (name) => {
    if (!isPresetName(name)) throw new Error(`${name} is not a preset`);
    const preset = GUEST_PRESETS[name];
    expect(f.guest.safeParse(preset).success).toBe(true);
    expect(sandboxGuest({ size: name })).toEqual(preset);
    // A kind and count without memory get the preset's memory in the sandbox and the local model alike.
    expect(sandboxGuest({ guest: { cpu_kind: preset.cpu_kind, cpus: preset.cpus } })).toEqual(preset);
    expect(findPreset(`create a ${name} machine`)?.guest).toEqual(preset);
    expect(sizeOf(preset)).toBe(`${name}:${preset.memory_mb}MB`);
  });

  it.each(OFF_RULES)(
    "refuses $guest in the catalog and in the sandbox, naming $field",
    ({ guest, field }) => {
      expect(guestProblems(guest).map((p) => p.field)).toContain(field);
      const parsed = f.guest.safeParse(guest);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join("."))).toContain(field);
      expect(() => sandboxGuest({ guest })).toThrow(new RegExp(`invalid config\\.guest\\.${field}`));
    },
  );

  it("refuses in the local model what the catalog and the sandbox refuse", async () => {
    const model = createLocalModel();
    const made = await make(model, "create a shared-cpu-16x machine in iad for web");
    expect(made.plan).toBeUndefined();
    expect(made.text).toContain("16 shared CPUs is not a Fly size (1, 2, 4, 6 or 8)");
    const small = await make(model, "create a performance-2x machine with 2GB in iad for web");
    expect(small.plan).toBeUndefined();
    expect(small.text).toContain("2 performance CPU(s) need at least 4 GB");
    const made6 = await make(model, "create a shared-cpu-6x machine in iad for web");
    expect(made6.plan?.steps[0]?.input).toMatchObject({ guest: GUEST_PRESETS["shared-cpu-6x"] });
  });
});

describe("machine states: what the sandbox produces, the catalog can filter on", () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it("lists every state Fly's docs give a machine, persistent, transient and destroyed, once", () => {
    const documented = [...PERSISTENT_STATES, ...TRANSIENT_STATES, "destroyed"];
    expect([...MACHINE_STATES].sort()).toEqual(documented.sort());
  });

  it("every state a sandbox machine passes through is in the catalog's state filter", async () => {
    sandbox = await startSandbox({ seed: "demo", transitionMs: Infinity, rateLimits: false });
    const sb = sandbox;
    const seen = new Set<string>(SEEDS.flatMap((s) => s.machines.map((m) => m.state)));
    sb.store.onChange(() => sb.store.machines().forEach((m) => seen.add(m.state)));
    const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const reply = await fetch(`${sb.url}/v1/apps/demo-web/machines${path}`, {
        method,
        headers: { authorization: "Bearer sandbox-test", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(reply.status, `${method} ${path}`).toBe(200);
      sb.settle();
      return (await reply.json()) as Record<string, unknown>;
    };
    const config = { image: "nginx:1.27", guest: GUEST_PRESETS["shared-cpu-1x"] };
    const id = String((await call("POST", "", { region: "iad", config })).id);
    for (const action of ["stop", "start", "suspend", "stop", "start", "restart"])
      await call("POST", `/${id}/${action}`, action === "stop" ? {} : undefined);
    await call("POST", `/${id}`, { config: { ...config, image: "nginx:1.28" } });
    await call("POST", `/${id}/stop`, {});
    await call("DELETE", `/${id}`);
    await call("POST", "", { region: "iad", config, skip_launch: true });

    // The test saw the sandbox's machines move, or it proves nothing.
    for (const state of [
      "created",
      "starting",
      "stopping",
      "suspending",
      "replacing",
      "destroying",
      "destroyed",
    ])
      expect(seen, state).toContain(state);
    for (const state of seen) {
      expect(MACHINE_STATES).toContain(state);
      expect(f.machineStates.safeParse([state]).success, state).toBe(true);
    }
  });
});

describe("regions: the sandbox's list is what the catalog and the local model know", () => {
  it("accepts each listed region in the catalog and finds it by code and by city in a question", async () => {
    const sandbox = await startSandbox({ seed: "empty" });
    try {
      const reply = await fetch(`${sandbox.url}/v1/platform/regions`, {
        headers: { authorization: "Bearer sandbox-test" },
      });
      const listed = ((await reply.json()) as { regions: Array<{ code: string; name: string }> }).regions;
      expect(listed.map((r) => r.code)).toEqual(REGIONS.map((r) => r.code));
      for (const region of listed) {
        expect(f.region.safeParse(region.code).success).toBe(true);
        expect(findRegions(`machines in ${region.code}`)).toEqual([region.code]);
        expect(findRegions(`what runs in ${cityOf(region)}?`)).toEqual([region.code]);
      }
    } finally {
      await sandbox.close();
    }
  });

  it("seeds machines and volumes only in regions the sandbox lists", () => {
    const codes = new Set(REGIONS.map((r) => r.code));
    for (const state of SEEDS)
      for (const placed of [...state.machines, ...state.volumes])
        expect(codes, placed.region).toContain(placed.region);
  });
});
