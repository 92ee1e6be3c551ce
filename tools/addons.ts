import { z } from "zod";
import { FlyopsError } from "../src/errors.js";
import {
  CreateAddOnDocument,
  DeleteAddOnDocument,
  OrganizationAddOnsDocument,
  type AddOnNode,
} from "../src/fly/graphql-documents-addons.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { forEachOrg, orgsInScope } from "./org-scope.js";
import { orgVisible } from "./members.js";
import { organizationDetails, orgNotFound } from "./org-graphql.js";
import { verdict, outsideSnapshot } from "./step-knowledge.js";
import { listView, sortBy } from "./view.js";

const NOT_REHEARSABLE = outsideSnapshot("an add-on of the organization");

/**
 * An organization's add-ons (Upstash Redis, Tigris storage, and extensions such as Sentry),
 * read with `organization.addOns(type: AddOnType)` as flyctl's ListOrganizationAddOns does
 * (gql/genqclient.graphql) and changed with its CreateAddOn and DeleteAddOn. The AddOnType enum
 * is Fly's (spec/fly/fly-schema.graphql); fields that carry credentials (publicUrl, password,
 * environment) are never asked for.
 */

/** The AddOnType values flyops creates: `fly redis create` and `fly storage create`. */
const CREATABLE = ["upstash_redis", "tigris"] as const;
/** Add-on types that are not extensions: Redis, and Tigris storage. */
const NOT_EXTENSIONS = new Set(["upstash_redis", "redis", "tigris"]);

const addOnName = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    'expected an add-on name: lowercase letters, digits and dashes, e.g. "acme-cache"',
  )
  .describe('Add-on name, e.g. "acme-cache"');

export interface AddOnRow {
  org: string;
  id: string;
  name: string;
  type: string;
  plan: string | null;
  region: string | null;
  read_regions: string[];
  status: string | null;
  created_at: string;
  error: string | null;
}

async function orgAddOns(ctx: ToolContext, slug: string, type: string | undefined): Promise<AddOnNode[]> {
  let found = false;
  const nodes = await ctx.fly.graphql.paginate(
    OrganizationAddOnsDocument,
    { slug, type: type ?? null },
    (data) => {
      found = data.organization !== null;
      return data.organization?.addOns;
    },
    { signal: ctx.signal },
  );
  if (!found) throw orgNotFound(slug);
  return nodes;
}

async function listAddOns(
  ctx: ToolContext,
  org: string | undefined,
  type: string | undefined,
  keep: (row: AddOnRow) => boolean,
): Promise<AddOnRow[]> {
  const orgs = await orgsInScope(ctx, org);
  const rows = await forEachOrg(orgs, async (slug) =>
    (await orgAddOns(ctx, slug, type)).map((a) => ({
      org: slug,
      id: a.id,
      name: a.name ?? a.id,
      type: a.addOnProvider?.name ?? type ?? "unknown",
      plan: a.addOnPlan?.displayName ?? null,
      region: a.primaryRegion,
      read_regions: a.readRegions ?? [],
      status: a.status,
      created_at: a.createdAt,
      error: a.errorMessage,
    })),
  );
  return sortBy(rows.filter(keep), (r) => r.name, "asc");
}

const addOnView = (noun: string) => (rows: AddOnRow[]) =>
  listView(
    rows.map((r) => ({
      org: r.org,
      name: r.name,
      type: r.type,
      plan: r.plan,
      region: r.region,
      status: r.status,
      error: r.error,
    })),
    { noun, notes: ["connection URLs and passwords are never shown"] },
  );

const orgOnly = z.object({ org: f.org.optional(), name: addOnName.optional() }).strict();

export const redisList = defineTool({
  name: "redis_list",
  command: { verb: "list", noun: "redis" },
  description: "List Upstash Redis databases of an org (or every org): name, plan, primary region, status.",
  access: "read",
  input: orgOnly,
  run: (ctx, input) =>
    listAddOns(ctx, input.org, "upstash_redis", (r) => !input.name || r.name === input.name),
  view: addOnView("Redis databases"),
});

export const tigrisList = defineTool({
  name: "tigris_list",
  command: { verb: "list", noun: "tigris" },
  description: "List Tigris object storage buckets of an org (or every org): name, plan, region, status.",
  access: "read",
  input: orgOnly,
  run: (ctx, input) => listAddOns(ctx, input.org, "tigris", (r) => !input.name || r.name === input.name),
  view: addOnView("Tigris buckets"),
});

export const extensionsList = defineTool({
  name: "extensions_list",
  command: { verb: "list", noun: "extensions" },
  description:
    "List the extensions of an org (or every org): third-party add-ons such as Sentry, Arcjet, Supabase or Kubernetes, with type, plan, region and status. Redis and Tigris have their own listings.",
  access: "read",
  input: orgOnly,
  run: (ctx, input) =>
    listAddOns(
      ctx,
      input.org,
      undefined,
      (r) => !NOT_EXTENSIONS.has(r.type) && (!input.name || r.name === input.name),
    ),
  view: addOnView("extensions"),
});

const LISTER: Record<(typeof CREATABLE)[number], string> = {
  upstash_redis: "redis_list",
  tigris: "tigris_list",
};

export const addonCreate = defineTool({
  name: "addon_create",
  description:
    'Create an Upstash Redis database (type "upstash_redis") or a Tigris storage bucket (type "tigris") in an org. Its connection URL goes to no output.',
  access: "write",
  input: z
    .object({
      org: f.org,
      type: z.enum(CREATABLE).describe('"upstash_redis" or "tigris"'),
      name: addOnName,
      region: f.region,
    })
    .strict(),
  async run(ctx, input) {
    const { org } = await organizationDetails(ctx, input.org);
    const data = await ctx.fly.graphql.request(
      CreateAddOnDocument,
      { organizationId: org.id, name: input.name, type: input.type, primaryRegion: input.region },
      { signal: ctx.signal },
    );
    const addOn = data.createAddOn?.addOn;
    if (!addOn) throw new FlyopsError(`Fly created no add-on named ${input.name}`);
    return {
      id: addOn.id,
      name: addOn.name ?? input.name,
      type: input.type,
      region: addOn.primaryRegion,
      status: addOn.status,
    };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) =>
      `create ${i.type === "tigris" ? "Tigris bucket" : "Upstash Redis database"} ${i.name} in ${i.org}, ${i.region}`,
    effect: (input, result) => ({ org: input.org, name: input.name, type: input.type, addon_id: result.id }),
    reconcile: {
      kind: "create",
      effectKey: "addon_id",
      existing: async (ctx, input) =>
        (await listAddOns(ctx, input.org, input.type, () => true)).map((a) => ({
          id: a.id,
          name: a.name,
          state: a.status,
        })),
      name: (input) => input.name,
    },
    preconditions: (input) => [orgVisible(input.org)],
  },
});

export const addonDestroy = defineTool({
  name: "addon_destroy",
  description: "Destroy an Upstash Redis database or a Tigris bucket by name, with its data. Irreversible.",
  access: "destructive",
  input: z
    .object({ org: f.org, type: z.enum(CREATABLE).describe('"upstash_redis" or "tigris"'), name: addOnName })
    .strict(),
  async run(ctx, input) {
    const data = await ctx.fly.graphql.request(
      DeleteAddOnDocument,
      { name: input.name },
      { signal: ctx.signal },
    );
    return { name: data.deleteAddOn?.deletedAddOnName ?? input.name, type: input.type, destroyed: true };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) =>
      `DESTROY ${i.type === "tigris" ? "Tigris bucket" : "Upstash Redis database"} ${i.name} of ${i.org} with its data`,
    effect: (input) => ({ org: input.org, name: input.name, type: input.type }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const still = (await listAddOns(ctx, input.org, input.type, (r) => r.name === input.name)).length > 0;
        return verdict(!still, "the add-on is gone", "the add-on still exists; destroying it now");
      },
    },
    preconditions: (input) => [
      { tool: LISTER[input.type], input: { org: input.org, name: input.name }, expect: { exists: true } },
    ],
  },
});

export const addonTools = [redisList, tigrisList, extensionsList, addonCreate, addonDestroy] as const;
