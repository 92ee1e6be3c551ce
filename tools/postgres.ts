import { z } from "zod";
import { AppsByRoleDocument, type RoleAppNode } from "../src/fly/graphql-documents-addons.js";
import type { Machine } from "../src/fly/schemas.js";
import { FlyopsError } from "../src/errors.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { orgsInScope } from "./org-scope.js";
import { listView } from "./view.js";

/**
 * Unmanaged Postgres clusters (Fly Postgres on machines), found the way flyctl finds them:
 * `fly postgres list` asks GraphQL for apps with role "postgres_cluster"
 * (superfly/flyctl internal/command/postgres/list.go); a member's role is its "role" health
 * check's output when passing, "error" when not (machineRole in internal/command/postgres/postgres.go),
 * and a cluster is Flex when its image says `fly.pg-manager=repmgr` (IsFlex there) or is
 * flyio/postgres-flex. Without a role check, a member's metadata `role` is shown.
 */

export interface PostgresMember {
  id: string;
  name: string | null;
  state: string | null;
  region: string | null;
  role: string;
  volume: string | null;
  checks: string;
}

export interface PostgresCluster {
  app: string;
  org: string;
  status: string;
  flex: boolean;
  image: string | null;
  version: string | null;
  leader: string | null;
  regions: string[];
  members: PostgresMember[];
  /** What stands out: no leader, a member not started, a failing check. Empty when healthy. */
  problems: string[];
}

const LEADER_ROLES = new Set(["leader", "primary"]);

function roleOf(machine: Machine): string {
  const check = machine.checks?.find((c) => c.name === "role");
  if (check) return check.status === "passing" ? (check.output ?? "unknown").trim() || "unknown" : "error";
  return machine.config?.metadata?.role ?? "unknown";
}

function isFlex(machine: Machine): boolean {
  const labels = (machine.image_ref as { labels?: Record<string, string> | null } | null | undefined)?.labels;
  return labels?.["fly.pg-manager"] === "repmgr" || machine.image_ref?.repository === "flyio/postgres-flex";
}

function checksText(machine: Machine): string {
  const checks = machine.checks ?? [];
  if (checks.length === 0) return "none reported";
  const failing = checks
    .filter((c) => c.status !== "passing")
    .map((c) => `${c.name ?? "?"} ${c.status ?? "?"}`);
  return failing.length === 0 ? `${checks.length} passing` : failing.join(", ");
}

function clusterOf(app: RoleAppNode, machines: Machine[]): PostgresCluster {
  const live = machines.filter((m) => m.state !== "destroyed");
  const members = live.map((m) => ({
    id: m.id,
    name: m.name ?? null,
    state: m.state ?? null,
    region: m.region ?? null,
    role: roleOf(m),
    volume: m.config?.mounts?.[0]?.volume ?? null,
    checks: checksText(m),
  }));
  const leader = members.find((m) => LEADER_ROLES.has(m.role));
  const image = live.find((m) => m.config?.image)?.config?.image ?? null;
  const problems: string[] = [];
  if (!leader) problems.push("no member reports the leader (primary) role");
  else if (leader.state !== "started")
    problems.push(`the leader ${leader.name ?? leader.id} is ${leader.state ?? "in an unknown state"}`);
  for (const m of members) {
    if (m !== leader && m.state !== "started")
      problems.push(`replica ${m.name ?? m.id} is ${m.state ?? "in an unknown state"}`);
    if (m.checks !== "none reported" && !m.checks.endsWith("passing"))
      problems.push(`${m.name ?? m.id}: ${m.checks}`);
  }
  return {
    app: app.name,
    org: app.organization.slug,
    status: app.status,
    flex: live.some(isFlex),
    image,
    version: live.find((m) => m.image_ref?.tag)?.image_ref?.tag ?? null,
    leader: leader ? (leader.name ?? leader.id) : null,
    regions: [...new Set(members.flatMap((m) => (m.region ? [m.region] : [])))].sort(),
    members,
    problems,
  };
}

async function postgresApps(ctx: ToolContext, org: string | undefined): Promise<RoleAppNode[]> {
  const apps = await ctx.fly.graphql.paginate(
    AppsByRoleDocument,
    { role: "postgres_cluster" },
    (data) => data.apps,
    { signal: ctx.signal },
  );
  const chosen = org ?? ctx.org;
  const orgs = chosen ? new Set(await orgsInScope(ctx, chosen)) : undefined;
  return apps
    .filter((a) => !orgs || orgs.has(a.organization.slug))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const memberRows = (c: PostgresCluster) =>
  c.members.map((m) => ({
    id: m.id,
    name: m.name,
    role: m.role,
    state: m.state,
    region: m.region,
    volume: m.volume,
    checks: m.checks,
  }));

export const postgresList = defineTool({
  name: "postgres_list",
  command: { verb: "list", noun: "postgres" },
  description:
    "List unmanaged Fly Postgres clusters (apps running flyio/postgres-flex): org, image version, leader, regions, member count and health problems. Managed Postgres clusters are listed by mpg_list.",
  access: "read",
  input: z.object({ org: f.org.optional() }).strict(),
  async run(ctx, input): Promise<PostgresCluster[]> {
    const apps = await postgresApps(ctx, input.org);
    return Promise.all(
      apps.map(async (app) => clusterOf(app, await ctx.fly.rest.listMachines(app.name, {}, ctx.signal))),
    );
  },
  view: (clusters) =>
    listView(
      clusters.map((c) => ({
        app: c.app,
        org: c.org,
        kind: c.flex ? "flex" : "postgres",
        version: c.version,
        leader: c.leader,
        regions: c.regions.join(" "),
        members: c.members.length,
        healthy: c.problems.length === 0,
        problems: c.problems.join("; ") || null,
      })),
      { noun: "postgres clusters" },
    ),
});

export const postgresGet = defineTool({
  name: "postgres_get",
  command: { verb: "get", noun: "postgres", id: "app" },
  description:
    "One unmanaged Fly Postgres cluster by its app name: every member's role (leader/replica), state, region, volume and checks, and whether it is healthy.",
  access: "read",
  input: z.object({ app: f.app }).strict(),
  async run(ctx, input): Promise<PostgresCluster> {
    const apps = await postgresApps(ctx, undefined);
    const app = apps.find((a) => a.name === input.app);
    if (!app) {
      const names = apps.map((a) => a.name).join(", ") || "none";
      throw new FlyopsError(`${input.app} is not a Fly Postgres cluster the token can see`, {
        hint: `Postgres clusters: ${names}; Managed Postgres clusters are shown by \`flyops fly list mpg\``,
      });
    }
    return clusterOf(app, await ctx.fly.rest.listMachines(app.name, {}, ctx.signal));
  },
  view: (c) => ({
    app: c.app,
    org: c.org,
    kind: c.flex ? "flex" : "postgres",
    image: c.image,
    leader: c.leader,
    healthy: c.problems.length === 0,
    problems: c.problems,
    members: memberRows(c),
  }),
});

export const postgresTools = [postgresList, postgresGet] as const;
