import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MPG_OPERATIONS } from "../fixtures/mpg-api.js";

/**
 * A loopback stand-in for Fly that records every request exactly as it arrived on the wire (after
 * whatever the HTTP client did to the URL), names the OpenAPI operation its path matches, with the
 * path parameters, and answers in the operation's shape. Answers echo the ids they are asked
 * about, so every id a tool sends next is one it was given or one this server made up (CREATED_*).
 */

export const CREATED_MACHINE_ID = "e2865013c45e86";
export const CREATED_VOLUME_ID = "vol_c2e8m3q7w1x5z9d4";
export const CREATED_CLUSTER_ID = "9z8y7x6w5v4u3t2s";
/** The app GraphQL's app listing answers with (a Postgres listing then reads its machines). */
export const LISTED_APP = "my-app";

const mpgCluster = (id: string) => ({ id, name: "data", status: "ready", region: "iad", attached_apps: [] });

export interface WireRequest {
  method: string;
  /** The request target as received: path and query, undecoded. */
  target: string;
  /** The target's path, undecoded. */
  path: string;
  operationId: string | undefined;
  /** Path parameters of the matched operation, percent-decoded. */
  params: Record<string, string>;
}

export interface PathRecordingServer {
  url: string;
  requests: WireRequest[];
  /**
   * The state every machine is answered with. Suspended by default: start and stop both act on
   * it, and update keeps it down (no long waits). A restart needs "started".
   */
  machineState: string;
  close(): Promise<void>;
}

interface Template {
  method: string;
  operationId: string;
  segments: string[];
}

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const specDir = resolve(repoRoot, process.env.FLY_SPEC_DIR ?? "spec/fly");

function loadTemplates(): Template[] {
  const spec = JSON.parse(readFileSync(resolve(specDir, "machines-openapi.json"), "utf8")) as {
    paths: Record<string, Record<string, { operationId?: string }>>;
  };
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => method !== "parameters")
      // Spec paths are relative to https://api.machines.dev/v1.
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        operationId: op.operationId ?? `${method} ${path}`,
        segments: `/v1${path}`.split("/").slice(1),
      })),
  );
}

/**
 * The two APIs outside the Machines spec: api.fly.io's logs (fly-go resource_logs.go) and the
 * Prometheus API (Fly docs monitoring/metrics), as the clients are pointed at this server.
 */
const OTHER_TEMPLATES: Template[] = [
  { method: "GET", operationId: "Logs_list", segments: "/api/v1/apps/{app_name}/logs".split("/").slice(1) },
  {
    method: "GET",
    operationId: "Prometheus_query",
    segments: "/prometheus/{org_slug}/api/v1/query".split("/").slice(1),
  },
  {
    method: "GET",
    operationId: "Prometheus_query_range",
    segments: "/prometheus/{org_slug}/api/v1/query_range".split("/").slice(1),
  },
];

// Managed Postgres on api.fly.io is not in the spec: its operations come from flyctl (fixtures/mpg-api.ts).
const templates = [
  ...loadTemplates(),
  ...OTHER_TEMPLATES,
  ...MPG_OPERATIONS.map((op) => ({
    method: op.method,
    operationId: op.operationId,
    segments: op.path.split("/").slice(1),
  })),
];

/** The operation a wire path names, preferring literal segments (…/certificates/acme) over parameters. */
export function matchOperation(
  method: string,
  path: string,
): { operationId: string; params: Record<string, string> } | undefined {
  const parts = path.split("/").slice(1);
  let best: { operationId: string; params: Record<string, string>; literals: number } | undefined;
  for (const t of templates) {
    if (t.method !== method || t.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const matches = t.segments.every((segment, i) => {
      const part = parts[i] ?? "";
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      if (param === undefined) {
        literals += 1;
        return segment === part;
      }
      if (part === "") return false;
      params[param] = safeDecode(part);
      return true;
    });
    if (matches && (best === undefined || literals > best.literals))
      best = { operationId: t.operationId, params, literals };
  }
  return best && { operationId: best.operationId, params: best.params };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const machineOf = (id: string, state: string) => ({
  id,
  name: "web-1",
  state,
  region: "iad",
  instance_id: "01J9ZK3V2W1C4N7P8Q5R6S7T8U",
  config: {
    image: "registry.fly.io/my-app:v0",
    guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
    // A machine of a deployed app (Fly Apps platform v2), which scale and restart act on.
    metadata: { fly_platform_version: "v2" },
  },
});

const volume = (id: string) => ({ id, name: "data", region: "iad", size_gb: 1, state: "created" });

function answer(operationId: string, params: Record<string, string>, ip: string, state: string): unknown {
  const machine = (id: string) => machineOf(id, state);
  const app = params.app_name ?? "";
  switch (operationId) {
    case "Apps_list":
      return { apps: [{ name: "my-app", organization: { slug: "acme-corp" } }], total_apps: 1 };
    case "Apps_show":
      return { name: app, organization: { slug: "acme-corp" } };
    case "Machines_list":
      return [machine(CREATED_MACHINE_ID)];
    case "Machines_show":
    case "Machines_update":
      return machine(params.machine_id ?? "");
    case "Machines_create":
      return machine(CREATED_MACHINE_ID);
    case "Machines_wait":
      return { ok: true };
    // Fly's lease answer (superfly/docs reference/machines/_machines_lease_create_resp.erb).
    case "Machines_create_lease":
    case "Machines_show_lease":
      return {
        status: "success",
        data: { nonce: "5c35f65c9f95", expires_at: 1708569778, owner: "dana@example.com" },
      };
    case "Machines_list_events":
      return [{ id: "01HXYZEVENT", type: "exit", status: "stopped", source: "flyd", timestamp: 1 }];
    case "Machines_show_metadata":
      return { fly_platform_version: "v2" };
    case "Machines_org_list":
      return { machines: [{ ...machine(CREATED_MACHINE_ID), app_name: "my-app" }] };
    case "Volumes_org_list":
      return { volumes: [{ ...volume(CREATED_VOLUME_ID), app_name: "my-app" }] };
    case "Volumes_list":
      return [volume(CREATED_VOLUME_ID)];
    case "Volumes_get_by_id":
    case "Volume_delete":
      return volume(params.volume_id ?? "");
    case "Volumes_create":
      return volume(CREATED_VOLUME_ID);
    case "Volumes_extend":
      return { needs_restart: false, volume: { ...volume(params.volume_id ?? ""), size_gb: 5 } };
    case "Volumes_list_snapshots":
      return [{ id: "vs_a1b2c3d4e5f6g7h8", status: "created" }];
    case "Secrets_list":
      return { secrets: [] };
    case "Secrets_update":
      return { version: 2 };
    case "App_IPAssignments_list":
      return { ips: [{ ip, shared: false }] };
    case "App_IPAssignments_create":
      return { ip: "2a09:8280:1::2", shared: false };
    case "App_Certificates_list":
      return { certificates: [] };
    case "App_Certificates_acme_create":
    case "App_Certificates_show":
    case "App_Certificates_check":
      return { hostname: params.hostname ?? "www.example.com", status: "pending" };
    case "Platform_regions_get":
      return { nearest: "iad", regions: [{ code: "iad", name: "Ashburn" }] };
    case "CurrentToken_show":
      return { tokens: [] };
    case "Logs_list":
      return { data: [], meta: { next_token: "" } };
    case "Prometheus_query":
      return { status: "success", data: { resultType: "vector", result: [] } };
    case "Prometheus_query_range":
      return { status: "success", data: { resultType: "matrix", result: [] } };
    case "Mpg_list":
      return { data: [mpgCluster(CREATED_CLUSTER_ID)] };
    case "Mpg_show":
      return {
        data: mpgCluster(params.cluster_id ?? ""),
        credentials: { pgbouncer_uri: "postgresql://u:p@h/db" },
      };
    case "Mpg_create":
      return { ok: true, data: mpgCluster(CREATED_CLUSTER_ID) };
    case "Mpg_databases_list":
      return { data: [{ name: "app_db" }] };
    case "Mpg_users_list":
      return { data: [{ name: "app_user", role: "writer" }] };
    case "Mpg_users_create":
      return { data: { name: "app_user", role: "writer" } };
    case "Mpg_backups_list":
      return { data: [] };
    case "Mpg_destroy":
    case "Mpg_databases_create":
    case "Mpg_attachments_create":
    case "Mpg_attachments_delete":
      return { data: {} };
    default:
      return undefined;
  }
}

const page = { hasNextPage: false, endCursor: null };
/** What a tool names an org's member, token, peer or add-on in catalog-fields.ts's samples. */
const NAMED = "data";

const GRAPHQL_DATA = {
  viewer: { __typename: "User", email: "dana@example.com", name: "Dana" },
  organization: {
    id: "org1",
    slug: "acme-corp",
    name: "Acme",
    type: "SHARED",
    paidPlan: true,
    billable: true,
    billingStatus: "CURRENT",
    viewerRole: "admin",
    apps: { nodes: [], pageInfo: page },
    members: {
      edges: [
        {
          role: "MEMBER",
          joinedAt: "2026-01-01T00:00:00Z",
          node: { id: "user1", name: "Kim", email: "kim@example.com" },
        },
      ],
      pageInfo: page,
    },
    addOns: {
      nodes: [
        {
          id: "addon1",
          name: NAMED,
          status: "ready",
          createdAt: "2026-01-01T00:00:00Z",
          addOnProvider: { name: "upstash_redis" },
        },
      ],
      pageInfo: page,
    },
    limitedAccessTokens: {
      nodes: [
        {
          id: "token1",
          name: NAMED,
          profile: "deploy",
          createdAt: "2026-01-01T00:00:00Z",
          expiresAt: "2030-01-01T00:00:00Z",
          revokedAt: null,
          user: { email: "kim@example.com" },
        },
      ],
      pageInfo: page,
    },
    wireGuardPeers: {
      nodes: [{ id: "peer1", name: NAMED, region: "iad", peerip: "fdaa::2" }],
      pageInfo: page,
    },
  },
  apps: {
    nodes: [
      { id: "app1", name: "my-app", status: "deployed", deployed: true, organization: { slug: "acme-corp" } },
    ],
    pageInfo: page,
  },
  createAddOn: { addOn: { id: "addon2", name: NAMED, status: "ready", primaryRegion: "iad" } },
  deleteAddOn: { deletedAddOnName: NAMED },
  deleteLimitedAccessToken: { revokedBy: null },
  removeWireGuardPeer: { organization: { slug: "acme-corp" } },
  createOrganizationInvitation: {
    invitation: { id: "inv1", email: "kim@example.com", createdAt: "2026-01-01T00:00:00Z", redeemed: false },
  },
  deleteOrganizationMembership: { user: { id: "user1", email: "kim@example.com" } },
  organizations: {
    nodes: [{ id: "org1", slug: "acme-corp", name: "Acme", type: "SHARED" }],
    pageInfo: { hasNextPage: false, endCursor: null },
  },
  // Two releases, so that a rollback (apps_rollback) has a previous one to go back to.
  app: {
    name: "my-app",
    releases: {
      nodes: [release(2, "registry.fly.io/my-app:v2"), release(1, "registry.fly.io/my-app:v1")],
    },
  },
};

function release(version: number, imageRef: string) {
  return {
    id: `rel${version}`,
    version,
    description: "Deploy image",
    reason: "deploy",
    status: "complete",
    imageRef,
    stable: true,
    user: null,
    createdAt: "2026-01-01T00:00:00Z",
  };
}

/** Starts the recorder; `ip` is the address its IP listing reports as assigned. */
export async function startPathRecordingServer(ip: string): Promise<PathRecordingServer> {
  const requests: WireRequest[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const target = req.url ?? "";
      const query = target.indexOf("?");
      const path = query === -1 ? target : target.slice(0, query);
      const method = req.method ?? "";
      const match = path === "/graphql" ? undefined : matchOperation(method, path);
      requests.push({ method, target, path, operationId: match?.operationId, params: match?.params ?? {} });
      res.setHeader("content-type", "application/json");
      if (path === "/graphql") return res.end(JSON.stringify({ data: GRAPHQL_DATA }));
      if (!match) {
        res.statusCode = 404;
        return res.end(JSON.stringify({ error: `no operation ${method} ${path}` }));
      }
      const body = answer(match.operationId, match.params, ip, recorder.machineState);
      res.end(body === undefined ? "" : JSON.stringify(body));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  const recorder: PathRecordingServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    machineState: "suspended",
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  return recorder;
}
