import { findNames } from "./entities.js";
import { appOf, idOf, nameOf, orgOf } from "./fields.js";
import { AnswerNow, needAll, type Outcome, type PlannedCall, type Reads, type Session } from "./session.js";
import { joinWords } from "./shape.js";
import { isRecord, recordsOf, unwrapView, type JsonRecord } from "./tool-result.js";

/** Facts about the fleet that several shapes share, gathered the way a model would gather them. */
export interface AppRecord {
  name: string;
  org: string | undefined;
  record: JsonRecord;
}

export interface Owned {
  app: string;
  record: JsonRecord;
}

export interface Gathered {
  items: Owned[];
  /** How many items the tools reported in all (a view shows at most a page of them). */
  total: number;
  /** Calls that failed, by app ("" for a fleet-wide call), with the tool's error. */
  failures: Array<{ app: string; error: string }>;
  /** Set when a result said it holds only part of the list. */
  partial?: string;
}

/** Beyond this many apps, a per-app question needs the person to name the app. */
export const PER_APP_LIMIT = 25;

export interface AppList {
  apps: AppRecord[];
  total: number;
  /** Set when the result held only part of the apps. */
  partial?: string;
  /** The organization the question is about, when it names one; org-wide listings take it. */
  org?: string;
}

/**
 * The apps of the fleet, or of the organization the question names. An org named as one ("the
 * acme-corp org") is checked against orgs_list, so an unknown one is said, not answered as all
 * orgs; an org slug named bare ("apps in acme-corp") narrows the apps once their orgs are known.
 */
export function* readApps(session: Session, input: Record<string, unknown> = {}): Reads<AppList> {
  const named = session.reading.org;
  const calls: PlannedCall[] = [{ name: "apps_list", input: { ...input, org: named } }];
  if (named) calls.push({ name: "orgs_list", input: {} });
  const [outcome, orgs] = yield* needAll(calls);
  if (named && orgs?.ok) {
    const slugs = recordsOf(orgs.value).flatMap((o) => (typeof o.slug === "string" ? [o.slug] : []));
    if (!slugs.includes(named))
      throw new AnswerNow(
        `There is no organization named ${named}; the token sees ${slugs.length === 0 ? "none" : joinWords(slugs)}.`,
      );
  }
  if (!outcome?.ok)
    throw new AnswerNow(`I could not read the list of apps: ${outcome?.error ?? "no result"}`);
  const records = recordsOf(outcome.value);
  let apps = records
    .map((record) => ({ name: nameOf(record) ?? "", org: orgOf(record), record }))
    .filter((a) => a.name !== "")
    .sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set(apps.map((a) => a.name));
  const bare = named
    ? undefined
    : findNames(
        session.question,
        [...new Set(apps.flatMap((a) => (a.org ? [a.org] : [])))].filter((o) => !names.has(o)),
      )[0];
  if (bare) apps = apps.filter((a) => a.org === bare);
  session.learnNames(apps.map((a) => a.name));
  const { total, partial } = coverage(outcome, records.length);
  const org = named ?? bare;
  return {
    apps,
    total: bare ? apps.length : total,
    ...(partial ? { partial } : {}),
    ...(org ? { org } : {}),
  };
}

/**
 * Apps named in the question (matched against the real app names), else the default app
 * (--app, FLY_APP, fly.toml) that the system prompt names, as the ask prompt tells a model to do.
 */
export function mentionedApps(session: Session, apps: readonly AppRecord[]): string[] {
  const named = findNames(
    session.question,
    apps.map((a) => a.name),
  );
  if (named.length > 0) return named;
  const fallback = defaultApp(session.system);
  return fallback && apps.some((a) => a.name === fallback) ? [fallback] : [];
}

/** The apps a per-app question (secrets, IPs) is about: named, else the default app, else all of them. */
export function appsForQuestion(session: Session, list: AppList, what: string): string[] {
  const named = mentionedApps(session, list.apps);
  if (named.length > 0) return named;
  const apps = list.apps;
  // "The app" with no app named and no default app: which one is not for the model to pick.
  if (/\b(the|this|my|our)\s+app\b/i.test(session.question))
    throw new AnswerNow(
      `Which app? Name it in the question (e.g. "what ${what} does ${apps[0]?.name ?? "my-app"} have?") or pass --app.`,
    );
  if (apps.length === 0)
    throw new AnswerNow(
      `You have no apps${list.org ? ` in ${list.org}` : ""}, so there are no ${what} to show.`,
    );
  if (list.total > PER_APP_LIMIT) {
    throw new AnswerNow(
      `You have ${list.total} apps; name the one whose ${what} you want, e.g. "what ${what} does ${apps[0]?.name ?? "my-app"} have?".`,
    );
  }
  return apps.map((a) => a.name);
}

/**
 * The default app the ask loop put in the system prompt ("Default app: my-app"), when it did. The
 * words between "default app" and its colon are bounded: unbounded, each mention re-read the rest
 * of its line.
 */
export function defaultApp(system: string): string | undefined {
  const m = /default app(?:lication)?\b[^\n:]{0,40}?(?::|\bis\b)\s*[`"']?([a-z0-9][a-z0-9-]*)/i.exec(system);
  const name = m?.[1]?.toLowerCase();
  return name && !["none", "not", "unset", "no", "n"].includes(name) ? name : undefined;
}

export interface MachineQuery {
  state?: readonly string[];
  region?: string;
  sort?: "memory" | "cpu" | "created";
  order?: "asc" | "desc";
  /** Only for the fleet-wide listing: the org the question names. */
  org?: string;
}

/**
 * The calls that list machines: one org_machines_list for the whole fleet (or one org of it),
 * else machines_list for each app named.
 */
function machineCalls(
  apps: readonly string[],
  query: MachineQuery,
  fleetWide: boolean,
): Array<PlannedCall & { app: string }> {
  const { org, ...filters } = query;
  if (fleetWide) return [{ name: "org_machines_list", input: { org, ...filters }, app: "" }];
  return apps.map((app) => ({ name: "machines_list", input: { app, ...filters }, app }));
}

/** Machines of the named apps or of the whole fleet, all in the same turn. */
export function* machinesOf(
  apps: readonly string[],
  query: MachineQuery,
  fleetWide: boolean,
): Reads<Gathered> {
  const calls = machineCalls(apps, query, fleetWide);
  return yield* gather(
    calls.map((c) => c.app),
    calls,
  );
}

export interface OwnerLookup {
  tool: "machines_get" | "volumes_get";
  field: "machine_id" | "volume_id";
  noun: string;
}

/**
 * The app that holds a machine or volume id. When the listing showed only a page of the fleet,
 * each app is asked with a get (the others answer not found), if there are few enough apps.
 */
export function* ownerOf(
  listing: Gathered,
  apps: readonly string[],
  id: string,
  lookup: OwnerLookup,
): Reads<string | undefined> {
  const listed = listing.items.find(({ record }) => idOf(record)?.toLowerCase() === id);
  if (listed) return listed.app;
  if (!listing.partial) return undefined;
  if (apps.length > PER_APP_LIMIT) {
    throw new AnswerNow(
      `${lookup.noun} ${id} is not among the first ${listing.items.length} of ${listing.total} ${lookup.noun}s listed; name its app, e.g. "${id} of my-app".`,
    );
  }
  const outcomes = yield* needAll(
    apps.map((app) => ({ name: lookup.tool, input: { app, [lookup.field]: id } })),
  );
  const index = outcomes.findIndex((o) => o.ok);
  return index >= 0 ? apps[index] : undefined;
}

/** Volumes of the named apps, or one org_volumes_list for the whole fleet (or one org of it). */
export function* volumesOf(
  apps: readonly string[],
  fleetWide: boolean,
  input: Record<string, unknown> = {},
  org?: string,
): Reads<Gathered> {
  return fleetWide
    ? yield* gather([""], [{ name: "org_volumes_list", input: { org, ...input } }])
    : yield* perApp("volumes_list", apps, input);
}

export function* perApp(
  tool: string,
  apps: readonly string[],
  input: Record<string, unknown> = {},
): Reads<Gathered> {
  return yield* gather(
    apps,
    apps.map((app) => ({ name: tool, input: { app, ...input } })),
  );
}

export function* gather(apps: readonly string[], calls: readonly PlannedCall[]): Reads<Gathered> {
  const outcomes = yield* needAll(calls);
  const gathered: Gathered = { items: [], total: 0, failures: [] };
  outcomes.forEach((outcome, i) => {
    const app = apps[i] ?? "";
    if (!outcome.ok) {
      gathered.failures.push({ app, error: outcome.error });
      return;
    }
    const records = recordsOf(outcome.value);
    for (const record of records) gathered.items.push({ app: appOf(record) ?? app, record });
    const { total, partial } = coverage(outcome, records.length);
    gathered.total += total;
    if (partial) gathered.partial = app ? `${app}: ${partial}` : partial;
  });
  return gathered;
}

/** Keeps the items that pass, and counts them as the total when the listing was whole. */
export function keep(gathered: Gathered, pass: (item: Owned) => boolean): Gathered {
  const items = gathered.items.filter(pass);
  return { ...gathered, items, total: gathered.partial ? gathered.total : items.length };
}

/**
 * How many items a list result stands for, and whether it shows them all: a view reports its
 * `total` above the rows it shows; the ask loop's size cap says "Showing the first N of M items".
 */
export function coverage(
  outcome: Extract<Outcome, { ok: true }>,
  shown: number,
): { total: number; partial?: string } {
  const view = unwrapView(outcome.value);
  const viewTotal = isRecord(view) && typeof view.total === "number" ? view.total : undefined;
  const capped = /Showing the first (\d+) of (\d+) items/.exec(outcome.text);
  const total = viewTotal ?? (capped?.[2] ? Number.parseInt(capped[2], 10) : shown);
  if (total > shown) return { total, partial: `the tool returned ${shown} of ${total}` };
  if (/not present the shown items as the complete list|result was cut/i.test(outcome.text)) {
    return { total, partial: `the tool result was cut short after ${shown} items` };
  }
  return { total };
}

/** Closing lines about calls that failed or came back partial, so an answer never hides a gap. */
export function gapNote(gathered: Gathered, what: string): string[] {
  const out: string[] = [];
  const failures = gathered.failures;
  if (failures.length > 0) {
    out.push(
      "",
      `I could not read all ${what}:`,
      ...failures.map((f) => `- ${f.app || "fleet-wide listing"}: ${f.error}`),
    );
  }
  if (gathered.partial)
    out.push(
      "",
      `Note: this covers only part of the ${what} (${gathered.partial}); name an app or a region to narrow it.`,
    );
  return out;
}
