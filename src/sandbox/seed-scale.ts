import type { PresetName } from "../platform/guest-sizes.js";
import { machineIdFor, nodeIdFor, volumeIdFor } from "./ids.js";
import { mulberry32 } from "./prng.js";
import { isUnhealthyScaleApp, makeUnhealthy, scaleRelease } from "./seed-scale-health.js";
import {
  guest,
  httpServices,
  seedApp,
  seedCert,
  seedIp,
  seedMachine,
  seedOrg,
  seedSecret,
  seedUser,
  seedVolume,
  type SeedMachineSpec,
} from "./seed-builders.js";
import type { MachineRecord, SandboxState, VolumeRecord } from "./types.js";

/**
 * The `N` seed: N apps named scale-app-00001 … generated from N alone, for scale tests.
 * App i belongs to org personal, scale-org-a or scale-org-b (i mod 3) and has 3 + (i mod 5)
 * machines (so about 5 per app: N = 1000 gives 5,000 machines), spread over 8 regions, with
 * sizes and states drawn from a PRNG seeded by N (about 60% started, 25% stopped, 10%
 * suspended, 5% created). Every even app has a volume attached to its first machine; every
 * fifth app an unattached one. Each app has two secrets and a shared IPv4; every tenth a certificate.
 * Every machine serves HTTP with a service check; see seed-scale-health.ts for releases and the
 * few unhealthy machines.
 */

const REGIONS = ["iad", "ord", "lax", "lhr", "ams", "fra", "sin", "syd"] as const;
const PRESETS: readonly PresetName[] = [
  "shared-cpu-1x",
  "shared-cpu-1x",
  "shared-cpu-2x",
  "shared-cpu-4x",
  "performance-1x",
  "performance-2x",
];
const ORGS = ["personal", "scale-org-a", "scale-org-b"] as const;
const EPOCH = Date.parse("2026-09-01T00:00:00Z");

function at(offsetSeconds: number): string {
  return new Date(EPOCH + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function releaseOf(index: number): number {
  return 1 + (index % 9);
}

function imageOf(app: string, index: number): string {
  return `registry.fly.io/${app}:deployment-v${releaseOf(index)}`;
}

function pick<T>(items: readonly T[], r: number): T {
  const item = items[Math.floor(r * items.length) % items.length];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function drawState(r: number): SeedMachineSpec["state"] {
  if (r < 0.6) return "started";
  if (r < 0.85) return "stopped";
  if (r < 0.95) return "suspended";
  return "created";
}

export function scaleState(appCount: number, now: number = Date.now()): SandboxState {
  if (!Number.isInteger(appCount) || appCount < 0)
    throw new Error(`scale seed needs a whole number of apps, got ${appCount}`);
  const random = mulberry32(appCount * 7919 + 17);
  const owner = nodeIdFor("scale:user:owner");
  const state: SandboxState = {
    version: 1,
    counter: 0,
    viewer: owner,
    users: [seedUser(owner, "owner@example.com", "Scale Owner", "owner", at(0))],
    orgs: ORGS.map((slug, index) =>
      seedOrg(
        {
          id: nodeIdFor(`scale:org:${slug}`),
          slug,
          name: slug === "personal" ? "Scale Owner" : `Scale Org ${slug.slice(-1).toUpperCase()}`,
          type: slug === "personal" ? "PERSONAL" : "SHARED",
          internalNumericId: 200001 + index,
        },
        [{ userId: owner, role: "ADMIN", joinedAt: at(0) }],
      ),
    ),
    apps: [],
    machines: [],
    volumes: [],
    secrets: [],
    ips: [],
    certs: [],
    releases: [],
  };
  const usedIds = new Set<string>();
  for (let i = 1; i <= appCount; i++) {
    const name = `scale-app-${String(i).padStart(5, "0")}`;
    const created = at(i * 60);
    state.apps.push(
      seedApp({
        id: name,
        name,
        org: ORGS[i % 3] ?? "personal",
        internalNumericId: 600000 + i,
        createdAt: created,
      }),
    );
    const machines = scaleMachines(name, i, random, usedIds);
    state.machines.push(...machines);
    state.releases?.push(scaleRelease(name, releaseOf(i), imageOf(name, i), created, owner));
    const sick = machines.find((m) => m.state === "started");
    if (sick && isUnhealthyScaleApp(i)) makeUnhealthy(sick, now);
    state.volumes.push(...scaleVolumes(name, i, machines[0]));
    state.secrets.push(seedSecret(name, "DATABASE_URL", created), seedSecret(name, "API_KEY", created));
    state.ips.push(seedIp(name, `66.241.${Math.floor(i / 250) % 256}.${i % 250}`, "shared_v4", created));
    if (i % 10 === 0) state.certs.push(seedCert(name, `${name}.example.com`, created, i % 20 === 0));
  }
  return state;
}

function scaleMachines(
  app: string,
  index: number,
  random: () => number,
  usedIds: Set<string>,
): MachineRecord[] {
  const count = 3 + (index % 5);
  const machines: MachineRecord[] = [];
  for (let j = 0; j < count; j++) {
    let id = machineIdFor(`scale:${app}:${j}`);
    for (let k = 1; usedIds.has(id); k++) id = machineIdFor(`scale:${app}:${j}:${k}`);
    usedIds.add(id);
    const created = index * 60 + j;
    machines.push(
      seedMachine({
        app,
        id,
        name: `${app}-m${j + 1}`,
        region: pick(REGIONS, random()),
        state: drawState(random()),
        guest: guest(pick(PRESETS, random())),
        image: imageOf(app, index),
        releaseVersion: releaseOf(index),
        services: httpServices(),
        createdAt: at(created),
        updatedAt: at(created + 86_400 + Math.floor(random() * 86_400 * 30)),
      }),
    );
  }
  return machines;
}

function scaleVolumes(app: string, index: number, first: MachineRecord | undefined): VolumeRecord[] {
  const volumes: VolumeRecord[] = [];
  const created = at(index * 60 + 30);
  if (index % 2 === 0 && first) {
    first.config.mounts = [{ volume: volumeIdFor(`scale:${app}:data`), path: "/data" }];
    volumes.push(
      seedVolume({
        app,
        id: volumeIdFor(`scale:${app}:data`),
        name: "data",
        region: first.region,
        sizeGb: 1 + (index % 10),
        attachedMachineId: first.id,
        createdAt: created,
      }),
    );
  }
  if (index % 5 === 0) {
    volumes.push(
      seedVolume({
        app,
        id: volumeIdFor(`scale:${app}:orphan`),
        name: "orphan",
        region: first?.region ?? "iad",
        sizeGb: 1,
        createdAt: created,
      }),
    );
  }
  return volumes;
}
