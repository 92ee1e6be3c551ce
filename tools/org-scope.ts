import pLimit from "p-limit";
import { OrganizationsDocument, type OrganizationSummary } from "../src/fly/graphql-documents.js";
import type { Paged } from "../src/fly/rest.js";
import type { ToolContext } from "./define-tool.js";

/** Fly's largest page for a listing. */
export const FLY_MAX_PAGE_SIZE = 1000;

/**
 * How every org-wide listing pages: Fly's largest page (every page past the burst costs a second
 * of Fly's per-org rate limit), and at most 20 of them; a listing cut there says so (`pageGaps`).
 */
export const ORG_PAGES = { pageSize: FLY_MAX_PAGE_SIZE, maxPages: 20 } as const;

/** Fly answers org-wide listings slowly; a few at once keeps well within its limits. */
const ORG_CONCURRENCY = 4;

/** Every organization the token can see, by slug. GET /v1/apps needs an org, so "all" starts here. */
export async function listOrganizations(ctx: ToolContext): Promise<OrganizationSummary[]> {
  const orgs = await ctx.fly.graphql.paginate(OrganizationsDocument, {}, (data) => data.organizations, {
    signal: ctx.signal,
  });
  return [...orgs].sort((a, b) => a.slug.localeCompare(b.slug));
}

/** The orgs a listing covers: the one asked for, else the configured one, else every org the token sees. */
export async function orgsInScope(ctx: ToolContext, org: string | undefined): Promise<string[]> {
  const chosen = org ?? ctx.org;
  if (chosen) return [chosen];
  return (await listOrganizations(ctx)).map((o) => o.slug);
}

/** Runs `work` for each org a few at a time and concatenates the results in org order. */
export async function forEachOrg<T>(
  orgs: readonly string[],
  work: (org: string) => Promise<T[]>,
): Promise<T[]> {
  const limit = pLimit(ORG_CONCURRENCY);
  const results = await Promise.all(orgs.map((org) => limit(() => work(org))));
  return results.flat();
}

/**
 * What one org's paged listing left out, one line each: pages not read (the page cap, or a
 * cursor Fly repeated) and regions Fly could not reach. Logged, and carried to the view's note
 * through `markIncomplete` so a reader never takes a partial fleet for the whole.
 */
export function pageGaps(ctx: ToolContext, org: string, noun: string, page: Paged<unknown>): string[] {
  const gaps: string[] = [];
  if (page.truncated) gaps.push(`org ${org}: not every page of ${noun} was read`);
  if (page.errorRegions.length > 0)
    gaps.push(`org ${org}: Fly could not list ${noun} in ${page.errorRegions.join(", ")}`);
  for (const gap of gaps) ctx.log.warn(gap);
  return gaps;
}
