import { z } from "zod";
import type { App, OrgMachine } from "../src/fly/schemas.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { ORG_PAGES, forEachOrg, orgsInScope, pageGaps } from "./org-scope.js";
import { listView, markIncomplete, sortBy, stateSummary, take, type Limited } from "./view.js";

/** An app as GET /v1/apps returns it, plus where its machines run when `include` asks for it. */
export type AppListItem = App & {
  /** Regions of the app's machines, sorted; absent unless include has "regions". */
  regions?: string[];
  /** Machine count per state, e.g. {started: 2, stopped: 1}; absent unless include has "regions". */
  machines_by_state?: Record<string, number>;
};

export const appsList = defineTool({
  name: "apps_list",
  command: { verb: "list", noun: "apps" },
  description:
    'List the apps of an organization, or of every organization the token can see: name, organization, status, machine and volume counts. With include ["regions"] it also gives each app\'s regions and how many machines are started, stopped or suspended — use that for "what is running where".',
  access: "read",
  input: z
    .object({
      org: f.org.optional(),
      include: z
        .array(z.enum(["regions"]))
        .optional()
        .describe(
          '"regions": add each app\'s machine regions and machine counts by state (one extra call per org)',
        ),
      limit: f.limit.optional(),
    })
    .strict(),
  async run(ctx, input): Promise<Limited<AppListItem>> {
    const withRegions = input.include?.includes("regions") ?? false;
    const orgs = await orgsInScope(ctx, input.org);
    const gaps: string[] = [];
    const apps = await forEachOrg(orgs, async (org) => {
      const [orgApps, machines] = await Promise.all([
        ctx.fly.rest.listApps(org, ctx.signal),
        withRegions ? orgMachines(ctx, org, gaps) : Promise.resolve(undefined),
      ]);
      return orgApps.map((app) => {
        const item: AppListItem = { ...app, organization: app.organization ?? { slug: org } };
        return machines ? { ...item, ...placement(machines.filter((m) => m.app_name === app.name)) } : item;
      });
    });
    const listing = take(
      sortBy(apps, (a) => a.name, "asc"),
      input.limit,
    );
    return markIncomplete(listing, gaps.sort());
  },
  view: (apps, input) =>
    listView(
      apps.map((a) => ({
        name: a.name,
        org: a.organization?.slug ?? null,
        status: a.status ?? null,
        machines: a.machine_count ?? null,
        volumes: a.volume_count ?? null,
        ...(a.regions ? { regions: a.regions.join(" ") || "-" } : {}),
        ...(a.machines_by_state ? { machine_states: stateSummary(a.machines_by_state) || "none" } : {}),
      })),
      {
        noun: "apps",
        limit: input.limit,
        matched: apps.matched,
        narrow: "filter by org",
        incomplete: apps.incomplete,
        // Only regions and states come from the paged machine listing; the app rows are whole.
        incompleteMeans: "regions and machine states may be incomplete",
      },
    ),
});

export const appsGet = defineTool({
  name: "apps_get",
  command: { verb: "get", noun: "app", id: "app" },
  description:
    "Show one app: its organization, status, network, machine and volume counts. Fails with not found when the app does not exist. For its machines use machines_list.",
  access: "read",
  input: z.object({ app: f.app }).strict(),
  run: (ctx, input) => ctx.fly.rest.getApp(input.app, ctx.signal),
  view: (app) => ({
    name: app.name,
    id: app.id ?? null,
    org: app.organization?.slug ?? null,
    status: app.status ?? null,
    network: app.network ?? null,
    machines: app.machine_count ?? null,
    volumes: app.volume_count ?? null,
  }),
});

export const appTools = [appsList, appsGet] as const;

async function orgMachines(ctx: ToolContext, org: string, gaps: string[]): Promise<OrgMachine[]> {
  // summary=true: only ids, states and regions are needed here, not configs.
  const page = await ctx.fly.rest.listOrgMachines(org, { summary: true }, ORG_PAGES, ctx.signal);
  gaps.push(...pageGaps(ctx, org, "machines", page));
  return page.items;
}

function placement(machines: readonly OrgMachine[]): Pick<AppListItem, "regions" | "machines_by_state"> {
  const live = machines.filter((m) => m.state !== "destroyed" && m.state !== "destroying");
  const regions = [
    ...new Set(live.map((m) => m.region).filter((r): r is string => typeof r === "string")),
  ].sort();
  const byState: Record<string, number> = {};
  for (const m of live) {
    const state = m.state ?? "unknown";
    byState[state] = (byState[state] ?? 0) + 1;
  }
  return { regions, machines_by_state: byState };
}
