import { parsePresetName } from "../../platform/guest-sizes.js";
import { findMachineIds, findNames, findRegions, findVolumeIds } from "./entities.js";
import { idOf, nameOf, regionOf, stateOf } from "./fields.js";
import { defaultApp, machinesOf, ownerOf, perApp, volumesOf } from "./fleet.js";
import { AnswerNow, need, needOk, type Reads, type Session } from "./session.js";
import { recordsOf } from "./tool-result.js";
import { recordOf, type JsonRecord } from "./tool-result.js";

/** The names of every app, as apps_list gives them; a change request is checked against them. */
export function* appNames(): Reads<string[]> {
  const value = yield* needOk("apps_list", {}, "the list of apps");
  return recordsOf(value)
    .map((r) => nameOf(r) ?? "")
    .filter((n) => n !== "")
    .sort();
}

/** The propose_plan input of plan file v1 (DESIGN.md): the model proposes, the maker validates and writes. */
export interface PlanStep {
  id: string;
  tool: string;
  reason: string;
  input: Record<string, unknown>;
}

export interface Precondition {
  tool: string;
  input: Record<string, unknown>;
  expect: Record<string, unknown>;
}

export interface Proposal {
  summary: string;
  steps: PlanStep[];
  preconditions: Precondition[];
}

/** Steps numbered s1, s2, … in order. */
export function steps(...items: Array<Omit<PlanStep, "id">>): PlanStep[] {
  return items.map((item, i) => ({ id: `s${i + 1}`, ...item }));
}

export function appExists(app: string): Precondition {
  return { tool: "apps_get", input: { app }, expect: { exists: true } };
}

/**
 * Hands the plan to propose_plan. The local model cannot rethink a rejected plan, so a validation
 * error is reported as it came, with what the person can do about it.
 */
export function* propose(proposal: Proposal): Reads<string> {
  const outcome = yield* need("propose_plan", { ...proposal });
  if (!outcome.ok) {
    throw new AnswerNow(
      `The plan was not accepted: ${outcome.error}\nThe local model cannot revise a plan; change the request, or use a real model (--model).`,
    );
  }
  return [
    `Proposed plan: ${proposal.summary}`,
    ...proposal.steps.map((s) => `${s.id}. ${s.tool} ${JSON.stringify(s.input)} — ${s.reason}`),
    ...(proposal.preconditions.length > 0
      ? [
          "Checked before applying:",
          ...proposal.preconditions.map(
            (p) => `- ${p.tool} ${JSON.stringify(p.input)} expects ${JSON.stringify(p.expect)}`,
          ),
        ]
      : []),
  ].join("\n");
}

const NOT_APP_WORDS =
  /^(my|the|this|our|it|app|machine|volume|secret|env|file|from|on|for|to|in|with|named|called|and|or)$/;

/**
 * The app a change request is about: an app of the fleet named in it, else the default app;
 * an app-like name that is not in the fleet is an answer, not a guess.
 */
export function* requestApp(session: Session): Reads<string> {
  const q = session.question;
  const apps = yield* appNames();
  const named = findNames(q, apps);
  if (named[0]) return named[0];
  const stranger = appLikeWord(q);
  if (stranger) throw noSuchApp(stranger, apps);
  const fallback = defaultApp(session.system);
  if (fallback) return fallback;
  throw new AnswerNow('Which app? Name the app in the request (for example "... for my-app") or pass --app.');
}

function noSuchApp(name: string, apps: readonly string[]): AnswerNow {
  return new AnswerNow(`There is no app named ${name}. Your apps: ${apps.join(", ") || "none"}.`);
}

function appLikeWord(text: string): string | undefined {
  const patterns = [
    /(?:^|[^a-z0-9_-])app\s+["'`]?([a-z0-9][a-z0-9-]*[a-z0-9])/i,
    /\b(?:for|on|of|to|from|in)\s+["'`]?([a-z0-9]+-[a-z0-9-]*[a-z0-9])\b/i,
    // "machine 148e272b0e4d89 of nope", "vol_… in billing": whatever owns an id is an app.
    /(?:\b[0-9a-f]{14}|\bvol_[a-z0-9]+)\s+(?:of|in|on|from)\s+["'`]?([a-z0-9][a-z0-9-]*[a-z0-9])\b/i,
  ];
  for (const pattern of patterns) {
    const word = pattern.exec(text)?.[1]?.toLowerCase();
    // A size ("shared-cpu-2x") or a region is not an app's name.
    if (word && !NOT_APP_WORDS.test(word) && !parsePresetName(word) && findRegions(word).length === 0)
      return word;
  }
  return undefined;
}

export interface FoundMachine {
  app: string;
  id: string;
  record: JsonRecord;
}

/** The machine a request names, by id or by name, with its current details from machines_get. */
export function* requestMachine(session: Session): Reads<FoundMachine> {
  const q = session.question;
  const apps = yield* appNames();
  let app = findNames(q, apps)[0] ?? (apps.length === 0 ? yield* requestApp(session) : undefined);
  let id = findMachineIds(q)[0];
  const stranger = app ? undefined : appLikeWord(q);
  if (!app || !id || stranger) {
    const scope = app ? [app] : apps;
    const all = yield* machinesOf(scope, {}, !app);
    // An app-like word that names no app and no machine is a request about an app that does not exist:
    // acting on a same-id machine of another app would be a guess.
    if (stranger && !all.items.some(({ record }) => nameOf(record) === stranger))
      throw noSuchApp(stranger, apps);
    const where = app ? `app ${app}` : "any of your apps";
    if (id) {
      app = yield* ownerOf(all, scope, id, { tool: "machines_get", field: "machine_id", noun: "machine" });
      if (!app) throw new AnswerNow(`I found no machine ${id} in ${where}.`);
    } else {
      const match = all.items.find(({ record }) => findNames(q, [nameOf(record) ?? ""]).length > 0);
      if (!match)
        throw new AnswerNow(
          `Which machine? Name it by id or name; I found none named in the request in ${where}.`,
        );
      app = match.app;
      id = idOf(match.record);
    }
  }
  if (!id) throw new AnswerNow("Which machine? Name it by id or name.");
  const record = recordOf(
    yield* needOk("machines_get", { app, machine_id: id }, `machine ${id} of app ${app}`),
  );
  if (!record) throw new AnswerNow(`Machine ${id} of app ${app} returned no details.`);
  return { app, id, record };
}

export interface FoundVolume {
  app: string;
  id: string;
  record: JsonRecord;
}

/** The volume a request names, by id or by name, with its current details from volumes_get. */
export function* requestVolume(session: Session): Reads<FoundVolume> {
  const q = session.question;
  const apps = yield* appNames();
  const named = findNames(q, apps)[0];
  const id = findVolumeIds(q)[0];
  const scope = named ? [named] : apps;
  const all = yield* volumesOf(scope, !named);
  const stranger = named ? undefined : appLikeWord(q);
  if (stranger && !all.items.some(({ record }) => nameOf(record) === stranger))
    throw noSuchApp(stranger, apps);
  const owner = id
    ? yield* ownerOf(all, scope, id, { tool: "volumes_get", field: "volume_id", noun: "volume" })
    : undefined;
  const matches = id
    ? owner
      ? [all.items.find(({ record }) => idOf(record) === id) ?? { app: owner, record: { id } }]
      : []
    : all.items.filter(({ record }) => findNames(q, [nameOf(record) ?? ""]).length > 0);
  const where = named ? `app ${named}` : "any of your apps";
  if (matches.length === 0) {
    throw new AnswerNow(
      id
        ? `I found no volume ${id} in ${where}.`
        : `Which volume? Name it by id (vol_…) or name; I found none named in the request in ${where}.`,
    );
  }
  if (matches.length > 1) {
    const list = matches.map(
      ({ app, record }) =>
        `${idOf(record) ?? "?"} (${nameOf(record) ?? "?"}, app ${app}, ${regionOf(record) ?? "?"})`,
    );
    throw new AnswerNow(`Several volumes match; name one by id: ${list.join("; ")}.`);
  }
  const match = matches[0] as (typeof matches)[number];
  const volumeId = idOf(match.record) ?? "";
  const value = yield* needOk(
    "volumes_get",
    { app: match.app, volume_id: volumeId },
    `volume ${volumeId} of app ${match.app}`,
  );
  return { app: match.app, id: volumeId, record: recordOf(value) ?? match.record };
}

/** The region a new resource goes to: named in the request, else the one region the app already runs in. */
export function* requestRegion(session: Session, app: string, what: string): Reads<string> {
  const named = findRegions(session.question)[0];
  if (named) return named;
  const machines = yield* perApp("machines_list", [app]);
  const regions = [
    ...new Set(machines.items.map(({ record }) => regionOf(record)).filter((r): r is string => !!r)),
  ];
  if (regions.length === 1 && regions[0]) return regions[0];
  throw new AnswerNow(
    `Which region should the ${what} go to? ${regions.length > 1 ? `${app} runs in ${regions.join(", ")}; ` : ""}name one, e.g. "in iad".`,
  );
}

export function stateText(record: JsonRecord): string {
  return stateOf(record) ?? "unknown";
}
