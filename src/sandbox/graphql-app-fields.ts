import { GraphQLError } from "graphql";
import { connection, type PageArgs } from "./graphql-connection.js";
import type { Resolvers } from "./graphql.js";
import { hexDigestOf } from "./ids.js";
import { NEAREST_REGION, REGIONS, type RegionRow } from "./regions.js";
import type { SandboxStore } from "./store.js";
import type { AppRecord, MachineRecord } from "./types.js";

/** Image repositories of Fly's unmanaged Postgres (flyctl internal/command/postgres/postgres.go). */
const POSTGRES_REPOSITORIES = new Set([
  "flyio/postgres-flex",
  "flyio/postgres",
  "flyio/postgres-timescaledb",
]);

/** The app role flyctl's `postgres list` asks apps(role:) for (internal/command/postgres/list.go). */
export const POSTGRES_CLUSTER_ROLE = "postgres_cluster";

function liveMachines(store: SandboxStore, app: string): MachineRecord[] {
  return store
    .machines(app)
    .filter((m) => m.state !== "destroyed")
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export function isPostgresApp(store: SandboxStore, app: string): boolean {
  return liveMachines(store, app).some((m) => POSTGRES_REPOSITORIES.has(m.imageRef.repository));
}

// Fly's ServiceHandlerType enum spells the fly.toml handlers in capitals.
const HANDLERS: Record<string, string> = {
  http: "HTTP",
  tls: "TLS",
  pg_tls: "PG_TLS",
  proxy_proto: "PROXY_PROTO",
  edge_http: "EDGE_HTTP",
};

interface ServiceConfig {
  protocol?: string;
  internal_port?: number;
  ports?: { port?: number; handlers?: string[] }[];
}

function servicesOf(machine: MachineRecord | undefined) {
  const services = (machine?.config.services ?? []) as ServiceConfig[];
  return services.map((s) => ({
    description: "",
    protocol: (s.protocol ?? "tcp").toUpperCase(),
    internalPort: s.internal_port ?? 0,
    ports: (s.ports ?? []).map((p) => ({
      port: p.port ?? null,
      handlers: (p.handlers ?? []).flatMap((h) => HANDLERS[h] ?? []),
    })),
  }));
}

function machineNode(machine: MachineRecord, appNode: () => unknown) {
  return {
    id: machine.id,
    name: machine.name,
    state: machine.state,
    region: machine.region,
    createdAt: machine.createdAt,
    config: machine.config,
    app: appNode,
    host: { id: hexDigestOf(`host:${machine.region}:${machine.id}`, 8) },
    ips: (args: PageArgs) =>
      connection([machine.privateIp], args, (ip) => ({
        id: hexDigestOf(`machine-ip:${ip}`, 12),
        family: "v6",
        kind: "privatenet",
        ip,
        maskSize: 48,
      })),
  };
}

/** The App fields fly-go's GetApp, GetAppCompact and friends ask for, from the sandbox's records. */
export function appGraphqlFields(store: SandboxStore, app: AppRecord, resolvers: Resolvers) {
  const machines = liveMachines(store, app.name);
  const newest = machines[0];
  const ips = store.ips(app.name);
  return {
    appUrl: `https://${app.name}.fly.dev`,
    cnameTarget: `${app.name}.fly.dev`,
    platformVersion: "machines",
    // version and currentRelease come from the release records (graphql-releases.ts).
    config: { definition: { app: app.name } },
    imageDetails: newest ? { ...newest.imageRef, version: null } : null,
    role: isPostgresApp(store, app.name)
      ? { __typename: "PostgresClusterAppRole", name: POSTGRES_CLUSTER_ROLE }
      : null,
    secrets: store.secrets(app.name).map((s) => ({
      id: hexDigestOf(`secret:${app.name}:${s.name}`, 12),
      name: s.name,
      digest: s.digest,
      createdAt: s.createdAt,
    })),
    services: servicesOf(newest),
    sharedIpAddress: ips.find((i) => i.kind === "shared_v4")?.ip ?? null,
    ipAddresses: (args: PageArgs) =>
      connection(ips, args, (ip) => ({
        id: hexDigestOf(`ip:${ip.ip}`, 12),
        address: ip.ip,
        type: ip.kind,
        region: ip.region,
        createdAt: ip.createdAt,
        serviceName: ip.serviceName ?? null,
        network: null,
      })),
    certificates: (args: PageArgs) =>
      connection(store.certs(app.name), args, (c) => ({
        id: hexDigestOf(`cert:${c.hostname}`, 12),
        hostname: c.hostname,
        createdAt: c.createdAt,
        clientStatus: c.issuedAt ? "Ready" : "Awaiting configuration",
      })),
    machines: (args: PageArgs) =>
      connection(machines, args, (m) => machineNode(m, () => resolvers.appNode(app))),
  };
}

function regionNode(region: RegionRow) {
  return {
    code: region.code,
    name: region.name,
    latitude: region.latitude,
    longitude: region.longitude,
    gatewayAvailable: region.gateway_available,
    requiresPaidPlan: region.requires_paid_plan,
    deprecated: region.deprecated,
  };
}

interface AppsArgs extends PageArgs {
  organizationId?: string | null;
  role?: string | null;
  active?: boolean | null;
}

/** Root query fields beyond graphql.ts: app listings by org and role, name checks, regions. */
export function platformRoot(store: SandboxStore, resolvers: Resolvers) {
  return {
    appNameAvailable: ({ name }: { name: string }) => store.app(name) === undefined,
    apps: (args: AppsArgs) => {
      const org = args.organizationId ? store.orgs().find((o) => o.id === args.organizationId) : undefined;
      if (args.organizationId && !org)
        throw new GraphQLError(`Could not find Organization with id "${args.organizationId}"`);
      const apps = store
        .apps(org?.slug)
        .filter((a) => !args.role || (args.role === POSTGRES_CLUSTER_ROLE && isPostgresApp(store, a.name)));
      return connection(apps, args, (a) => resolvers.appNode(a));
    },
    nearestRegion: () => {
      const region = REGIONS.find((r) => r.code === NEAREST_REGION);
      if (!region) throw new GraphQLError("no nearest region");
      return regionNode(region);
    },
    platform: () => ({ requestRegion: NEAREST_REGION, regions: REGIONS.map(regionNode) }),
  };
}
