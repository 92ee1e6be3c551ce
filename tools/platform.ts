import { z } from "zod";
import { ViewerDocument, type ViewerData } from "../src/fly/graphql-documents.js";
import type { CurrentToken, RegionsResponse } from "../src/fly/schemas.js";
import { defineTool } from "./define-tool.js";
import { listOrganizations } from "./org-scope.js";
import { listView, sortBy } from "./view.js";

export const regionsList = defineTool({
  name: "regions_list",
  command: { verb: "list", noun: "regions" },
  description:
    "List Fly.io regions: code, city, area, whether a paid plan is needed, and which region is nearest.",
  access: "read",
  input: z
    .object({
      include_deprecated: z.boolean().optional().describe("Also list regions Fly is retiring"),
    })
    .strict(),
  async run(ctx, input): Promise<RegionsResponse> {
    const response = await ctx.fly.rest.listRegions(ctx.signal);
    const regions = (response.regions ?? []).filter(
      (r) => input.include_deprecated === true || r.deprecated !== true,
    );
    return { ...response, regions: sortBy(regions, (r) => r.code, "asc") };
  },
  view: (response) =>
    listView(
      (response.regions ?? []).map((r) => ({
        code: r.code,
        name: r.name ?? null,
        area: r.geo_region ?? null,
        paid_only: r.requires_paid_plan ?? null,
        gateway: r.gateway_available ?? null,
      })),
      { noun: "regions", notes: [response.nearest ? `nearest region: ${response.nearest}` : undefined] },
    ),
});

export const orgsList = defineTool({
  name: "orgs_list",
  command: { verb: "list", noun: "orgs" },
  description: "List the organizations the token can see: slug, name, and type (personal or shared).",
  access: "read",
  input: z.object({}).strict(),
  run: (ctx) => listOrganizations(ctx),
  view: (orgs) =>
    listView(
      orgs.map((o) => ({ slug: o.slug, name: o.name, type: o.type })),
      { noun: "organizations" },
    ),
});

export interface WhoamiResult {
  viewer: ViewerData["viewer"] | null;
  tokens: NonNullable<CurrentToken["tokens"]>;
}

export const whoami = defineTool({
  name: "whoami",
  description:
    "Who the configured Fly token belongs to: user email and name, or the organization and apps an org token is limited to.",
  access: "read",
  input: z.object({}).strict(),
  async run(ctx): Promise<WhoamiResult> {
    const [token, viewer] = await Promise.allSettled([
      ctx.fly.rest.currentToken(ctx.signal),
      ctx.fly.graphql.request(ViewerDocument, {}, { signal: ctx.signal }),
    ]);
    // A restricted org token may be refused by GraphQL yet known to REST, or the other way round.
    if (token.status === "rejected" && viewer.status === "rejected") throw token.reason;
    if (token.status === "rejected") ctx.log.debug(`GET /v1/tokens/current failed: ${String(token.reason)}`);
    if (viewer.status === "rejected") ctx.log.debug(`GraphQL Viewer failed: ${String(viewer.reason)}`);
    return {
      viewer: viewer.status === "fulfilled" ? viewer.value.viewer : null,
      tokens: token.status === "fulfilled" ? (token.value.tokens ?? []) : [],
    };
  },
  view: (result) => ({
    kind: result.viewer?.__typename === "Macaroon" ? "org token" : result.viewer ? "user" : "token",
    email: result.viewer?.email ?? null,
    name: result.viewer?.name ?? null,
    orgs: [...new Set(result.tokens.map((t) => t.org_slug).filter(Boolean))].join(" ") || null,
    apps: [...new Set(result.tokens.flatMap((t) => t.apps ?? []))].join(" ") || null,
  }),
});

export const platformTools = [regionsList, orgsList, whoami] as const;
