import pLimit from "p-limit";
import { z } from "zod";
import { AppReleasesDocument, OrgReleasesDocument, type ReleaseNode } from "../src/fly/graphql-releases.js";
import type { MachineEvent } from "../src/fly/schemas.js";
import { defineTool, nowOf, type ToolContext } from "./define-tool.js";
import { eventRow } from "./events.js";
import * as f from "./fields.js";
import { ORG_PAGES, forEachOrg, orgsInScope, pageGaps } from "./org-scope.js";
import { describeWindow, inWindow, isoOf, parsePointInTime, timeField, type Window } from "./time-window.js";
import { listView, shortImage, type Row } from "./view.js";

/**
 * "What changed?": releases (GraphQL, as releases_list), machine events (only of machines Fly
 * says were updated in the window: the org listing's `updated_after`, or the app's listing) and
 * secrets set or changed (their `updated_at`; names only, never values), in one time-ordered list.
 */

const DEFAULT_SINCE = "24h";
const RELEASES_PER_APP = 10;
const APPS_PER_PAGE = 50;
/** Per-machine event reads are one call each: past this many machines the view says what it left out. */
const MAX_MACHINES = 40;
const MAX_APPS_FOR_SECRETS = 100;
const CONCURRENCY = 8;

export interface Change {
  at: string;
  app: string;
  kind: "release" | "machine" | "secret";
  subject: string;
  change: string;
}

interface Changes {
  window: Window;
  changes: Change[];
  gaps: string[];
}

function releaseChange(app: string, r: ReleaseNode): Change {
  const image = shortImage(r.imageRef);
  return {
    at: isoOf(Date.parse(r.createdAt)) ?? r.createdAt,
    app,
    kind: "release",
    subject: `v${r.version}`,
    change: `${r.description}${r.reason ? ` (${r.reason})` : ""}, ${r.status}${image ? `, image ${image}` : ""}${r.user ? ` by ${r.user.email}` : ""}`,
  };
}

function eventChange(app: string, machine: { id: string; name?: string | null }, e: MachineEvent): Change {
  const row = eventRow(e);
  const exit =
    row.exit_code === null ? "" : ` exit_code ${String(row.exit_code)}${row.oom_killed ? " oom_killed" : ""}`;
  return {
    at: isoOf(e.timestamp) ?? "",
    app,
    kind: "machine",
    subject: `${machine.id}${machine.name ? ` (${machine.name})` : ""}`,
    change: `${e.type ?? "?"} ${e.status ?? ""} by ${e.source ?? "?"}${exit}`.replace(/\s+/g, " ").trim(),
  };
}

async function machineChanges(
  ctx: ToolContext,
  machines: { app: string; id: string; name?: string | null }[],
  window: Window,
  gaps: string[],
): Promise<Change[]> {
  if (machines.length > MAX_MACHINES)
    gaps.push(
      `${machines.length - MAX_MACHINES} of ${machines.length} changed machines' events were not read; name an app`,
    );
  const limit = pLimit(CONCURRENCY);
  const lists = await Promise.all(
    machines.slice(0, MAX_MACHINES).map((m) =>
      limit(async () => {
        const events = await ctx.fly.rest.listMachineEvents(m.app, m.id, { limit: 50 }, ctx.signal);
        return events.filter((e) => inWindow(e.timestamp, window)).map((e) => eventChange(m.app, m, e));
      }),
    ),
  );
  return lists.flat();
}

async function secretChanges(
  ctx: ToolContext,
  apps: readonly string[],
  window: Window,
  gaps: string[],
): Promise<Change[]> {
  if (apps.length > MAX_APPS_FOR_SECRETS)
    gaps.push(`secrets of ${apps.length - MAX_APPS_FOR_SECRETS} apps were not read; name an app`);
  const limit = pLimit(CONCURRENCY);
  const lists = await Promise.all(
    apps.slice(0, MAX_APPS_FOR_SECRETS).map((app) =>
      limit(async () =>
        (await ctx.fly.rest.listSecrets(app, ctx.signal))
          .filter((s) => inWindow(s.updated_at, window))
          .map((s): Change => ({
            at: isoOf(Date.parse(s.updated_at ?? "")) ?? "",
            app,
            kind: "secret",
            subject: s.name,
            change: s.created_at === s.updated_at ? "secret set" : "secret value changed",
          })),
      ),
    ),
  );
  return lists.flat();
}

async function oneApp(ctx: ToolContext, app: string, window: Window, gaps: string[]): Promise<Change[]> {
  const [data, machines] = await Promise.all([
    ctx.fly.graphql.request(
      AppReleasesDocument,
      { appName: app, limit: RELEASES_PER_APP },
      { signal: ctx.signal },
    ),
    ctx.fly.rest.listMachines(app, {}, ctx.signal),
  ]);
  const releases = (data.app?.releases.nodes ?? [])
    .filter((r): r is ReleaseNode => r !== null && inWindow(r.createdAt, window))
    .map((r) => releaseChange(app, r));
  const changed = machines
    .filter((m) => inWindow(m.updated_at, window))
    .map((m) => ({ app, id: m.id, name: m.name }));
  return [
    ...releases,
    ...(await machineChanges(ctx, changed, window, gaps)),
    ...(await secretChanges(ctx, [app], window, gaps)),
  ];
}

async function oneOrg(ctx: ToolContext, org: string, window: Window, gaps: string[]): Promise<Change[]> {
  const apps = await ctx.fly.graphql.paginate(
    OrgReleasesDocument,
    { slug: org, limit: RELEASES_PER_APP },
    (data) => data.organization?.apps,
    { signal: ctx.signal, pageSize: APPS_PER_PAGE },
  );
  const releases = apps.flatMap((a) =>
    (a.releases.nodes ?? [])
      .filter((r): r is ReleaseNode => r !== null && inWindow(r.createdAt, window))
      .map((r) => releaseChange(a.name, r)),
  );
  const after = window.since === undefined ? undefined : new Date(window.since).toISOString();
  const page = await ctx.fly.rest.listOrgMachines(
    org,
    { summary: true, updated_after: after },
    ORG_PAGES,
    ctx.signal,
  );
  gaps.push(...pageGaps(ctx, org, "machines", page));
  const changed = page.items
    .filter((m) => inWindow(m.updated_at, window))
    .map((m) => ({ app: m.app_name ?? "?", id: m.id, name: m.name }));
  return [
    ...releases,
    ...(await machineChanges(ctx, changed, window, gaps)),
    ...(await secretChanges(
      ctx,
      apps.map((a) => a.name),
      window,
      gaps,
    )),
  ];
}

export const recentChanges = defineTool({
  name: "recent_changes",
  description:
    'What changed, newest first, in one list: releases (deploys, with image and user), machine events (starts, stops, exits with exit code and OOM kills, restarts, updates) and secrets set or changed (names only). For "what changed recently?", "what changed in the last hour?" (since "1h"), "what happened to APP today?". One app, or every app of an org (or of every org). Default window: the last 24h.',
  access: "read",
  input: z
    .object({
      app: f.app.optional().describe("Only this app (cheaper and more complete than the whole fleet)"),
      org: f.org.optional(),
      since: timeField(`Changes at or after this time (default ${DEFAULT_SINCE})`).optional(),
      limit: f.limit.optional(),
    })
    .strict(),
  async run(ctx, input): Promise<Changes> {
    const window: Window = { since: parsePointInTime(input.since ?? DEFAULT_SINCE, nowOf(ctx)) };
    const gaps: string[] = [];
    const changes = input.app
      ? await oneApp(ctx, input.app, window, gaps)
      : await forEachOrg(await orgsInScope(ctx, input.org), (org) => oneOrg(ctx, org, window, gaps));
    changes.sort((a, b) => b.at.localeCompare(a.at) || a.app.localeCompare(b.app));
    return { window, changes, gaps };
  },
  view: (result, input) =>
    listView(
      result.changes.map((c): Row => ({ ...c })),
      {
        noun: "changes",
        limit: input.limit,
        narrow: "name an app or shorten the window",
        notes: [`window: ${describeWindow(result.window)}`],
        incomplete: result.gaps,
        incompleteMeans: "changes there may be missing",
        empty: `nothing changed ${describeWindow(result.window)}: no release, machine event or secret change`,
      },
    ),
});

export const changeTools = [recentChanges] as const;
