import { z } from "zod";
import { readBody } from "./body.js";
import { ApiError, badRequest, notFound } from "./http-error.js";
import { hexDigestOf } from "./ids.js";
import { REGIONS } from "./regions.js";
import { ok, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import type { SandboxStore } from "./store.js";
import type { MpgClusterRecord } from "./types-addons.js";
import type { OrgRecord } from "./types.js";

/**
 * Managed Postgres on api.fly.io, after flyctl's client (superfly/flyctl@ad0172f
 * internal/uiex/mpg/v1/managed_postgres.go for the org listing, internal/uiex/mpg/v2/client.go
 * for the rest): paths, bodies, status codes and response envelopes (`{"data": …}`) as that
 * client reads them. Where it accepts several codes, the sandbox answers the first it lists.
 */

// flyctl internal/command/mpg/plans.go.
const PLANS = ["basic", "starter", "launch", "scale", "performance"] as const;
// flyctl mpg/v2/client.go CreateUserWithRoleInput: 'schema_admin' | 'writer' | 'reader'.
const USER_ROLES = ["schema_admin", "writer", "reader"] as const;
const NAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

const CreateCluster = z.object({
  name: z.string(),
  region: z.string(),
  org_slug: z.string(),
  plan: z.enum(PLANS),
  pg_major_version: z.string().optional(),
  storage_in_gb: z.number().int().min(1).optional(),
  postgis_enabled: z.boolean().optional(),
});
const CreateDatabase = z.object({ name: z.string().regex(NAME) });
const CreateUser = z.object({ username: z.string().regex(NAME), role: z.enum(USER_ROLES) });
const CreateAttachment = z.object({ app_name: z.string() });

/** The organization by slug, or by the raw slug flyctl's listing sends. */
function orgOf(store: SandboxStore, slug: string): OrgRecord {
  const org =
    store.org(slug) ??
    store.orgs().find((o) => o.type === "PERSONAL" && slug === `${store.viewer().username}-personal`);
  if (!org) throw notFound(`organization ${slug}`);
  return org;
}

export function mpgClusterView(store: SandboxStore, c: MpgClusterRecord) {
  const org = store.org(c.org);
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    engine: "postgres",
    plan: c.plan,
    region: c.region,
    version: 2,
    organization: { slug: c.org, name: org?.name ?? c.org },
    disk: c.disk,
    replicas: c.replicas,
    ip_assignments: { direct: `fdaa:0:${hexDigestOf(c.org, 4)}:a7b:${hexDigestOf(c.id, 4)}::2` },
    attached_apps: c.attachedApps.map((name) => ({ name, id: store.app(name)?.internalNumericId ?? 0 })),
  };
}

export function mpgRoutes({ store }: RouteDeps): Route[] {
  const clusters = store.addons;
  const requireCluster = (id: string): MpgClusterRecord => {
    const found = clusters.mpgClusters.find((c) => c.id === id);
    if (!found) throw notFound(`cluster ${id}`);
    return found;
  };
  const withCredentials = (c: MpgClusterRecord) => {
    const host = `pgbouncer.${c.id}.flympg.net`;
    return ok({
      data: mpgClusterView(store, c),
      credentials: {
        status: "ready",
        user: "fly-user",
        password: c.password,
        dbname: "fly-db",
        pgbouncer_uri: `postgresql://fly-user:${c.password}@${host}/fly-db`,
      },
    });
  };
  return [
    {
      method: "GET",
      path: "/api/v1/organizations/:org/postgres",
      handle: ({ params }) => {
        const org = orgOf(store, params.org ?? "");
        return ok({
          data: clusters.mpgClusters.filter((c) => c.org === org.slug).map((c) => mpgClusterView(store, c)),
        });
      },
    },
    {
      method: "POST",
      path: "/api/v1/organizations/:org/postgresv2",
      handle: ({ params, body }) => {
        const org = orgOf(store, params.org ?? "");
        const input = readBody(CreateCluster, body);
        if (!NAME.test(input.name)) throw badRequest(`invalid cluster name "${input.name}"`);
        if (!REGIONS.some((r) => r.code === input.region))
          throw badRequest(`region "${input.region}" is not available for Managed Postgres`);
        if (clusters.mpgClusters.some((c) => c.org === org.slug && c.name === input.name))
          throw new ApiError(422, `a cluster named "${input.name}" already exists in ${org.slug}`);
        const label = store.nextLabel(`mpg:${org.slug}:${input.name}`);
        const record: MpgClusterRecord = {
          id: hexDigestOf(label, 16),
          name: input.name,
          org: org.slug,
          region: input.region,
          plan: input.plan,
          status: "ready",
          disk: input.storage_in_gb ?? 10,
          replicas: 1,
          pgMajorVersion: input.pg_major_version ?? "16",
          createdAt: store.now(),
          databases: [],
          users: [],
          backups: [],
          attachedApps: [],
          password: hexDigestOf(`${label}:password`, 32),
        };
        clusters.mpgClusters.push(record);
        store.changed();
        return ok({ ok: true, errors: {}, data: mpgClusterView(store, record) }, 201);
      },
    },
    {
      method: "DELETE",
      path: "/api/v1/organizations/:org/postgresv2/:id",
      handle: ({ params }) => {
        const org = orgOf(store, params.org ?? "");
        const c = requireCluster(params.id ?? "");
        if (c.org !== org.slug) throw notFound(`cluster ${c.id}`);
        clusters.mpgClusters = clusters.mpgClusters.filter((x) => x !== c);
        store.changed();
        return ok(undefined, 204);
      },
    },
    {
      method: "GET",
      path: "/api/v1/postgresv2/:id",
      handle: ({ params }) => withCredentials(requireCluster(params.id ?? "")),
    },
    ...clusterParts(store, requireCluster),
  ];
}

function clusterParts(store: SandboxStore, requireCluster: (id: string) => MpgClusterRecord): Route[] {
  return [
    {
      method: "GET",
      path: "/api/v1/postgresv2/:id/databases",
      handle: ({ params }) =>
        ok({ data: requireCluster(params.id ?? "").databases.map((name) => ({ name })) }),
    },
    {
      method: "POST",
      path: "/api/v1/postgresv2/:id/databases",
      handle: ({ params, body }) => {
        const c = requireCluster(params.id ?? "");
        const { name } = readBody(CreateDatabase, body);
        if (c.databases.includes(name)) throw new ApiError(422, `database "${name}" already exists`);
        c.databases.push(name);
        store.changed();
        return ok({ data: { name } }, 201);
      },
    },
    {
      method: "GET",
      path: "/api/v1/postgresv2/:id/users",
      handle: ({ params }) => ok({ data: requireCluster(params.id ?? "").users.map((u) => ({ ...u })) }),
    },
    {
      method: "POST",
      path: "/api/v1/postgresv2/:id/users",
      handle: ({ params, body }) => {
        const c = requireCluster(params.id ?? "");
        const input = readBody(CreateUser, body);
        if (c.users.some((u) => u.name === input.username))
          throw new ApiError(422, `user "${input.username}" already exists`);
        const user = { name: input.username, role: input.role };
        c.users.push(user);
        store.changed();
        return ok({ data: { ...user } }, 201);
      },
    },
    {
      method: "GET",
      path: "/api/v1/postgresv2/:id/backups",
      handle: ({ params }) => ok({ data: requireCluster(params.id ?? "").backups.map((b) => ({ ...b })) }),
    },
    {
      method: "POST",
      path: "/api/v1/postgresv2/:id/attachments",
      handle: ({ params, body }) => {
        const c = requireCluster(params.id ?? "");
        const { app_name } = readBody(CreateAttachment, body);
        const app = store.requireApp(app_name);
        if (app.org !== c.org) throw badRequest(`app ${app.name} is not in the cluster's organization`);
        if (!c.attachedApps.includes(app.name)) c.attachedApps.push(app.name);
        store.changed();
        return ok(
          {
            data: {
              id: app.internalNumericId,
              app_id: app.internalNumericId,
              managed_service_id: 1,
              attached_at: store.now(),
            },
          },
          201,
        );
      },
    },
    {
      method: "DELETE",
      path: "/api/v1/postgresv2/:id/attachments/:app",
      handle: ({ params }) => {
        const c = requireCluster(params.id ?? "");
        const app = params.app ?? "";
        if (!c.attachedApps.includes(app)) throw notFound(`attachment of ${app}`);
        c.attachedApps = c.attachedApps.filter((a) => a !== app);
        store.changed();
        return ok({ data: { message: `${app} detached` } });
      },
    },
  ];
}
