import { z } from "zod";
import { FlyopsError } from "../src/errors.js";
import type { FlyWpSite } from "../src/flywp/schemas.js";
import { defineTool } from "./define-tool.js";
import {
  bodyOf,
  extraFields,
  flywp,
  serverExists,
  serverId,
  siteId,
  UNCONFIRMED,
  FLYWP_NOT_REHEARSABLE,
} from "./flywp-fields.js";
import { hostname } from "./id-fields.js";
import { pick } from "./step-knowledge.js";
import { listView, sortBy } from "./view.js";

// FlyWP's sites: GET/POST /servers/{id}/sites (https://docs-2kj.pages.dev/api/overview).

function siteRow(s: FlyWpSite, server: number) {
  return {
    id: s.id,
    domain: s.domain ?? s.name ?? null,
    server_id: s.server_id ?? server,
    status: s.status ?? null,
    php_version: s.php_version ?? null,
  };
}

export const flywpSitesList = defineTool({
  name: "flywp_sites_list",
  provider: "flywp",
  command: { verb: "list", noun: "sites" },
  description: "List the WordPress sites of one FlyWP server: id, domain, status and PHP version.",
  access: "read",
  input: z.object({ server_id: serverId }).strict(),
  async run(ctx, input): Promise<FlyWpSite[]> {
    return sortBy(await flywp(ctx).listSites(input.server_id, ctx.signal), (s) => s.id, "asc");
  },
  view: (sites, input) =>
    listView(
      sites.map((s) => siteRow(s, input.server_id)),
      { noun: "sites", notes: [`sites of server ${input.server_id}`] },
    ),
});

/** FlyWP has no GET of one site in its published endpoints: it is found among its server's sites. */
export const flywpSitesGet = defineTool({
  name: "flywp_sites_get",
  provider: "flywp",
  description: "Show one site of a FlyWP server, found among the server's sites.",
  access: "read",
  input: z.object({ server_id: serverId, site_id: siteId }).strict(),
  async run(ctx, input): Promise<FlyWpSite> {
    const sites = await flywp(ctx).listSites(input.server_id, ctx.signal);
    const site = sites.find((s) => s.id === input.site_id);
    if (!site)
      throw new FlyopsError(`FlyWP server ${input.server_id} has no site ${input.site_id}`, {
        hint: `\`flyops flywp list sites --server ${input.server_id}\` lists its sites`,
      });
    return site;
  },
  view: (site, input) => siteRow(site, input.server_id),
});

export const flywpSitesCreate = defineTool({
  name: "flywp_sites_create",
  provider: "flywp",
  description: `Create a WordPress site with the given domain on a FlyWP server. ${UNCONFIRMED} (for example the PHP version or a title).`,
  access: "write",
  input: z
    .object({
      server_id: serverId,
      domain: hostname.describe('The site\'s domain, e.g. "blog.example.com"'),
      extra: extraFields,
    })
    .strict(),
  run: (ctx, input): Promise<FlyWpSite> => {
    return flywp(ctx).createSite(input.server_id, bodyOf(input.extra, { domain: input.domain }), ctx.signal);
  },
  view: (site, input) => siteRow(site, input.server_id),
  step: {
    notRehearsable: FLYWP_NOT_REHEARSABLE,
    describe: (input) => `create WordPress site ${input.domain} on FlyWP server ${input.server_id}`,
    effect: (input, result) => ({
      server_id: input.server_id,
      domain: input.domain,
      ...pick(result, { id: "site_id" }),
    }),
    reconcile: {
      kind: "create",
      effectKey: "site_id",
      name: (input) => input.domain,
      async existing(ctx, input) {
        const sites = await flywp(ctx).listSites(input.server_id, ctx.signal);
        return sites
          .filter((s) => (s.domain ?? s.name) === input.domain)
          .map((s) => ({ id: String(s.id), name: s.domain ?? s.name, state: s.status }));
      },
    },
    preconditions: (input) => [serverExists(input.server_id)],
  },
});
