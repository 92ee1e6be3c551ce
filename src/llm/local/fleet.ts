import { findNames } from "./entities.js";
import { appOf, idOf, nameOf, orgOf, regionOf, stateOf } from "./fields.js";
import { AnswerNow, type Outcome, type PlannedCall, type Session } from "./session.js";
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
const PER_APP_LIMIT = 25;

export interface AppList {
  apps: AppRecord[];
  total: number;
  /** Set when the result held only part of the apps. */
  partial?: string;
}

export function readApps(session: Session, input: Record<string, unknown> = {}): AppList {
  const outcome = session.need("apps_list", input);
  if (!outcome.ok) throw new AnswerNow(`I could not read the list of apps: ${outcome.error}`);
  const records = recordsOf(outcome.value);
  const apps = records
    .map((record) => ({ name: nameOf(record) ?? "", org: orgOf(record), record }))
    .filter((a) => a.name !== "")
    .sort((a, b) => a.name.localeCompare(b.name));
  session.learnNames(apps.map((a) => a.name));
  const { total, partial } = coverage(outcome, records.length);
  return partial ? { apps, total, partial } : { apps, total };
}

export function listApps(session: Session, input: Record<string, unknown> = {}): AppRecord[] {
  return readApps(session, input).apps;
}

/**
 * Apps named in the question (matched against the real app names), else the default app
 * (--app, FLY_APP, fly.toml) that the system prompt names, as the ask prompt tells a model to do.
 */
export function mentionedApps(
  session: Session,
  apps: readonly AppRecord[],
  text = session.question,
): string[] {
  const named = findNames(
    text,
    apps.map((a) => a.name),
  );
  if (named.length > 0) return named;
  const fallback = defaultApp(session.conversation.system);
  return fallback && apps.some((a) => a.name === fallback) ? [fallback] : [];
}

/** The apps a per-app question (secrets, IPs) is about: named, else the default app, else all of them. */
export function appsForQuestion(session: Session, list: AppList, what: string): string[] {
  const apps = list.apps;
  const named = findNames(
    session.question,
    apps.map((a) => a.name),
  );
  if (named.length > 0) return named;
  const fallback = defaultApp(session.conversation.system);
  if (fallback && apps.some((a) => a.name === fallback)) return [fallback];
  if (apps.length === 0) throw new AnswerNow(`You have no apps, so there are no ${what} to show.`);
  if (list.total > PER_APP_LIMIT) {
    throw new AnswerNow(
      `You have ${list.total} apps; name the one whose ${what} you want, e.g. "what ${what} does ${apps[0]?.name ?? "my-app"} have?".`,
    );
  }
  return apps.map((a) => a.name);
}

/** The default app the ask loop put in the system prompt ("Default app: my-app"), when it did. */
export function defaultApp(system: string): string | undefined {
  const m = /default app(?:lication)?\b[^\n:]*?(?::|\bis\b)\s*[`"']?([a-z0-9][a-z0-9-]*)/i.exec(system);
  const name = m?.[1]?.toLowerCase();
  return name && !["none", "not", "unset", "no", "n"].includes(name) ? name : undefined;
}

export interface MachineQuery {
  /** One state, or several: tools that take a list get them all, the rest are filtered here. */
  state?: string | string[];
  region?: string;
  sort?: string;
  order?: string;
  limit?: number;
}

/**
 * The calls that list machines of the named apps (one each), or of the whole fleet: one
 * org_machines_list call when that tool is offered, else machines_list for every app.
 */
export function machineCalls(
  session: Session,
  apps: readonly string[],
  query: MachineQuery,
  fleetWide: boolean,
): Array<PlannedCall & { app: string }> {
  const input = { state: query.state, region: query.region, sort: query.sort, order: query.order };
  if (fleetWide && session.canCall("org_machines_list", input))
    return [{ name: "org_machines_list", input, app: "" }];
  return apps.map((app) => ({ name: "machines_list", input: { app, ...input }, app }));
}

/** Machines of the named apps or of the whole fleet, all in the same turn, filtered here too. */
export function machinesOf(
  session: Session,
  apps: readonly string[],
  query: MachineQuery,
  fleetWide: boolean,
): Gathered {
  const calls = machineCalls(session, apps, query, fleetWide);
  const gathered = gather(
    session,
    calls.map((c) => c.app),
    calls,
  );
  gathered.items = gathered.items.filter(
    ({ record }) =>
      (query.state === undefined || [query.state].flat().includes(stateOf(record) ?? "")) &&
      (!query.region || regionOf(record) === query.region),
  );
  return gathered;
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
export function ownerOf(
  session: Session,
  listing: Gathered,
  apps: readonly string[],
  id: string,
  lookup: OwnerLookup,
): string | undefined {
  const listed = listing.items.find(({ record }) => idOf(record)?.toLowerCase() === id);
  if (listed) return listed.app;
  if (!listing.partial) return undefined;
  if (apps.length > PER_APP_LIMIT || !session.has(lookup.tool)) {
    throw new AnswerNow(
      `${lookup.noun} ${id} is not among the first ${listing.items.length} of ${listing.total} ${lookup.noun}s listed; name its app, e.g. "${id} of my-app".`,
    );
  }
  const outcomes = session.needAll(
    apps.map((app) => ({ name: lookup.tool, input: { app, [lookup.field]: id } })),
  );
  const index = outcomes.findIndex((o) => o.ok);
  return index >= 0 ? apps[index] : undefined;
}

export function volumesOf(
  session: Session,
  apps: readonly string[],
  fleetWide: boolean,
  input: Record<string, unknown> = {},
): Gathered {
  return fleetWide && session.canCall("org_volumes_list", input)
    ? gather(session, [""], [{ name: "org_volumes_list", input }])
    : perApp(session, "volumes_list", apps, input);
}

export function perApp(
  session: Session,
  tool: string,
  apps: readonly string[],
  input: Record<string, unknown> = {},
): Gathered {
  return gather(
    session,
    apps,
    apps.map((app) => ({ name: tool, input: { app, ...input } })),
  );
}

export function gather(session: Session, apps: readonly string[], calls: PlannedCall[]): Gathered {
  const outcomes = session.needAll(calls);
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
