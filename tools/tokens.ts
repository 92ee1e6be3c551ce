import { z } from "zod";
import { FlyopsError } from "../src/errors.js";
import {
  OrganizationTokensDocument,
  RevokeTokenDocument,
  type TokenNode,
} from "../src/fly/graphql-documents-addons.js";
import { defineTool, nowOf, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { forEachOrg, orgsInScope } from "./org-scope.js";
import { orgNotFound } from "./org-graphql.js";
import { verdict, outsideSnapshot } from "./step-knowledge.js";
import { listView, sortBy } from "./view.js";

const NOT_REHEARSABLE = outsideSnapshot("the organization's tokens");

/**
 * An organization's limited access tokens (fly-go resource_tokens.go GetOrgLimitedAccessTokens
 * and RevokeLimitedAccessToken; `fly tokens list` shows the same columns). A token's value is
 * never asked for. Fly's schema records no last use of a token, so none is shown. Creating a
 * token is no tool: a plan that would print a credential never runs.
 */

const tokenName = z
  .string()
  .min(1)
  .max(100)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._:@-]{0,99}$/,
    'expected a token name as `fly tokens list` shows it, e.g. "ci-deploy"',
  )
  .describe('Token name, e.g. "ci-deploy"');

export interface TokenRow {
  org: string;
  id: string;
  name: string;
  type: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** Expired or revoked when the list was read. */
  active: boolean;
}

async function orgTokens(ctx: ToolContext, slug: string): Promise<TokenNode[]> {
  let found = false;
  const nodes = await ctx.fly.graphql.paginate(
    OrganizationTokensDocument,
    { slug },
    (data) => {
      found = data.organization !== null;
      return data.organization?.limitedAccessTokens;
    },
    { signal: ctx.signal },
  );
  if (!found) throw orgNotFound(slug);
  return nodes;
}

export const tokensList = defineTool({
  name: "tokens_list",
  command: { verb: "list", noun: "tokens" },
  description:
    "List an organization's access tokens (or every org's): name, type (deploy, org, readonly, …), who created it, when, when it expires, whether it is revoked or expired. Never a token value; Fly does not report when a token was last used.",
  access: "read",
  input: z.object({ org: f.org.optional(), name: tokenName.optional() }).strict(),
  async run(ctx, input): Promise<TokenRow[]> {
    const now = nowOf(ctx);
    const orgs = await orgsInScope(ctx, input.org);
    const rows = await forEachOrg(orgs, async (org) =>
      (await orgTokens(ctx, org)).map((t) => ({
        org,
        id: t.id,
        name: t.name,
        type: t.profile,
        created_by: t.user.email,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        revoked_at: t.revokedAt,
        active: t.revokedAt === null && Date.parse(t.expiresAt) > now,
      })),
    );
    return sortBy(
      rows.filter((r) => input.name === undefined || r.name === input.name),
      (r) => r.expires_at,
      "asc",
    );
  },
  view: (rows) =>
    listView(
      rows.map((r) => ({
        org: r.org,
        id: r.id,
        name: r.name,
        type: r.type,
        created_by: r.created_by,
        expires_at: r.expires_at,
        status: r.revoked_at ? "revoked" : r.active ? "active" : "expired",
      })),
      {
        noun: "tokens",
        notes: ["token values are never shown; Fly does not report when a token was last used"],
      },
    ),
});

export const tokenRevoke = defineTool({
  name: "token_revoke",
  description:
    "Revoke an organization's access token by name: anything using it loses access at once. Irreversible.",
  access: "destructive",
  input: z.object({ org: f.org, name: tokenName }).strict(),
  async run(ctx, input) {
    const matches = (await orgTokens(ctx, input.org)).filter(
      (t) => t.name === input.name && t.revokedAt === null,
    );
    const [token, other] = matches;
    if (!token) throw new FlyopsError(`${input.org} has no unrevoked token named ${input.name}`);
    if (other)
      throw new FlyopsError(`${input.org} has ${matches.length} tokens named ${input.name}`, {
        hint: "revoke them with `fly tokens revoke ID`, naming each id from `fly tokens list`",
      });
    await ctx.fly.graphql.request(RevokeTokenDocument, { id: token.id }, { signal: ctx.signal });
    return { org: input.org, name: input.name, token_id: token.id, revoked: true };
  },
  view: (result) => result,
  step: {
    notRehearsable: NOT_REHEARSABLE,
    describe: (i) => `REVOKE token ${i.name} of ${i.org} (whatever uses it loses access)`,
    effect: (input, result) => ({ org: input.org, name: input.name, token_id: result.token_id }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const live = (await orgTokens(ctx, input.org)).filter(
          (t) => t.name === input.name && t.revokedAt === null,
        );
        return verdict(live.length === 0, "the token is revoked", "the token is still active; revoking now");
      },
    },
    preconditions: (input) => [
      { tool: "tokens_list", input: { org: input.org, name: input.name }, expect: { exists: true } },
    ],
  },
});

export const tokenTools = [tokensList, tokenRevoke] as const;
