import { describe, expect, it } from "vitest";
import { containsToken } from "../../src/security/redact.js";
import {
  DEMO_UNATTACHED_VOLUMES,
  demoState,
  PLANTED_TOKEN,
  PLANTED_TOKEN_MACHINE,
} from "../../src/sandbox/seed-demo.js";
import { seedState } from "../../src/sandbox/seeds.js";

describe("the demo seed", () => {
  const state = demoState();

  it("is identical on every build", () => {
    expect(demoState()).toEqual(state);
    expect(JSON.stringify(seedState("demo"))).toBe(JSON.stringify(state));
  });

  it("is the small realistic fleet issue 2 asks for", () => {
    expect(state.orgs.map((o) => [o.slug, o.type])).toEqual([
      ["personal", "PERSONAL"],
      ["acme-corp", "SHARED"],
    ]);
    expect(state.apps.length).toBeGreaterThanOrEqual(4);
    expect(new Set(state.machines.map((m) => m.region)).size).toBeGreaterThanOrEqual(3);
    expect(state.machines.length).toBeGreaterThanOrEqual(10);
    const sizes = new Set(
      state.machines.map(
        (m) => `${m.config.guest.cpu_kind}-${m.config.guest.cpus}-${m.config.guest.memory_mb}`,
      ),
    );
    expect(sizes.size).toBeGreaterThanOrEqual(3);
    const count = (s: string): number => state.machines.filter((m) => m.state === s).length;
    expect([count("started"), count("stopped"), count("suspended")]).toEqual([6, 4, 1]);
    const unattached = state.volumes.filter((v) => !v.attachedMachineId).map((v) => v.id);
    expect(unattached).toEqual([...DEMO_UNATTACHED_VOLUMES]);
    expect(state.volumes.some((v) => v.attachedMachineId)).toBe(true);
    expect(state.secrets.length).toBeGreaterThan(0);
    expect(new Set(state.ips.map((i) => i.kind))).toEqual(new Set(["shared_v4", "v4", "v6", "private_v6"]));
    expect(state.certs.length).toBeGreaterThan(0);
  });

  it("has one machine with the most memory, so 'which uses the most' has one answer", () => {
    const byMemory = [...state.machines].sort((a, b) => b.config.guest.memory_mb - a.config.guest.memory_mb);
    expect(byMemory[0]?.name).toBe("pg-primary");
    expect(byMemory[0]?.config.guest.memory_mb).toBeGreaterThan(byMemory[1]?.config.guest.memory_mb ?? 0);
  });

  it("mounts every attached volume on its machine", () => {
    for (const volume of state.volumes.filter((v) => v.attachedMachineId)) {
      const machine = state.machines.find((m) => m.id === volume.attachedMachineId);
      expect(machine?.config.mounts?.map((mount) => mount.volume)).toContain(volume.id);
      expect(machine?.region).toBe(volume.region);
    }
  });

  it("plants one token-shaped value, and holds no other token-shaped text", () => {
    expect(containsToken(PLANTED_TOKEN)).toBe(true);
    const carrier = state.machines.find((m) => m.id === PLANTED_TOKEN_MACHINE.id);
    expect(carrier?.config.env?.LEGACY_DEPLOY_TOKEN).toBe(PLANTED_TOKEN);
    expect(containsToken(JSON.stringify(state).split(PLANTED_TOKEN).join(""))).toBe(false);
  });
});

describe("the scale seed", () => {
  it("is generated from N alone, across orgs, regions and states", () => {
    const state = seedState(40);
    expect(seedState(40)).toEqual(state);
    expect(state.apps).toHaveLength(40);
    expect(new Set(state.apps.map((a) => a.org)).size).toBe(3);
    expect(new Set(state.machines.map((m) => m.state))).toEqual(
      new Set(["started", "stopped", "suspended", "created"]),
    );
    expect(new Set(state.machines.map((m) => m.id)).size).toBe(state.machines.length);
  });

  it("leaves the empty seed empty", () => {
    const state = seedState("empty");
    expect([state.apps.length, state.machines.length, state.orgs.length]).toEqual([0, 0, 1]);
  });
});
