import type { FlyClients } from "../../src/fly/clients.js";
import { unconfiguredLogs } from "../../src/fly/logs-api.js";
import { unconfiguredPrometheus } from "../../src/fly/prometheus.js";
import { FlyApiError } from "../../src/fly/errors.js";
import type { MpgRest } from "../../src/fly/rest-mpg.js";
import type { FlyGraphQL } from "../../src/fly/graphql.js";
import type { FlyRest, ListMachinesQuery, OrgListQuery, Paged } from "../../src/fly/rest.js";
import type {
  App,
  CertificateSummary,
  IPAssignment,
  Machine,
  OrgMachine,
  OrgVolume,
  Secret,
  Volume,
} from "../../src/fly/schemas.js";
import { runAsk, type AskResult } from "../../src/agent/ask-loop.js";
import { Redactor } from "../../src/security/redact.js";
import { FlyopsError } from "../../src/errors.js";
import type { ChatModel } from "../../src/llm/types.js";
import { makePlan } from "../../src/plan/maker/maker.js";
import type { PlanFile } from "../../src/plan/schema/schema.js";
import { silentLogger } from "../../src/logger.js";
import type { AnyTool, ToolContext } from "../../tools/define-tool.js";
import { toolsByAccess } from "../../tools/index.js";

/**
 * A small fleet served through the real catalog tools: a fake FlyRest answers from these records,
 * the tools run and render their views as in production, and the ask loop formats the results.
 */
export interface Fleet {
  apps: Array<{ name: string; org: string; status?: string }>;
  machines: Array<{
    app: string;
    id: string;
    name: string;
    region: string;
    state: string;
    cpu_kind: string;
    cpus: number;
    memory_mb: number;
    image?: string;
  }>;
  volumes: Array<{
    app: string;
    id: string;
    name: string;
    region: string;
    size_gb: number;
    attached?: string;
  }>;
  secrets: Record<string, string[]>;
  ips: Record<string, Array<{ ip: string; shared?: boolean; region?: string }>>;
  certs: Record<string, Array<{ hostname: string; status: string }>>;
  /** Apps whose list calls fail with a 500, to test partial answers. */
  broken?: string[];
}

export const FLEET: Fleet = {
  apps: [
    { name: "web", org: "personal", status: "deployed" },
    { name: "web-api", org: "personal", status: "deployed" },
    { name: "worker", org: "personal", status: "suspended" },
    { name: "empty-app", org: "personal", status: "pending" },
  ],
  machines: [
    {
      app: "web",
      id: "148ed193b95e89",
      name: "web-iad-1",
      region: "iad",
      state: "started",
      cpu_kind: "shared",
      cpus: 1,
      memory_mb: 512,
      image: "registry.fly.io/web:v1",
    },
    {
      app: "web",
      id: "3d8d9015b6e089",
      name: "web-ord-1",
      region: "ord",
      state: "started",
      cpu_kind: "shared",
      cpus: 2,
      memory_mb: 1024,
      image: "registry.fly.io/web:v1",
    },
    {
      app: "web",
      id: "e2865013c49e86",
      name: "web-iad-2",
      region: "iad",
      state: "stopped",
      cpu_kind: "shared",
      cpus: 1,
      memory_mb: 256,
      image: "registry.fly.io/web:v1",
    },
    {
      app: "web-api",
      id: "9080e6d4a47e48",
      name: "api-ams-1",
      region: "ams",
      state: "started",
      cpu_kind: "performance",
      cpus: 2,
      memory_mb: 4096,
      image: "registry.fly.io/web-api:v7",
    },
    {
      app: "web-api",
      id: "1781e79f2d3dd8",
      name: "api-ams-2",
      region: "ams",
      state: "suspended",
      cpu_kind: "shared",
      cpus: 1,
      memory_mb: 512,
      image: "registry.fly.io/web-api:v7",
    },
    {
      app: "worker",
      id: "6e82d6d3ae1e58",
      name: "worker-1",
      region: "syd",
      state: "stopped",
      cpu_kind: "performance",
      cpus: 1,
      memory_mb: 8192,
      image: "registry.fly.io/worker:v3",
    },
  ],
  volumes: [
    {
      app: "web",
      id: "vol_1a2b3c4d5e6f7g8h",
      name: "data",
      region: "iad",
      size_gb: 10,
      attached: "148ed193b95e89",
    },
    { app: "web", id: "vol_9z8y7x6w5v4u3t2s", name: "old_data", region: "iad", size_gb: 5 },
    { app: "web-api", id: "vol_5k5k5k5k5k5k5k5k", name: "cache", region: "ams", size_gb: 3 },
    {
      app: "worker",
      id: "vol_7m7m7m7m7m7m7m7m",
      name: "scratch",
      region: "syd",
      size_gb: 1,
      attached: "6e82d6d3ae1e58",
    },
  ],
  secrets: {
    web: ["DATABASE_URL", "SESSION_SECRET"],
    "web-api": ["STRIPE_API_KEY"],
    worker: [],
    "empty-app": [],
  },
  ips: {
    web: [{ ip: "2a09:8280:1::3a:f001" }, { ip: "66.241.124.10", shared: true }],
    "web-api": [],
    worker: [],
    "empty-app": [],
  },
  certs: {
    web: [{ hostname: "www.example.com", status: "Ready" }],
    "web-api": [],
    worker: [],
    "empty-app": [],
  },
};

/** A fleet larger than one view page (50 rows): `apps` apps with `perApp` machines each, round-robin over iad, ord, ams. */
export function scaleFleet(apps: number, perApp: number): Fleet {
  const regions = ["iad", "ord", "ams"];
  const fleet: Fleet = { apps: [], machines: [], volumes: [], secrets: {}, ips: {}, certs: {} };
  for (let a = 0; a < apps; a++) {
    const app = `app-${String(a).padStart(3, "0")}`;
    fleet.apps.push({ name: app, org: "personal" });
    for (let m = 0; m < perApp; m++) {
      const n = a * perApp + m;
      fleet.machines.push({
        app,
        id: n.toString(16).padStart(14, "0"),
        name: `${app}-m${m}`,
        region: regions[n % regions.length] ?? "iad",
        state: n % 4 === 0 ? "stopped" : "started",
        cpu_kind: "shared",
        cpus: 1,
        memory_mb: 256 * (1 + (n % 8)),
      });
    }
  }
  return fleet;
}

const CREATED = "2026-01-01T00:00:00Z";

function notFound(path: string): FlyApiError {
  return new FlyApiError({ status: 404, method: "GET", path, body: { error: "not found" } });
}

function toMachine(m: Fleet["machines"][number], fleet: Fleet): Machine & OrgMachine {
  const mounts = fleet.volumes
    .filter((v) => v.attached === m.id)
    .map((v) => ({ volume: v.id, path: `/${v.name}`, name: v.name }));
  return {
    id: m.id,
    name: m.name,
    state: m.state,
    region: m.region,
    instance_id: `01J${m.id.toUpperCase()}`,
    created_at: CREATED,
    updated_at: CREATED,
    app_name: m.app,
    config: { image: m.image, guest: { cpu_kind: m.cpu_kind, cpus: m.cpus, memory_mb: m.memory_mb }, mounts },
  };
}

function toVolume(v: Fleet["volumes"][number]): Volume & OrgVolume {
  return {
    id: v.id,
    name: v.name,
    region: v.region,
    size_gb: v.size_gb,
    state: "created",
    attached_machine_id: v.attached ?? null,
    encrypted: true,
    created_at: CREATED,
    app_name: v.app,
  };
}

function paged<T>(items: T[]): Paged<T> {
  return { items, truncated: false, errorRegions: [] };
}

export function fakeClients(fleet: Fleet): FlyClients {
  const app = (name: string): Fleet["apps"][number] => {
    const found = fleet.apps.find((a) => a.name === name);
    if (!found) throw notFound(`/v1/apps/${name}`);
    if (fleet.broken?.includes(name)) {
      throw new FlyApiError({
        status: 500,
        method: "GET",
        path: `/v1/apps/${name}`,
        body: { error: "internal error" },
      });
    }
    return found;
  };
  const toApp = (a: Fleet["apps"][number]): App => ({
    name: a.name,
    id: a.name,
    status: a.status,
    organization: { slug: a.org, name: a.org },
    machine_count: fleet.machines.filter((m) => m.app === a.name).length,
    volume_count: fleet.volumes.filter((v) => v.app === a.name).length,
  });
  const machineFilter = (q: ListMachinesQuery | OrgListQuery) => (m: Fleet["machines"][number]) =>
    (!q.state?.length || (q.state as readonly string[]).includes(m.state)) &&
    (!q.region || m.region === q.region);
  // Promise executors turn a thrown FlyApiError into a rejection, as the real client's would be.
  const later = <T>(read: () => T): Promise<T> => new Promise((resolve) => resolve(read()));
  const rest = {
    listApps: (org: string) => later(() => fleet.apps.filter((a) => a.org === org).map(toApp)),
    getApp: (name: string) => later(() => toApp(app(name))),
    listMachines: (name: string, q: ListMachinesQuery = {}) =>
      later(() =>
        fleet.machines
          .filter((m) => m.app === app(name).name)
          .filter(machineFilter(q))
          .map((m) => toMachine(m, fleet)),
      ),
    getMachine: (name: string, id: string) =>
      later(() => {
        const m = fleet.machines.find((x) => x.app === app(name).name && x.id === id);
        if (!m) throw notFound(`/v1/apps/${name}/machines/${id}`);
        return toMachine(m, fleet);
      }),
    listOrgMachines: (org: string, q: OrgListQuery = {}) =>
      later(() =>
        paged(
          fleet.machines
            .filter((m) => fleet.apps.some((a) => a.name === m.app && a.org === org))
            .filter(machineFilter(q))
            .map((m) => toMachine(m, fleet)),
        ),
      ),
    listVolumes: (name: string) =>
      later(() => fleet.volumes.filter((v) => v.app === app(name).name).map(toVolume)),
    listOrgVolumes: (org: string) =>
      later(() =>
        paged(
          fleet.volumes
            .filter((v) => fleet.apps.some((a) => a.name === v.app && a.org === org))
            .map(toVolume),
        ),
      ),
    getVolume: (name: string, id: string) =>
      later(() => {
        const v = fleet.volumes.find((x) => x.app === app(name).name && x.id === id);
        if (!v) throw notFound(`/v1/apps/${name}/volumes/${id}`);
        return toVolume(v);
      }),
    listRegions: () =>
      later(() => ({
        regions: ["ams", "iad", "ord", "syd"].map((code) => ({ code, name: code.toUpperCase() })),
        nearest: "iad",
      })),
    listSecrets: (name: string) =>
      later((): Secret[] =>
        (fleet.secrets[app(name).name] ?? []).map((s) => ({
          name: s,
          digest: `d-${s.length}`,
          created_at: CREATED,
        })),
      ),
    listIpAssignments: (name: string) =>
      later((): IPAssignment[] =>
        (fleet.ips[app(name).name] ?? []).map((i) => ({
          ip: i.ip,
          shared: i.shared ?? false,
          region: i.region ?? "global",
          created_at: CREATED,
        })),
      ),
    listCertificates: (name: string) =>
      later(() =>
        paged(
          (fleet.certs[app(name).name] ?? []).map((c): CertificateSummary => ({
            hostname: c.hostname,
            status: c.status,
            configured: true,
            created_at: CREATED,
          })),
        ),
      ),
  };
  return {
    rest: rest as unknown as FlyRest,
    graphql: {} as FlyGraphQL,
    logs: unconfiguredLogs,
    metrics: unconfiguredPrometheus,
    mpg: {} as MpgRest,
  };
}

export function fixtureContext(fleet: Fleet = FLEET, app?: string): ToolContext {
  return { fly: fakeClients(fleet), org: "personal", app, signal: undefined, log: silentLogger };
}

/** The system prompt the ask loop renders, with the parts the local model reads. */
export function systemPrompt(app?: string): string {
  return `You are flyops.\nContext:\n- Organization filter: personal\n- Default app: ${app ?? "none"}\n- Today's date: 2026-02-01`;
}

export interface Asked extends AskResult {
  calls: Array<{ tool: string; input: unknown; ok: boolean }>;
}

/** Runs one question through the production ask loop with the local model and the fixture fleet. */
export async function ask(
  model: ChatModel,
  question: string,
  options: {
    fleet?: Fleet;
    app?: string;
    history?: Array<{ question: string; answer: string }>;
    tools?: readonly AnyTool[];
  } = {},
): Promise<Asked> {
  const calls: Asked["calls"] = [];
  const result = await runAsk({
    question,
    model,
    ctx: fixtureContext(options.fleet, options.app),
    tools: options.tools ?? toolsByAccess("read"),
    history: options.history,
    redactor: new Redactor(),
    systemPrompt: systemPrompt(options.app),
    onToolCall: (record) => calls.push(record),
  });
  return { ...result, calls };
}

export interface Made {
  /** The accepted plan, or undefined when the maker refused. */
  plan?: PlanFile;
  /** The model's closing words, or the maker's error with its hint. */
  text: string;
  error?: unknown;
  calls: Array<{ tool: string; ok: boolean }>;
}

/** Runs one change request through the production maker (real propose_plan, validator and live preconditions). */
export async function make(
  model: ChatModel,
  request: string,
  options: { fleet?: Fleet; app?: string; allowDestructive?: boolean } = {},
): Promise<Made> {
  const calls: Made["calls"] = [];
  try {
    const made = await makePlan({
      request,
      model,
      ctx: fixtureContext(options.fleet, options.app),
      redactor: new Redactor(),
      allowDestructive: options.allowDestructive ?? true,
      now: new Date("2026-02-01T10:00:00Z"),
      onToolCall: (tool, ok) => calls.push({ tool, ok }),
    });
    return { plan: made.plan, text: made.answer, calls };
  } catch (error) {
    if (!(error instanceof FlyopsError)) throw error;
    return { text: `${error.message}\n${error.hint ?? ""}`, error, calls };
  }
}
