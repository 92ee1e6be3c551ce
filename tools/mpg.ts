import { z } from "zod";
import type { MpgBackup, MpgCluster, MpgDatabase, MpgUser } from "../src/fly/rest-mpg.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import { forEachOrg, orgsInScope } from "./org-scope.js";
import { listView, sortBy } from "./view.js";

/**
 * Managed Postgres clusters (Fly's managed service; REST on api.fly.io, see src/fly/rest-mpg.ts).
 * Connection strings and passwords are never part of a result: the client drops them.
 */

/**
 * A cluster id as flyctl's `mpg` commands take it. Fly documents no shape; the ids flyctl's
 * tests use ("cluster-1", "test-cluster-123") are lowercase letters, digits and dashes, so that
 * is the shape, strictly: no dot, slash or escape can reach the path.
 */
export const clusterId = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/,
    'expected a Managed Postgres cluster id, e.g. "8k3m5q7x1z9w2v4r"',
  )
  .describe('Managed Postgres cluster id, as `flyops fly list mpg` shows it, e.g. "8k3m5q7x1z9w2v4r"');

export interface MpgClusterRow extends MpgCluster {
  org_slug: string;
}

export const mpgList = defineTool({
  name: "mpg_list",
  command: { verb: "list", noun: "mpg" },
  description:
    "List Managed Postgres clusters of an org (or every org): id, name, region, status, plan, disk, replicas and attached apps. Unmanaged Fly Postgres apps are listed by postgres_list.",
  access: "read",
  input: z.object({ org: f.org.optional() }).strict(),
  async run(ctx, input): Promise<MpgClusterRow[]> {
    const orgs = await orgsInScope(ctx, input.org);
    const rows = await forEachOrg(orgs, async (org) =>
      (await ctx.fly.mpg.listMpgClusters(org, ctx.signal)).map((c) => ({ ...c, org_slug: org })),
    );
    return sortBy(rows, (c) => c.name, "asc");
  },
  view: (clusters) =>
    listView(
      clusters.map((c) => ({
        id: c.id,
        name: c.name,
        org: c.org_slug,
        region: c.region ?? null,
        status: c.status ?? null,
        plan: c.plan ?? null,
        disk_gb: c.disk ?? null,
        replicas: c.replicas ?? null,
        attached_apps: (c.attached_apps ?? []).map((a) => a.name).join(" ") || null,
      })),
      { noun: "managed postgres clusters" },
    ),
});

export interface MpgClusterDetail {
  cluster: MpgCluster;
  databases: MpgDatabase[];
  users: MpgUser[];
  backups: MpgBackup[];
}

export const mpgGet = defineTool({
  name: "mpg_get",
  command: { verb: "get", noun: "mpg", id: "cluster_id" },
  description:
    "One Managed Postgres cluster: plan, region, status, disk, replicas, attached apps, its databases, its users and their roles, and its backups. Never a password or connection string.",
  access: "read",
  input: z.object({ cluster_id: clusterId }).strict(),
  async run(ctx, input): Promise<MpgClusterDetail> {
    const [cluster, databases, users, backups] = await Promise.all([
      ctx.fly.mpg.getMpgCluster(input.cluster_id, ctx.signal),
      ctx.fly.mpg.listMpgDatabases(input.cluster_id, ctx.signal),
      ctx.fly.mpg.listMpgUsers(input.cluster_id, ctx.signal),
      ctx.fly.mpg.listMpgBackups(input.cluster_id, ctx.signal),
    ]);
    return { cluster, databases, users, backups: sortBy(backups, (b) => b.start ?? "", "desc") };
  },
  view: (d) => ({
    id: d.cluster.id,
    name: d.cluster.name,
    org: d.cluster.organization?.slug ?? null,
    region: d.cluster.region ?? null,
    status: d.cluster.status ?? null,
    plan: d.cluster.plan ?? null,
    disk_gb: d.cluster.disk ?? null,
    replicas: d.cluster.replicas ?? null,
    attached_apps: (d.cluster.attached_apps ?? []).map((a) => a.name),
    databases: d.databases.map((db) => db.name),
    users: d.users.map((u) => ({ name: u.name, role: u.role ?? null })),
    backups: d.backups
      .slice(0, 10)
      .map((b) => ({ id: b.id, status: b.status ?? null, type: b.type ?? null, start: b.start ?? null })),
    note: "passwords and connection strings are never shown",
  }),
});

export const mpgReadTools = [mpgList, mpgGet] as const;
