import pLimit from "p-limit";
import { z } from "zod";
import type { Machine } from "../src/fly/schemas.js";
import { defineTool, nowOf, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { exitFact, problemsOf, statusRow } from "./machine-health.js";
import { ORG_PAGES, forEachOrg, orgsInScope, pageGaps } from "./org-scope.js";
import { parsePointInTime, timeField } from "./time-window.js";
import { listView, stateSummary, type ListView, type Row } from "./view.js";

/**
 * `fly status` for one app, and its fleet-wide form: the machines that are not healthy.
 *
 * Checks, `host_status` and the latest events come with Fly's per-app listing
 * (`GET /v1/apps/{app}/machines`, machines-openapi.json Machine), which is what flyctl's
 * `fly status` reads (internal/command/status/machines.go, flaps ListActive). Fly's org-wide
 * listing (`GET /v1/orgs/{org}/machines`, schema OrgMachine) carries state, version and times
 * but no checks, host status or events. So the fleet-wide form reads the org listing once per
 * org, as org_machines_list does, and then the per-app listing only of apps that can have a
 * problem to show: an app with a started machine (only a running machine has live checks) or
 * a machine updated inside the window (an exit or a restart updates it). Apps whose machines
 * are all stopped and untouched cost nothing.
 */

const DEFAULT_EXITS_SINCE = "24h";
/** Per-app listings at once: each has its own limiter bucket, so a few in flight stay well inside Fly's limits. */
const APP_CONCURRENCY = 8;

const exitsSince = timeField(
  `Count exits and OOM kills from this time (default ${DEFAULT_EXITS_SINCE})`,
).optional();

function sinceMs(ctx: ToolContext, text: string | undefined): number {
  const now = nowOf(ctx);
  return parsePointInTime(text ?? DEFAULT_EXITS_SINCE, now) ?? now;
}

/** Fly's most events per call (machines-openapi.json, Machines_list_events `limit`). */
const FLY_MAX_EVENTS = 50;

/**
 * A listing carries only a machine's newest events. A machine that exited inside the window may
 * have exited more often than they show, so its full list is read: one call per such machine, none
 * for the others.
 */
async function withExitHistory(
  ctx: ToolContext,
  app: string,
  machines: Machine[],
  since: number,
): Promise<Machine[]> {
  const limit = pLimit(APP_CONCURRENCY);
  return Promise.all(
    machines.map((m) =>
      (m.events ?? []).some((e) => (e.timestamp ?? 0) >= since && exitFact(e) !== undefined)
        ? limit(async () => ({
            ...m,
            events: await ctx.fly.rest.listMachineEvents(app, m.id, { limit: FLY_MAX_EVENTS }, ctx.signal),
          }))
        : Promise.resolve(m),
    ),
  );
}

interface AppStatus {
  app: string;
  machines: Machine[];
  exits_since: string;
}

export const appStatus = defineTool({
  name: "app_status",
  command: { verb: "status", noun: "app", bare: true },
  description:
    'Status of one app, like `fly status`: each machine with state, region, process group, image, release, version, health checks (name, status, output), host status, last exit (code, OOM kill) and last event, plus the problems found (failing checks, host not ok, OOM kills or non-zero exits since exits_since, default 24h). Use it first for "is APP healthy?" or "why is APP failing?".',
  access: "read",
  input: z.object({ app: f.app, exits_since: exitsSince }).strict(),
  async run(ctx, input): Promise<AppStatus> {
    const since = sinceMs(ctx, input.exits_since);
    const listed = await ctx.fly.rest.listMachines(input.app, {}, ctx.signal);
    const machines = await withExitHistory(ctx, input.app, listed, since);
    return { app: input.app, machines, exits_since: new Date(since).toISOString() };
  },
  view: (status) => {
    const since = Date.parse(status.exits_since);
    const problems = status.machines
      .map((m) => ({ id: m.id, name: m.name ?? null, problems: problemsOf(m, since) }))
      .filter((p) => p.problems.length > 0)
      .map((p) => ({ ...p, problems: p.problems.join("; ") }));
    const tally: Record<string, number> = {};
    for (const m of status.machines) tally[m.state ?? "unknown"] = (tally[m.state ?? "unknown"] ?? 0) + 1;
    return {
      app: status.app,
      healthy: problems.length === 0,
      machines: stateSummary(tally),
      exits_since: status.exits_since,
      problems,
      ...listView(
        status.machines.map((m) => statusRow(m)),
        {
          noun: "machines",
          empty: `app ${status.app} has no machines`,
        },
      ),
    };
  },
});

interface Unhealthy {
  app: string;
  machine: Machine;
  problems: string[];
}

interface FleetStatus {
  orgs: string[];
  machines_listed: number;
  apps_read: number;
  exits_since: string;
  unhealthy: Unhealthy[];
  incomplete: string[];
}

/** The apps worth a per-app listing: a started machine, or a machine changed inside the window. */
function appsToRead(
  machines: readonly { app_name?: string | null; state?: string | null; updated_at?: string | null }[],
  since: number,
): string[] {
  const apps = new Set<string>();
  for (const m of machines) {
    if (!m.app_name) continue;
    const updated = m.updated_at ? Date.parse(m.updated_at) : Number.NaN;
    if (m.state === "started" || (!Number.isNaN(updated) && updated >= since)) apps.add(m.app_name);
  }
  return [...apps].sort();
}

async function readApps(
  ctx: ToolContext,
  apps: readonly string[],
  since: number,
  gaps: string[],
): Promise<Map<string, Machine[]>> {
  const limit = pLimit(APP_CONCURRENCY);
  const listed = await Promise.all(
    apps.map((app) =>
      limit(async (): Promise<[string, Machine[]]> => {
        try {
          const machines = await ctx.fly.rest.listMachines(app, {}, ctx.signal);
          return [app, await withExitHistory(ctx, app, machines, since)];
        } catch (error) {
          if (ctx.signal?.aborted) throw error;
          gaps.push(
            `app ${app}: its machines could not be read (${error instanceof Error ? error.message : String(error)})`,
          );
          return [app, []];
        }
      }),
    ),
  );
  return new Map(listed);
}

export const orgStatus = defineTool({
  name: "org_status",
  command: { verb: "status", noun: "app", bare: true, across: true },
  description:
    'Fleet-wide health: every machine, across the apps of an org (or of every org), whose health checks are not passing, whose host is not ok, or that was OOM-killed or exited non-zero since exits_since (default 24h), with the checks\' output and the last exit. Use it for "are any health checks failing?", "is anything unhealthy?", "did anything crash?". Healthy machines are not listed, only counted.',
  access: "read",
  input: z
    .object({
      org: f.org.optional(),
      app: f.app.optional().describe("Only this app's machines"),
      exits_since: exitsSince,
      limit: f.limit.optional(),
    })
    .strict(),
  async run(ctx, input): Promise<FleetStatus> {
    const since = sinceMs(ctx, input.exits_since);
    const orgs = await orgsInScope(ctx, input.org);
    const gaps: string[] = [];
    const listed = await forEachOrg(orgs, async (org) => {
      // summary: only app, state and times are needed here; the per-app listing brings the rest.
      const page = await ctx.fly.rest.listOrgMachines(org, { summary: true }, ORG_PAGES, ctx.signal);
      gaps.push(...pageGaps(ctx, org, "machines", page));
      return page.items;
    });
    const mine = listed.filter((m) => input.app === undefined || m.app_name === input.app);
    const perApp = await readApps(ctx, appsToRead(mine, since), since, gaps);
    const unhealthy: Unhealthy[] = [];
    for (const [app, machines] of perApp)
      for (const machine of machines) {
        const problems = problemsOf(machine, since);
        if (problems.length > 0) unhealthy.push({ app, machine, problems });
      }
    return {
      orgs,
      machines_listed: mine.length,
      apps_read: perApp.size,
      exits_since: new Date(since).toISOString(),
      unhealthy,
      incomplete: gaps.sort(),
    };
  },
  view: (fleet, input): ListView & Record<string, unknown> => {
    const rows = fleet.unhealthy.map((u): Row => ({
      ...statusRow(u.machine, u.app),
      problems: u.problems.join("; "),
    }));
    const summary = `${fleet.unhealthy.length} unhealthy of ${fleet.machines_listed} machines in ${fleet.orgs.length} org${fleet.orgs.length === 1 ? "" : "s"} (checks read for the ${fleet.apps_read} apps with a started or recently changed machine)`;
    return {
      healthy: fleet.unhealthy.length === 0 && fleet.incomplete.length === 0,
      summary,
      exits_since: fleet.exits_since,
      ...listView(rows, {
        noun: "unhealthy machines",
        limit: input.limit,
        narrow: "filter by org or app",
        incomplete: fleet.incomplete,
        incompleteMeans: "machines there were not checked",
        empty:
          "every machine checked is healthy: checks passing, hosts ok, no OOM kill or non-zero exit in the window",
      }),
    };
  },
});

export const statusTools = [appStatus, orgStatus] as const;
