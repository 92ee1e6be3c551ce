import { findNames } from "./entities.js";
import { AnswerNow, needAll, needOk } from "./session.js";
import { CannotAnswer, lines, plural, type Shape } from "./shape.js";
import { todayOf, windowText, type TimeWindow } from "./time-window.js";
import { recordsOf, type JsonRecord } from "./tool-result.js";

/**
 * Databases (unmanaged and Managed Postgres, Redis), organization members and access tokens,
 * answered from postgres_list, mpg_list, redis_list, members_list and tokens_list.
 */

function str(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value !== "" ? value : undefined;
}

// Whole words only: "acme-db" is an app, not a question about databases.
const DATABASE = /(?<![\w-])(databases?|dbs?|postgres(?:ql)?|pg|mpg|redis)(?![\w-])/i;
const HEALTH = /\b(health\w*|ok|okay|fine|working|up|problems?|issues?|status)\b/i;
const POSTGRES_ONLY = /\b(postgres(?:ql)?|pg|mpg)\b/i;

/** The org a question narrows to: named as one ("the acme-corp org"), or a bare known slug. */
function orgIn(question: string, named: string | undefined, known: readonly string[]): string | undefined {
  return named ?? findNames(question, known)[0];
}

function* databaseReads(org: string | undefined, withRedis: boolean) {
  const input = org ? { org } : {};
  const calls = [
    { name: "postgres_list", input },
    { name: "mpg_list", input },
    ...(withRedis ? [{ name: "redis_list", input }] : []),
  ];
  const outcomes = yield* needAll(calls);
  return calls.map((call, i) => {
    const outcome = outcomes[i];
    if (!outcome?.ok) throw new AnswerNow(`I could not read ${call.name}: ${outcome?.error ?? "no result"}`);
    return recordsOf(outcome.value);
  });
}

const flexLine = (c: JsonRecord): string =>
  `- ${str(c, "app") ?? "?"}: Fly Postgres (${str(c, "kind") ?? "postgres"} ${str(c, "version") ?? ""}`.trimEnd() +
  `) in ${str(c, "org") ?? "?"}, ${str(c, "regions") ?? "?"}, leader ${str(c, "leader") ?? "none"}, ${plural(Number(c.members ?? 0), "member")}`;
const mpgLine = (c: JsonRecord): string =>
  `- ${str(c, "name") ?? "?"}: Managed Postgres (id ${str(c, "id") ?? "?"}) in ${str(c, "org") ?? "?"}, ${str(c, "region") ?? "?"}, plan ${str(c, "plan") ?? "?"}, ${str(c, "status") ?? "status unknown"}`;
const redisLine = (r: JsonRecord): string =>
  `- ${str(r, "name") ?? "?"}: Upstash Redis in ${str(r, "org") ?? "?"}, ${str(r, "region") ?? "?"}, ${str(r, "plan") ?? "?"}, ${str(r, "status") ?? "status unknown"}`;

export const databases: Shape = {
  id: "databases",
  mode: "ask",
  description: "which databases run (Fly Postgres, Managed Postgres, Redis) and whether Postgres is healthy",
  examples: ["which databases do I have?", "is my Postgres healthy?"],
  applies: ["org"],
  matches: (q) => DATABASE.test(q),
  *run(session) {
    const health = HEALTH.test(session.question);
    const [flex = [], managed = [], redis = []] = yield* databaseReads(
      session.reading.org,
      !health && !POSTGRES_ONLY.test(session.question),
    );
    const scope = session.reading.org ? ` in ${session.reading.org}` : "";
    if (health) {
      if (flex.length + managed.length === 0) return `No Postgres cluster runs${scope}.`;
      const sick =
        flex.filter((c) => c.healthy !== true).length +
        managed.filter((c) => str(c, "status") !== "ready").length;
      return lines(
        sick === 0
          ? `Every Postgres cluster${scope} is healthy.`
          : `${plural(sick, "Postgres cluster")} of ${flex.length + managed.length}${scope} ${sick === 1 ? "is" : "are"} not healthy:`,
        flex.map(
          (c) =>
            `- ${str(c, "app") ?? "?"} (Fly Postgres): ${c.healthy === true ? `healthy, leader ${str(c, "leader") ?? "?"}` : `not healthy: ${str(c, "problems") ?? "no reason given"}`}`,
        ),
        managed.map(
          (c) =>
            `- ${str(c, "name") ?? "?"} (Managed Postgres): ${str(c, "status") === "ready" ? "ready" : `status ${str(c, "status") ?? "unknown"}`}`,
        ),
      );
    }
    const total = flex.length + managed.length + redis.length;
    if (total === 0) return `No databases run${scope}.`;
    return lines(
      `${plural(total, "database")}${scope}:`,
      flex.map(flexLine),
      managed.map(mpgLine),
      redis.map(redisLine),
    );
  },
};

const MEMBERS =
  /\b(members?|people|team(?:mates)?|admins?|who(?:'s| is| are)? in|who (?:has|have|can) access)\b/i;

export const members: Shape = {
  id: "members",
  mode: "ask",
  description: "who is in an organization, with their roles",
  examples: ["who is in the acme-corp org?", "who are the members of acme-corp?"],
  applies: ["org"],
  matches: (q) => MEMBERS.test(q) && !/\b(apps?|machines?|volumes?)\b/i.test(q),
  *run(session) {
    const rows = recordsOf(yield* needOk("members_list", {}, "the organizations' members"));
    const orgs = [...new Set(rows.map((r) => str(r, "org") ?? ""))];
    const org = orgIn(session.question, session.reading.org, orgs);
    if (session.reading.org && !orgs.includes(session.reading.org))
      throw new CannotAnswer(
        `there is no organization ${session.reading.org}; the token sees ${orgs.join(", ") || "none"}`,
      );
    const shown = org ? rows.filter((r) => str(r, "org") === org) : rows;
    const admins = /\badmins?\b/i.test(session.question);
    const picked = admins ? shown.filter((r) => str(r, "role") === "admin") : shown;
    const groups = org ? [org] : orgs;
    return lines(
      ...groups.map((slug) => {
        const people = picked.filter((r) => str(r, "org") === slug);
        return lines(
          `${slug}: ${plural(people.length, admins ? "admin" : "member")}`,
          people.map(
            (r) => `- ${str(r, "name") ?? "?"} <${str(r, "email") ?? "?"}>, ${str(r, "role") ?? "?"}`,
          ),
          "",
        );
      }),
    );
  },
};

/** The window's end for an expiry: a "this week/month/year" window ends with that period. */
function expiryWindow(window: TimeWindow, today: string | undefined): TimeWindow {
  const unit = /\bthis\s+(week|month|year)\b/i.exec(window.phrase)?.[1]?.toLowerCase();
  const start = new Date(`${window.since}T00:00:00Z`);
  if (unit === "month") start.setUTCMonth(start.getUTCMonth() + 1);
  else if (unit === "year") start.setUTCFullYear(start.getUTCFullYear() + 1);
  else if (unit === "week") start.setUTCDate(start.getUTCDate() + 7);
  else if (today) return { ...window, until: window.until ?? today };
  return { ...window, until: start.toISOString().slice(0, 10) };
}

/**
 * An expiry window ahead that the common reading has no words for: "next month" and "next year"
 * are whole calendar periods; other future phrases ("next week", "soon", "in the next 10 days")
 * are refused rather than answered with every token.
 */
function futureWindow(question: string, today: string | undefined): TimeWindow | undefined {
  const phrase = /\bnext\s+(month|year)\b/i.exec(question);
  if (phrase && today) {
    const yearly = phrase[1]?.toLowerCase() === "year";
    const [year, month] = today.split("-").map(Number) as [number, number];
    const first = (y: number, m: number): string => new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    return yearly
      ? { since: first(year + 1, 0), until: first(year + 2, 0), phrase: phrase[0] }
      : { since: first(year, month), until: first(year, month + 1), phrase: phrase[0] };
  }
  if (/\b(next\s+(?:\d{1,3}\s+)?(?:days?|weeks?|months?|years?)|soon|upcoming|coming)\b/i.test(question))
    throw new CannotAnswer(
      'I read an expiry window of "this week", "this month", "this year", "next month" or "next year"; name one of those',
    );
  return undefined;
}

export const tokens: Shape = {
  id: "tokens",
  mode: "ask",
  description: "which access tokens exist, their type, creator and expiry, or which expire in a time window",
  examples: ["which tokens exist and when do they expire?", "which tokens expire this month?"],
  applies: ["org", "window", "when"],
  // "What's my fly token?" asks for a value (refused elsewhere), not for the org's tokens.
  matches: (q) => /(?<![\w-])tokens(?![\w-])|\btoken\s+expir/i.test(q),
  *run(session) {
    const found = session.reading.window;
    if (found && "problem" in found) throw new CannotAnswer(found.problem);
    const org = session.reading.org;
    const rows = recordsOf(yield* needOk("tokens_list", org ? { org } : {}, "the access tokens"));
    const line = (r: JsonRecord): string =>
      `- ${str(r, "name") ?? "?"} (${str(r, "type") ?? "?"}, ${str(r, "org") ?? "?"}, by ${str(r, "created_by") ?? "?"}): ${str(r, "status") === "revoked" ? "revoked" : `${str(r, "status") === "expired" ? "expired" : "expires"} ${str(r, "expires_at") ?? "?"}`}`;
    const note = "Token values are never shown; Fly does not report when a token was last used.";
    const scope = org ? ` in ${org}` : "";
    const ahead = found ? undefined : futureWindow(session.question, todayOf(session.system));
    if (ahead || (found && "window" in found)) {
      const window = ahead ?? expiryWindow((found as { window: TimeWindow }).window, todayOf(session.system));
      const day = (r: JsonRecord): string => (str(r, "expires_at") ?? "").slice(0, 10);
      const inside = rows.filter(
        (r) =>
          str(r, "status") !== "revoked" &&
          day(r) >= window.since &&
          (window.until === undefined || day(r) < window.until),
      );
      if (inside.length === 0) return lines(`No token${scope} expires ${windowText(window)}.`, note);
      return lines(
        `${plural(inside.length, "token")}${scope} ${inside.length === 1 ? "expires" : "expire"} ${windowText(window)}:`,
        inside.map(line),
        note,
      );
    }
    if (rows.length === 0) return lines(`No access tokens${scope}.`, note);
    return lines(`${plural(rows.length, "access token")}${scope}:`, rows.map(line), note);
  },
};

export const ADDON_SHAPES: readonly Shape[] = [tokens, members, databases];
