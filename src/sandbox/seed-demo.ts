import { nodeIdFor } from "./ids.js";
import { demoAddonState } from "./seed-demo-addons.js";
import { applyIncident, releaseHistory } from "./seed-incident.js";
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
import type { MachineGuest, SandboxState } from "./types.js";

/**
 * The `demo` seed: a small, realistic fleet, byte-for-byte the same on every start (fixed ids and
 * timestamps; nothing from the clock or a random source). Tests across flyops rely on it.
 *
 * Viewer: Dana Demo <dana@example.com> (username dana). Token owner of GET /v1/tokens/current.
 *
 * Organizations
 *   personal   "Dana Demo"  PERSONAL  members: dana (ADMIN)
 *   acme-corp  "Acme Corp"  SHARED    members: dana (ADMIN), lee@example.com (ADMIN), sam@example.com (MEMBER)
 *
 * Apps (org, regions)
 *   demo-web     personal   iad, lhr
 *   demo-worker  personal   iad
 *   acme-api     acme-corp  ams, sin
 *   acme-db      acme-corp  ams
 *   acme-cron    acme-corp  ord
 *
 * Machines (app, id, name, region, state, size)
 *   demo-web     148e272b0e4d89  web-iad-1    iad  started    shared-cpu-1x    256 MB
 *   demo-web     d8d9e21a7c3e18  web-lhr-1    lhr  started    shared-cpu-1x    256 MB
 *   demo-web     3287e15b6d9e48  web-iad-2    iad  stopped    shared-cpu-1x    256 MB
 *   demo-worker  9080e476b53d87  worker-1     iad  started    shared-cpu-2x   1024 MB  (mounts vol_4wkc9m3t7p2xq5rb)
 *   demo-worker  e7843d0c2f1968  worker-2     iad  suspended  shared-cpu-2x   1024 MB
 *   acme-api     4d89696a2e6087  api-ams-1    ams  started    performance-2x  4096 MB  (config.env.LEGACY_DEPLOY_TOKEN = PLANTED_TOKEN)
 *   acme-api     5683d920b1e48e  api-sin-1    sin  started    performance-2x  4096 MB
 *   acme-api     0e286039f42e86  api-sin-2    sin  stopped    shared-cpu-1x    512 MB
 *   acme-db      17811953c92e18  pg-primary   ams  started    performance-4x  8192 MB  (the most memory; mounts vol_1pg7r2m9x4kq8dzw)
 *   acme-db      6e82933c4e0e48  pg-replica   ams  stopped    performance-2x  4096 MB  (mounts vol_2rp4x8k1m6tq9hvz)
 *   acme-cron    2865013c45e8d8  cron-hourly  ord  stopped    shared-cpu-1x    256 MB  (schedule hourly)
 *   => 6 started, 4 stopped, 1 suspended.
 *
 * Volumes (app, id, name, region, size, attached to)
 *   acme-db      vol_1pg7r2m9x4kq8dzw  pg_data       ams  40 GB  17811953c92e18 (2 snapshots)
 *   acme-db      vol_2rp4x8k1m6tq9hvz  pg_data       ams  40 GB  6e82933c4e0e48
 *   acme-db      vol_3orphq5n2w8c7yjd  pg_data       ams  40 GB  UNATTACHED
 *   demo-worker  vol_4wkc9m3t7p2xq5rb  worker_cache  iad   3 GB  9080e476b53d87
 *   acme-cron    vol_5scr8j2v6n4d1kqe  cron_scratch  ord   1 GB  UNATTACHED
 *   demo-web     vol_6upl3f9b5h7m2xzc  uploads       lhr   5 GB  UNATTACHED
 *
 * Secrets (names; values are never returned by any endpoint)
 *   demo-web: DATABASE_URL, SESSION_SECRET          demo-worker: DATABASE_URL, REDIS_URL
 *   acme-api: DATABASE_URL, JWT_SIGNING_KEY, STRIPE_API_KEY
 *   acme-db: POSTGRES_PASSWORD, REPL_PASSWORD       acme-cron: SLACK_WEBHOOK_URL
 *
 * IP assignments
 *   demo-web  66.241.124.10 (shared v4), 2a09:8280:1::3a:f001 (v6)
 *   acme-api  137.66.10.20 (dedicated v4), 2a09:8280:1::4b:c002 (v6)
 *   acme-db   fdaa:0:1a2b:0:1::3 (private v6, ams)
 *
 * Certificates
 *   demo-web  demo-web.example.com (issued), www.demo-web.example.com (issued)
 *   acme-api  api.acme.example (issued), staging.acme.example (awaiting DNS: a check leaves it pending)
 *
 * Databases, add-ons, tokens and WireGuard peers: seed-demo-addons.ts
 *
 * Releases (GraphQL): demo-web v1–v5, demo-worker v1–v3, acme-api v1–v7, acme-db v1–v2,
 * acme-cron v1–v4, the last of each with the image above, made when its first machine was.
 * HTTP machines (demo-web, acme-api) define a service check; started ones pass it.
 *
 * THE INCIDENT (seed-incident.ts), relative to the sandbox's start `now`: acme-api release v8
 * 25 minutes before start moved all three acme-api machines to a new image (so they were
 * updated then); api-sin-1 was then OOM-killed 3 times and its check servicecheck-00-http-3000
 * is critical. Everything else is healthy. Only these timestamps depend on `now`.
 */

/** A token-shaped fake planted in acme-api's api-ams-1 env, built here so the source holds no token-looking literal. */
export const PLANTED_TOKEN: string = "fo1_" + "sandbox".repeat(6);

export const DEMO_APPS = ["demo-web", "demo-worker", "acme-api", "acme-db", "acme-cron"] as const;
export const DEMO_UNATTACHED_VOLUMES = [
  "vol_3orphq5n2w8c7yjd",
  "vol_5scr8j2v6n4d1kqe",
  "vol_6upl3f9b5h7m2xzc",
] as const;
/** The machine carrying PLANTED_TOKEN in config.env.LEGACY_DEPLOY_TOKEN. */
export const PLANTED_TOKEN_MACHINE = { app: "acme-api", id: "4d89696a2e6087" } as const;

const DANA = nodeIdFor("demo:user:dana");
const LEE = nodeIdFor("demo:user:lee");
const SAM = nodeIdFor("demo:user:sam");

const day = (d: string, time = "09:00:00"): string => `2026-${d}T${time}Z`;
const release = (app: string, id: string): string => `registry.fly.io/${app}:deployment-${id}`;
const IMAGES: Record<string, string> = {
  "demo-web": release("demo-web", "01J9ZK3V2W1C4N7P8Q5R6S7T8U"),
  "demo-worker": release("demo-worker", "01J9ZM1A2B3C4D5E6F7G8H9J0K"),
  "acme-api": release("acme-api", "01JA0B1C2D3E4F5G6H7J8K9M0N"),
  "acme-db": "flyio/postgres-flex:16.4",
  "acme-cron": release("acme-cron", "01JA1C2D3E4F5G6H7J8K9M0N1P"),
};

const APPS: [name: string, org: string, internalNumericId: number, created: string][] = [
  ["demo-web", "personal", 500101, day("08-01")],
  ["demo-worker", "personal", 500102, day("08-02")],
  ["acme-api", "acme-corp", 500201, day("08-10")],
  ["acme-db", "acme-corp", 500202, day("08-11")],
  ["acme-cron", "acme-corp", 500203, day("08-12")],
];

type MachineRow = [
  app: string,
  id: string,
  name: string,
  region: string,
  state: SeedMachineSpec["state"],
  guest: MachineGuest,
  created: string,
  updated: string,
];

// prettier-ignore
const MACHINES: MachineRow[] = [
  ["demo-web",    "148e272b0e4d89", "web-iad-1",   "iad", "started",   guest("shared-cpu-1x"),       day("10-01"),             day("10-01", "09:05:00")],
  ["demo-web",    "d8d9e21a7c3e18", "web-lhr-1",   "lhr", "started",   guest("shared-cpu-1x"),       day("10-01", "09:01:00"), day("10-01", "09:06:00")],
  ["demo-web",    "3287e15b6d9e48", "web-iad-2",   "iad", "stopped",   guest("shared-cpu-1x"),       day("10-01", "09:02:00"), day("10-03", "18:40:00")],
  ["demo-worker", "9080e476b53d87", "worker-1",    "iad", "started",   guest("shared-cpu-2x", 1024), day("10-02"),             day("10-02", "09:04:00")],
  ["demo-worker", "e7843d0c2f1968", "worker-2",    "iad", "suspended", guest("shared-cpu-2x", 1024), day("10-02", "09:01:00"), day("10-04", "02:15:00")],
  ["acme-api",    "4d89696a2e6087", "api-ams-1",   "ams", "started",   guest("performance-2x"),      day("10-05"),             day("10-05", "09:10:00")],
  ["acme-api",    "5683d920b1e48e", "api-sin-1",   "sin", "started",   guest("performance-2x"),      day("10-05", "09:01:00"), day("10-05", "09:11:00")],
  ["acme-api",    "0e286039f42e86", "api-sin-2",   "sin", "stopped",   guest("shared-cpu-1x", 512),  day("10-05", "09:02:00"), day("10-06", "23:30:00")],
  ["acme-db",     "17811953c92e18", "pg-primary",  "ams", "started",   guest("performance-4x"),      day("09-20"),             day("09-20", "09:20:00")],
  ["acme-db",     "6e82933c4e0e48", "pg-replica",  "ams", "stopped",   guest("performance-2x"),      day("09-20", "09:01:00"), day("10-07", "11:00:00")],
  ["acme-cron",   "2865013c45e8d8", "cron-hourly", "ord", "stopped",   guest("shared-cpu-1x"),       day("10-08"),             day("10-08", "10:00:30")],
];

const web = { services: httpServices(), env: { PORT: "8080", LOG_LEVEL: "info" } };
const api = { services: httpServices(3000), env: { PORT: "3000", NODE_ENV: "production" } };

/** What sets a machine apart beyond its row: services, env, mounts, schedule. */
const MACHINE_EXTRAS: Record<string, Partial<SeedMachineSpec>> = {
  "148e272b0e4d89": web,
  d8d9e21a7c3e18: web,
  "3287e15b6d9e48": web,
  "9080e476b53d87": {
    processGroup: "worker",
    env: { QUEUE: "default" },
    mounts: [{ volume: "vol_4wkc9m3t7p2xq5rb", path: "/data" }],
  },
  e7843d0c2f1968: { processGroup: "worker", env: { QUEUE: "low" } },
  "4d89696a2e6087": { ...api, env: { ...api.env, LEGACY_DEPLOY_TOKEN: PLANTED_TOKEN } },
  "5683d920b1e48e": api,
  "0e286039f42e86": api,
  "17811953c92e18": {
    metadata: { role: "primary" },
    env: { PRIMARY_REGION: "ams" },
    mounts: [{ volume: "vol_1pg7r2m9x4kq8dzw", path: "/data" }],
  },
  "6e82933c4e0e48": {
    metadata: { role: "replica" },
    env: { PRIMARY_REGION: "ams" },
    mounts: [{ volume: "vol_2rp4x8k1m6tq9hvz", path: "/data" }],
  },
  "2865013c45e8d8": { processGroup: "cron", schedule: "hourly" },
};

type VolumeRow = [
  app: string,
  id: string,
  name: string,
  region: string,
  sizeGb: number,
  attachedTo: string | undefined,
  usedPercent: number,
  created: string,
];

// prettier-ignore
const VOLUMES: VolumeRow[] = [
  ["acme-db",     "vol_1pg7r2m9x4kq8dzw", "pg_data",      "ams", 40, "17811953c92e18", 62, day("09-20")],
  ["acme-db",     "vol_2rp4x8k1m6tq9hvz", "pg_data",      "ams", 40, "6e82933c4e0e48", 61, day("09-20", "09:01:00")],
  ["acme-db",     "vol_3orphq5n2w8c7yjd", "pg_data",      "ams", 40, undefined,        58, day("08-30")],
  ["demo-worker", "vol_4wkc9m3t7p2xq5rb", "worker_cache", "iad",  3, "9080e476b53d87", 35, day("10-02")],
  ["acme-cron",   "vol_5scr8j2v6n4d1kqe", "cron_scratch", "ord",  1, undefined,         2, day("10-08")],
  ["demo-web",    "vol_6upl3f9b5h7m2xzc", "uploads",      "lhr",  5, undefined,        12, day("09-01")],
];

const SNAPSHOTS: Record<string, { id: string; createdAt: string }[]> = {
  vol_1pg7r2m9x4kq8dzw: [
    { id: "vs_a1b2c3d4e5f6g7h8", createdAt: day("10-09", "03:00:00") },
    { id: "vs_b2c3d4e5f6g7h8j9", createdAt: day("10-10", "03:00:00") },
  ],
};

// prettier-ignore
const SECRETS: [app: string, name: string, at: string][] = [
  ["demo-web", "DATABASE_URL", day("08-01", "10:00:00")],   ["demo-web", "SESSION_SECRET", day("08-01", "10:00:00")],
  ["demo-worker", "DATABASE_URL", day("08-02", "10:00:00")], ["demo-worker", "REDIS_URL", day("08-02", "10:00:00")],
  ["acme-api", "DATABASE_URL", day("08-10", "10:00:00")],   ["acme-api", "JWT_SIGNING_KEY", day("08-10", "10:00:00")],
  ["acme-api", "STRIPE_API_KEY", day("08-10", "10:05:00")],
  ["acme-db", "POSTGRES_PASSWORD", day("08-11", "10:00:00")], ["acme-db", "REPL_PASSWORD", day("08-11", "10:00:00")],
  ["acme-cron", "SLACK_WEBHOOK_URL", day("08-12", "10:00:00")],
];

/** Releases per app: how many, and who made them. */
const RELEASES: Record<string, [count: number, by: string]> = {
  "demo-web": [5, DANA],
  "demo-worker": [3, DANA],
  "acme-api": [7, LEE],
  "acme-db": [2, LEE],
  "acme-cron": [4, LEE],
};

function firstMachineCreated(app: string): string {
  return MACHINES.find((m) => m[0] === app)?.[6] ?? day("08-01");
}

/** The demo fleet as it is at `now` (the sandbox's start): only the incident's times depend on it. */
export function demoState(now: number = Date.now()): SandboxState {
  const state = baseState();
  state.releases = APPS.flatMap(([app]) => {
    const [count, by] = RELEASES[app] ?? [1, DANA];
    return releaseHistory(app, IMAGES[app] ?? app, count, firstMachineCreated(app), by);
  });
  applyIncident(state, now, LEE);
  return state;
}

function baseState(): SandboxState {
  return {
    version: 1,
    counter: 0,
    viewer: DANA,
    users: [
      seedUser(DANA, "dana@example.com", "Dana Demo", "dana", day("01-15")),
      seedUser(LEE, "lee@example.com", "Lee Ops", "lee", day("03-02")),
      seedUser(SAM, "sam@example.com", "Sam Rivera", "sam", day("05-20")),
    ],
    orgs: [
      seedOrg(
        {
          id: nodeIdFor("demo:org:personal"),
          slug: "personal",
          name: "Dana Demo",
          type: "PERSONAL",
          internalNumericId: 100001,
        },
        [{ userId: DANA, role: "ADMIN", joinedAt: day("01-15") }],
      ),
      seedOrg(
        {
          id: nodeIdFor("demo:org:acme-corp"),
          slug: "acme-corp",
          name: "Acme Corp",
          type: "SHARED",
          internalNumericId: 100002,
        },
        [
          { userId: DANA, role: "ADMIN", joinedAt: day("02-01") },
          { userId: LEE, role: "ADMIN", joinedAt: day("03-02") },
          { userId: SAM, role: "MEMBER", joinedAt: day("05-20") },
        ],
      ),
    ],
    apps: APPS.map(([name, org, internalNumericId, createdAt]) =>
      seedApp({ id: name, name, org, internalNumericId, createdAt }),
    ),
    machines: MACHINES.map(([app, id, name, region, state, size, createdAt, updatedAt]) =>
      seedMachine({
        app,
        id,
        name,
        region,
        state,
        guest: size,
        image: IMAGES[app] ?? app,
        createdAt,
        updatedAt,
        releaseVersion: RELEASES[app]?.[0],
        ...MACHINE_EXTRAS[id],
      }),
    ),
    volumes: VOLUMES.map(([app, id, name, region, sizeGb, attachedMachineId, usedPercent, createdAt]) =>
      seedVolume({
        app,
        id,
        name,
        region,
        sizeGb,
        attachedMachineId,
        usedPercent,
        createdAt,
        snapshots: SNAPSHOTS[id],
      }),
    ),
    secrets: SECRETS.map(([app, name, at]) => seedSecret(app, name, at)),
    ips: [
      seedIp("demo-web", "66.241.124.10", "shared_v4", day("08-01", "11:00:00")),
      seedIp("demo-web", "2a09:8280:1::3a:f001", "v6", day("08-01", "11:00:00")),
      seedIp("acme-api", "137.66.10.20", "v4", day("08-10", "11:00:00")),
      seedIp("acme-api", "2a09:8280:1::4b:c002", "v6", day("08-10", "11:00:00")),
      seedIp("acme-db", "fdaa:0:1a2b:0:1::3", "private_v6", day("08-11", "11:00:00"), "ams"),
    ],
    certs: [
      seedCert("demo-web", "demo-web.example.com", day("08-03"), true),
      seedCert("demo-web", "www.demo-web.example.com", day("08-03", "09:05:00"), true),
      seedCert("acme-api", "api.acme.example", day("08-15"), true),
      seedCert("acme-api", "staging.acme.example", day("10-12"), false),
    ],
    addons: demoAddonState(),
  };
}
