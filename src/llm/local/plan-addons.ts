import { findNames, findRegions } from "./entities.js";
import { propose, steps } from "./plan-common.js";
import { AnswerNow, needOk, type Reads, type Session } from "./session.js";
import type { Shape } from "./shape.js";
import { recordsOf, type JsonRecord } from "./tool-result.js";

/**
 * Changes to an organization's add-ons: a Managed Postgres cluster created (mpg_create) and an
 * access token revoked (token_revoke). The org is the one named in the request, else the
 * configured org filter, else the only org the token sees; anything else is a question back.
 */

function text(record: JsonRecord, key: string): string {
  const value = record[key];
  return typeof value === "string" ? value : "";
}

const MPG = /\bmanaged\s+postgres(?:ql)?\b|\bmpg\b/i;
// mpg_create's name: lowercase letters, digits and dashes (tools/mpg-writes.ts).
const CLUSTER_NAME = /\b(?:named|called)\s+["'`]?([a-z0-9][a-z0-9-]{0,62})\b/i;
const ORG_NAME = /\b(?:org|organization|organisation)\s+["'`]?([a-z0-9][a-z0-9-]{0,61})/i;

/** The org filter the maker's prompt names ("Organization filter: acme-corp"); "none: …" is no filter. */
function configuredOrg(system: string): string | undefined {
  const slug = /organization filter:[ \t]{0,8}`?([a-z0-9][a-z0-9-]{0,61})/i.exec(system)?.[1]?.toLowerCase();
  return slug && slug !== "none" ? slug : undefined;
}

function* requestOrg(session: Session): Reads<string> {
  const slugs = recordsOf(yield* needOk("orgs_list", {}, "your organizations"))
    .map((r) => text(r, "slug"))
    .filter(Boolean);
  const named = ORG_NAME.exec(session.question)?.[1]?.toLowerCase() ?? findNames(session.question, slugs)[0];
  const chosen = named ?? configuredOrg(session.system) ?? (slugs.length === 1 ? slugs[0] : undefined);
  if (!chosen)
    throw new AnswerNow(`In which organization? Yours: ${slugs.join(", ") || "none"}; say "in org SLUG".`);
  if (!slugs.includes(chosen))
    throw new AnswerNow(`There is no organization ${chosen}. Yours: ${slugs.join(", ") || "none"}.`);
  return chosen;
}

export const createMpg: Shape = {
  id: "plan-mpg-create",
  mode: "plan",
  description: "create a Managed Postgres cluster named X in a region",
  examples: ["create a managed postgres named acme-pg2 in ams"],
  applies: [],
  matches: (q) => /\b(create|make|new|launch|provision)\b/i.test(q) && MPG.test(q),
  *run(session) {
    const q = session.question;
    const name = CLUSTER_NAME.exec(q)?.[1]?.toLowerCase();
    if (!name)
      throw new AnswerNow(
        'What should the cluster be called? e.g. "create a managed postgres named app-db in ams".',
      );
    const [region] = findRegions(q);
    if (!region) throw new AnswerNow(`Which region should ${name} go to? Name one, e.g. "in ams".`);
    const org = yield* requestOrg(session);
    const clusters = recordsOf(yield* needOk("mpg_list", { org }, `the Managed Postgres clusters of ${org}`));
    const same = clusters.find((c) => text(c, "name") === name);
    if (same)
      throw new AnswerNow(
        `${org} already has a Managed Postgres cluster named ${name} (id ${text(same, "id")}, ${text(same, "region")}); there is nothing to plan.`,
      );
    return yield* propose({
      summary: `Create Managed Postgres cluster ${name} in ${org}, ${region}.`,
      steps: steps({
        tool: "mpg_create",
        reason: `Asked for a Managed Postgres cluster named ${name} in ${region}; flyctl's defaults otherwise (plan basic, 10 GB, Postgres 16).`,
        input: { org, name, region },
      }),
      preconditions: [{ tool: "members_list", input: { org }, expect: { exists: true } }],
    });
  },
};

// A token's name as `fly tokens list` shows it (tools/tokens.ts), or its id.
const TOKEN_WORD = /\btoken\s+(?:named\s+|called\s+)?["'`]?([A-Za-z0-9][A-Za-z0-9._:@-]{0,99})/i;

export const revokeToken: Shape = {
  id: "plan-token-revoke",
  mode: "plan",
  description: "revoke an organization's access token by name or id",
  examples: ["revoke token ci-deploy"],
  applies: [],
  matches: (q) => /\b(revoke|delete|remove|invalidate)\b/i.test(q) && /\btokens?\b/i.test(q),
  *run(session) {
    const q = session.question;
    const filter = configuredOrg(session.system);
    const rows = recordsOf(yield* needOk("tokens_list", filter ? { org: filter } : {}, "the access tokens"));
    const byId = findNames(
      q,
      rows.map((r) => text(r, "id")),
    )[0];
    const byName = findNames(
      q,
      rows.map((r) => text(r, "name")),
    )[0];
    const matches = byId
      ? rows.filter((r) => text(r, "id") === byId)
      : rows.filter((r) => text(r, "name") === byName);
    const listed = rows.map((r) => `${text(r, "name")} (${text(r, "org")}, ${text(r, "status")})`).join(", ");
    if (matches.length === 0) {
      const asked = TOKEN_WORD.exec(q)?.[1];
      throw new AnswerNow(
        `${asked ? `There is no token ${asked}` : "Which token? Name it"}${filter ? ` in ${filter}` : ""}. The tokens: ${listed || "none"}.`,
      );
    }
    const live = matches.filter((r) => text(r, "status") !== "revoked");
    const token = live[0];
    if (!token)
      throw new AnswerNow(
        `Token ${text(matches[0] as JsonRecord, "name")} is already revoked; there is nothing to plan.`,
      );
    if (new Set(live.map((r) => text(r, "org"))).size > 1)
      throw new AnswerNow(
        `Several organizations have a token named ${text(token, "name")}: ${live.map((r) => text(r, "org")).join(", ")}; say "in org SLUG".`,
      );
    const org = text(token, "org");
    const name = text(token, "name");
    return yield* propose({
      summary: `Revoke token ${name} of ${org}.`,
      steps: steps({
        tool: "token_revoke",
        reason: `Asked to revoke ${name} (${text(token, "type")}, expires ${text(token, "expires_at")}); whatever uses it loses access at once.`,
        input: { org, name },
      }),
      preconditions: [{ tool: "tokens_list", input: { org, name }, expect: { exists: true } }],
    });
  },
};
