import { findNames } from "./entities.js";
import { appOf, nameOf, orgOf, regionOf, stateOf } from "./fields.js";
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
  /** Calls that failed, by app ("" for a fleet-wide call), with the tool's error. */
  failures: Array<{ app: string; error: string }>;
  /** Set when a result said it holds only part of the list. */
  partial?: string;
}

/** Asked for with a high limit: app names are how questions are read, so a view's default cap would hide some. */
const APPS_LIMIT = 1000;
/** Beyond this many apps, a per-app question needs the person to name the app. */
const PER_APP_LIMIT = 25;

export interface AppList {
  apps: AppRecord[];
  /** Set when the result held only part of the apps. */
  partial?: string;
}

export function readApps(session: Session, input: Record<string, unknown> = {}): AppList {
  const outcome = session.need("apps_list", { limit: APPS_LIMIT, ...input });
  if (!outcome.ok) throw new AnswerNow(`I could not read the list of apps: ${outcome.error}`);
  const records = recordsOf(outcome.value);
  const apps = records
    .map((record) => ({ name: nameOf(record) ?? "", org: orgOf(record), record }))
    .filter((a) => a.name !== "")
    .sort((a, b) => a.name.localeCompare(b.name));
  session.learnNames(apps.map((a) => a.name));
  const partial = partialNote(outcome, records.length);
  return partial ? { apps, partial } : { apps };
}

export function listApps(session: Session, input: Record<string, unknown> = {}): AppRecord[] {
  return readApps(session, input).apps;
}

/** Apps named in the question (matched against the real app names), else the default app if the question points at one. */
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
  if (fallback && /\b(my|this|the|our)\s+app\b/i.test(text) && apps.some((a) => a.name === fallback))
    return [fallback];
  return [];
}

/** The apps a per-app question (secrets, IPs) is about: named, else the default app, else all of them. */
export function appsForQuestion(session: Session, apps: readonly AppRecord[], what: string): string[] {
  const named = findNames(
    session.question,
    apps.map((a) => a.name),
  );
  if (named.length > 0) return named;
  const fallback = defaultApp(session.conversation.system);
  if (fallback && apps.some((a) => a.name === fallback)) return [fallback];
  if (apps.length === 0) throw new AnswerNow(`You have no apps, so there are no ${what} to show.`);
  if (apps.length > PER_APP_LIMIT) {
    throw new AnswerNow(
      `You have ${apps.length} apps; name the one whose ${what} you want, e.g. "what ${what} does ${apps[0]?.name ?? "my-app"} have?".`,
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
 * Machines of the named apps (one call each), or of the whole fleet: one org_machines_list call
 * when that tool is offered, else machines_list for every app, all in the same turn.
 */
export function machinesOf(
  session: Session,
  apps: readonly string[],
  query: MachineQuery,
  fleetWide: boolean,
): Gathered {
  const input = {
    state: query.state,
    region: query.region,
    sort: query.sort,
    order: query.order,
    limit: query.limit,
  };
  const gathered =
    fleetWide && session.canCall("org_machines_list", input)
      ? gather(session, [""], [{ name: "org_machines_list", input }])
      : gather(
          session,
          apps,
          apps.map((app) => ({ name: "machines_list", input: { app, ...input } })),
        );
  gathered.items = gathered.items.filter(
    ({ record }) =>
      (query.state === undefined || [query.state].flat().includes(stateOf(record) ?? "")) &&
      (!query.region || regionOf(record) === query.region),
  );
  return gathered;
}

export function volumesOf(session: Session, apps: readonly string[], fleetWide: boolean): Gathered {
  return fleetWide && session.canCall("org_volumes_list", {})
    ? gather(session, [""], [{ name: "org_volumes_list", input: {} }])
    : perApp(session, "volumes_list", apps);
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

function gather(session: Session, apps: readonly string[], calls: PlannedCall[]): Gathered {
  const outcomes = session.needAll(calls);
  const gathered: Gathered = { items: [], failures: [] };
  outcomes.forEach((outcome, i) => {
    const app = apps[i] ?? "";
    if (!outcome.ok) {
      gathered.failures.push({ app, error: outcome.error });
      return;
    }
    const records = recordsOf(outcome.value);
    for (const record of records) gathered.items.push({ app: appOf(record) ?? app, record });
    const partial = partialNote(outcome, records.length);
    if (partial) gathered.partial = app ? `${app}: ${partial}` : partial;
  });
  return gathered;
}

/** A view's own cap (`total` above the rows shown) or the loop's size cap, in words for the answer. */
function partialNote(outcome: Extract<Outcome, { ok: true }>, shown: number): string | undefined {
  const view = unwrapView(outcome.value);
  const total = isRecord(view) && typeof view.total === "number" ? view.total : undefined;
  if (total !== undefined && total > shown) return `the tool returned ${shown} of ${total} items`;
  if (/not present the shown items as the complete list|result was cut/i.test(outcome.text)) {
    return `the tool result was cut short after ${shown} items`;
  }
  return undefined;
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
