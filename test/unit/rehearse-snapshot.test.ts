import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolContext } from "../../tools/define-tool.js";
import { createFlyClients } from "../../src/fly/create-clients.js";
import { silentLogger } from "../../src/logger.js";
import { takeSnapshot } from "../../src/rehearse/snapshot.js";
import { writeSnapshotFile } from "../../src/rehearse/snapshot-file.js";
import { withoutTokens } from "../../src/rehearse/scrub.js";
import { PLANTED_TOKEN, startSandbox, type Sandbox } from "../../src/sandbox/index.js";

/**
 * The copy of live state a rehearsal starts from: taken through read-only clients, loaded into a
 * second sandbox, it answers the Machines API as live does for what a plan acts on.
 */

let live: Sandbox;
let dir: string;

beforeAll(async () => {
  live = await startSandbox({ port: 0, seed: "demo", rateLimits: false, transitionMs: 0 });
  dir = mkdtempSync(join(tmpdir(), "flyops-snapshot-"));
});

afterAll(async () => {
  await live.close();
  rmSync(dir, { recursive: true, force: true });
});

function context(sandbox: Sandbox, readOnly: boolean): ToolContext {
  const fly = createFlyClients({
    restBaseUrl: sandbox.restBaseUrl,
    mpgBaseUrl: sandbox.restBaseUrl,
    graphqlUrl: sandbox.graphqlUrl,
    token: sandbox.env.FLY_API_TOKEN ?? "",
    readOnly,
  });
  return { fly, org: undefined, app: undefined, signal: undefined, log: silentLogger };
}

const NOW = new Date("2026-12-07T10:00:00Z");

describe("a snapshot of live state", () => {
  it("copies the apps asked for, whole, and answers as live does", async () => {
    const state = await takeSnapshot(context(live, true), {
      apps: ["acme-db", "no-such-app"],
      orgs: [],
      now: NOW,
    });
    expect(state.apps.map((a) => a.name)).toEqual(["acme-db"]);
    expect(state.orgs.map((o) => o.slug)).toEqual(["acme-corp"]);
    const copy = await startSandbox({ port: 0, state, rateLimits: false, transitionMs: 0 });
    try {
      const pick = (m: {
        id: string;
        name?: string | null;
        state?: string | null;
        instance_id?: string | null;
        config?: { image?: string | null; guest?: unknown } | null;
      }) => ({
        id: m.id,
        name: m.name,
        state: m.state,
        instance_id: m.instance_id,
        image: m.config?.image,
        guest: m.config?.guest,
      });
      const original = await context(live, true).fly.rest.listMachines("acme-db");
      const copied = await context(copy, false).fly.rest.listMachines("acme-db");
      expect(copied.map(pick)).toEqual(original.map(pick));
      const volumes = await context(copy, false).fly.rest.listVolumes("acme-db");
      const liveVolumes = await context(live, true).fly.rest.listVolumes("acme-db");
      expect(volumes.map((v) => [v.id, v.size_gb, v.attached_machine_id])).toEqual(
        liveVolumes.map((v) => [v.id, v.size_gb, v.attached_machine_id]),
      );
      const secrets = await context(copy, false).fly.rest.listSecrets("acme-db");
      const liveSecrets = await context(live, true).fly.rest.listSecrets("acme-db");
      expect(secrets.map((s) => [s.name, s.digest])).toEqual(liveSecrets.map((s) => [s.name, s.digest]));
    } finally {
      await copy.close();
    }
  });

  it("copies every app of an org with wholeOrgs", async () => {
    const state = await takeSnapshot(context(live, true), {
      apps: [],
      orgs: ["acme-corp"],
      wholeOrgs: true,
      now: NOW,
    });
    expect(state.apps.map((a) => a.name).sort()).toEqual(
      live.store
        .apps("acme-corp")
        .map((a) => a.name)
        .sort(),
    );
  });

  it("holds no secret value and, once scrubbed, no token", async () => {
    const state = await takeSnapshot(context(live, true), { apps: ["acme-api"], orgs: [], now: NOW });
    expect(state.secrets.length).toBeGreaterThan(0);
    expect(state.secrets.every((s) => s.value === "")).toBe(true);
    expect(JSON.stringify(state)).toContain(PLANTED_TOKEN);
    const { state: clean, redacted } = withoutTokens(state, []);
    // The planted token, and metadata's random-looking release ids of releases the copy does not hold.
    expect(redacted).toBeGreaterThan(0);
    expect(clean.machines.some((m) => m.config.env?.LEGACY_DEPLOY_TOKEN === "[REDACTED]")).toBe(true);
    expect(JSON.stringify(clean)).not.toContain(PLANTED_TOKEN);
  });

  it("is written 0600, never through a link, and never with a credential of this process in it", async () => {
    const state = await takeSnapshot(context(live, true), { apps: ["demo-web"], orgs: [], now: NOW });
    const target = join(dir, "elsewhere.txt");
    writeFileSync(target, "keep\n");
    const link = join(dir, "link.json");
    symlinkSync(target, link);
    await expect(writeSnapshotFile(link, state, [])).rejects.toThrow(/symbolic link/);
    expect(readFileSync(target, "utf8")).toBe("keep\n");
    const machineName = state.machines[0]?.name ?? "";
    await expect(writeSnapshotFile(join(dir, "held.json"), state, [machineName])).rejects.toThrow(
      /credential/,
    );
    // Base64-encoded (as a file's contents in a machine config are), a held credential is seen too.
    const held = "held-" + "k".repeat(20);
    const encoded = structuredClone(state);
    encoded.apps[0]!.network = Buffer.from(held).toString("base64");
    await expect(writeSnapshotFile(join(dir, "b64.json"), encoded, [held])).rejects.toThrow(/credential/);
    await writeSnapshotFile(join(dir, "ok.json"), state, []);
    expect(JSON.parse(readFileSync(join(dir, "ok.json"), "utf8"))).toEqual(state);
    expect(statSync(join(dir, "ok.json")).mode & 0o777).toBe(0o600);
  });

  it("refuses a record whose id does not have Fly's shape, naming the record", async () => {
    const other = await startSandbox({ port: 0, seed: "demo", rateLimits: false, transitionMs: 0 });
    try {
      const machine = other.store.machines("demo-web")[0];
      if (!machine) throw new Error("demo-web has a machine in the demo seed");
      other.store.addMachine({ ...structuredClone(machine), id: "../../etc" });
      await expect(
        takeSnapshot(context(other, true), { apps: ["demo-web"], orgs: [], now: NOW }),
      ).rejects.toThrow(
        /cannot copy a machine of app demo-web into a rehearsal: its id or name does not have Fly.s shape/,
      );
    } finally {
      await other.close();
    }
  });
});
