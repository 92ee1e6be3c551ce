import { describe, expect, it } from "vitest";
import { containsToken } from "../../src/security/redact.js";
import {
  DEMO_UNATTACHED_VOLUMES,
  demoState,
  PLANTED_TOKEN,
  PLANTED_TOKEN_MACHINE,
} from "../../src/sandbox/seed-demo.js";
import { seedState } from "../../src/sandbox/seeds.js";

// The demo incident is placed relative to the sandbox's start, so "every build" means every build
// started at the same moment (issue 9); everything but the incident's times is fixed.
const START = Date.parse("2026-12-07T08:00:00Z");

describe("the demo seed", () => {
  const state = demoState(START);

  it("is identical on every build", () => {
    expect(demoState(START)).toEqual(state);
    expect(JSON.stringify(seedState("demo", START))).toBe(JSON.stringify(state));
  });

  it("holds the incident 25 minutes before its start, and nothing else depends on the start", () => {
    const later = demoState(START + 3_600_000);
    const sick = state.machines.find((m) => m.id === "5683d920b1e48e");
    const exits = sick?.events.filter((e) => e.type === "exit" && e.request?.exit_event?.oom_killed) ?? [];
    expect(exits.map((e) => (START - e.timestamp) / 60_000)).toEqual([4, 12, 20]);
    expect(state.releases?.find((r) => r.app === "acme-api" && r.version === 8)?.createdAt).toBe(
      "2026-12-07T07:35:00Z",
    );
    const notApi = (s: typeof state) => s.machines.filter((m) => m.app !== "acme-api");
    expect(notApi(later)).toEqual(notApi(state));
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
    const state = seedState(40, START);
    expect(seedState(40, START)).toEqual(state);
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
