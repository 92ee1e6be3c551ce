import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * `flyops fly list postgres|mpg|redis|tigris|members|tokens|wireguard --json --sandbox`, run as
 * the built CLI, against what the demo seed holds (src/sandbox/seed-demo-addons.ts). The CLI
 * starts its own demo sandbox; a second one started here is the reference: the seed is
 * deterministic, ids included.
 */

const world = sandboxHome({ prefix: "flyops-list-addons-", sandbox: false, per: "file" });
let seed: Sandbox;
beforeAll(async () => {
  seed = await startSandbox({ seed: "demo" });
});
afterAll(async () => {
  await seed.close();
});

async function list(noun: string, ...args: string[]): Promise<Record<string, unknown>[]> {
  const run = await world.cli(["fly", "list", noun, "--json", "--sandbox", ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>[];
}

const sorted = <T>(items: T[]): T[] => [...items].sort();

describe("fly list over the add-ons, --sandbox", () => {
  it("postgres: the flex cluster acme-db with its members", async () => {
    const rows = await list("postgres");
    const members = seed.store.machines("acme-db").filter((m) => m.state !== "destroyed");
    expect(rows.map((r) => [r.app, r.org, r.flex, r.leader])).toEqual([
      ["acme-db", "acme-corp", true, "pg-primary"],
    ]);
    const listed = (rows[0]?.members ?? []) as { id: string; state: string }[];
    expect(sorted(listed.map((m) => `${m.id}:${m.state}`))).toEqual(
      sorted(members.map((m) => `${m.id}:${m.state}`)),
    );
  });

  it("mpg: the Managed Postgres clusters", async () => {
    const rows = await list("mpg");
    expect(rows.map((r) => [r.id, r.name, r.org_slug, r.region, r.plan, r.status])).toEqual(
      seed.store.addons.mpgClusters.map((c) => [c.id, c.name, c.org, c.region, c.plan, c.status]),
    );
  });

  it("redis and tigris: the add-ons of each type", async () => {
    for (const [noun, type] of [
      ["redis", "upstash_redis"],
      ["tigris", "tigris"],
    ] as const) {
      const rows = await list(noun);
      const held = seed.store.addons.addOns.filter((a) => a.type === type);
      expect(held.length, noun).toBeGreaterThan(0);
      expect(rows.map((r) => [r.id, r.name, r.org, r.type, r.plan, r.region, r.status])).toEqual(
        held.map((a) => [a.id, a.name, a.org, a.type, a.plan, a.primaryRegion, a.status]),
      );
    }
  });

  it("members --org: every member of the org with role", async () => {
    const rows = await list("members", "--org", "acme-corp");
    const org = seed.store.orgs().find((o) => o.slug === "acme-corp");
    const held = (org?.members ?? []).map((m) => `${seed.store.user(m.userId)?.email ?? "?"}:${m.role}`);
    expect(held).toHaveLength(3);
    expect(sorted(rows.map((r) => `${String(r.email)}:${String(r.role)}`))).toEqual(
      sorted(held.map((h) => h.toLowerCase())),
    );
    expect(new Set(rows.map((r) => r.org))).toEqual(new Set(["acme-corp"]));
  });

  it("tokens --org: names, ids and expiries, never a value", async () => {
    const rows = await list("tokens", "--org", "acme-corp");
    const held = seed.store.addons.tokens.filter((t) => t.org === "acme-corp");
    expect(sorted(rows.map((r) => `${String(r.id)}:${String(r.name)}:${String(r.expires_at)}`))).toEqual(
      sorted(held.map((t) => `${t.id}:${t.name}:${t.expiresAt}`)),
    );
    const text = JSON.stringify(rows);
    for (const token of held) expect(text).not.toContain(token.value);
  });

  it("wireguard --org: the peers", async () => {
    const rows = await list("wireguard", "--org", "acme-corp");
    const held = seed.store.addons.wireGuardPeers.filter((p) => p.org === "acme-corp");
    expect(sorted(rows.map((r) => `${String(r.name)}:${String(r.region)}:${String(r.peerip)}`))).toEqual(
      sorted(held.map((p) => `${p.name}:${p.region}:${p.peerip}`)),
    );
  });
});
