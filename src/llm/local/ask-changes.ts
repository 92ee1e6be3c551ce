import { mentionedApps, readApps } from "./fleet.js";
import { needOk, type Reads, type Session } from "./session.js";
import { CannotAnswer, lines, plural, type Shape } from "./shape.js";
import { isRecord, recordsOf, unwrapView, type JsonRecord } from "./tool-result.js";

function cell(record: JsonRecord, key: string): string {
  const value = record[key];
  return typeof value === "string" || typeof value === "number" ? String(value) : "?";
}

/**
 * "What changed recently?", "what changed in the last hour?", "what was deployed today?":
 * recent_changes (releases, machine events, secrets set) for an app or the fleet. The local
 * model knows the date but not the time, so a window in minutes or hours goes to the tool as an
 * age ("1h"), which the tool counts from the clock; "recently" is taken as the last 24 hours, and
 * the answer says so.
 */

const CHANGED =
  /\b(chang(?:e|ed|es)|happened|deploy(?:ed|s|ments?)?|releases?|released|rolled back|rollbacks?|restart(?:ed|s)?)\b/i;
const RESTARTS = /\brestart(?:ed|s)?\b/i;
const AGE =
  /\b(?:last|past|previous)\s+(\d{1,4}|an?|one|two|three|six|twelve|24)?\s*(minute|hour|day|week)s?\b/i;
const WORDS: Readonly<Record<string, number>> = { a: 1, an: 1, one: 1, two: 2, three: 3, six: 6, twelve: 12 };
const UNIT: Readonly<Record<string, string>> = { minute: "m", hour: "h", day: "d", week: "w" };
const MAX_LINES = 25;

/** The window as the tools take it, and how the answer words it. */
function windowOf(question: string, today: string | undefined): { since: string; words: string } {
  const age = AGE.exec(question);
  if (age?.[2]) {
    const raw = (age[1] ?? "1").toLowerCase();
    const n = WORDS[raw] ?? Number.parseInt(raw, 10);
    const unit = age[2].toLowerCase();
    return { since: `${n}${UNIT[unit] ?? "h"}`, words: `in the last ${n === 1 ? unit : `${n} ${unit}s`}` };
  }
  if (/\btoday\b/i.test(question)) {
    if (!today) throw new CannotAnswer("the conversation does not say today's date");
    return { since: `${today}T00:00:00Z`, words: `today (since ${today} 00:00 UTC)` };
  }
  if (/\b(ago|since|before|after|until|between|yesterday|this (?:week|month|year))\b/i.test(question))
    throw new CannotAnswer(
      'it reads windows such as "in the last hour", "in the last 7 days" or "today" for changes',
    );
  return {
    since: "24h",
    words: /\b(recent(?:ly)?|lately)\b/i.test(question)
      ? "recently (taken as the last 24 hours)"
      : "in the last 24 hours",
  };
}

/** "List the releases of APP", "when was APP last deployed?": that app's releases. */
const RELEASES = /\breleases?\b|\bwhen\b[^?.!]{0,60}\bdeployed\b|\blast deploy/i;

function* releases(session: Session): Reads<string> {
  const list = yield* readApps(session);
  const [app] = mentionedApps(session, list.apps);
  if (!app)
    throw new CannotAnswer(
      'it reads releases one app at a time; name the app, e.g. "list the releases of my-app"',
    );
  const rows = recordsOf(yield* needOk("releases_list", { app, limit: 10 }, `the releases of ${app}`));
  const [latest] = rows;
  if (!latest) return `${app} has no releases.`;
  const line = (r: JsonRecord): string =>
    `- ${cell(r, "version")} ${cell(r, "status")}: ${cell(r, "description")}, image ${cell(r, "image")}, by ${cell(r, "user")} at ${cell(r, "created_at")}`;
  return lines(
    `${app} was last deployed in ${cell(latest, "version")} at ${cell(latest, "created_at")} by ${cell(latest, "user")} (image ${cell(latest, "image")}).`,
    `Its newest ${plural(rows.length, "release")}:`,
    rows.map(line),
  );
}

export const changes: Shape = {
  id: "changes",
  mode: "ask",
  description:
    "what changed (releases, machine events such as exits and restarts, secrets set) in a window, for an app or the fleet",
  examples: [
    "what changed recently?",
    "what changed in the last hour?",
    "what was deployed to demo-web today?",
  ],
  applies: ["org", "window", "when"],
  matches: (q) => CHANGED.test(q) && /\b(what|which|anything|any|show|list|when|did|has|have)\b/i.test(q),
  *run(session) {
    if (RELEASES.test(session.reading.text)) return yield* releases(session);
    const today = /today'?s date:?\s*(\d{4}-\d{2}-\d{2})/i.exec(session.system)?.[1];
    const window = windowOf(session.reading.text, today);
    const list = yield* readApps(session);
    const [app] = mentionedApps(session, list.apps);
    const org = session.reading.org;
    const input = { since: window.since, limit: MAX_LINES, ...(app ? { app } : org ? { org } : {}) };
    const result = yield* needOk("recent_changes", input, "what changed");
    const rows = recordsOf(result);
    const view = unwrapView(result);
    const total = isRecord(view) && typeof view.total === "number" ? view.total : rows.length;
    const scope = app ? `in ${app}` : org ? `in org ${org}` : "across your apps";
    if (RESTARTS.test(session.reading.text)) {
      // Restarts only: the machine events of that type, not every change in the window.
      const restarts = rows.filter((r) => cell(r, "change").startsWith("restart"));
      const cut = total > rows.length;
      if (restarts.length === 0 && !cut) return `Nothing restarted ${scope} ${window.words}.`;
      return lines(
        `${plural(restarts.length, "restart")} ${scope} ${window.words}${cut ? ` among the newest ${rows.length} of ${total} changes` : ""}, newest first:`,
        restarts.map(
          (r) => `- ${cell(r, "at")} ${cell(r, "app")} ${cell(r, "subject")}: ${cell(r, "change")}`,
        ),
        cut && "(name an app or shorten the window to see every restart)",
      );
    }
    if (rows.length === 0)
      return `Nothing changed ${scope} ${window.words}: no release, machine event or secret change.`;
    return lines(
      `${plural(total, "change")} ${scope} ${window.words}, newest first:`,
      rows.map(
        (r) =>
          `- ${cell(r, "at")} ${cell(r, "app")} ${cell(r, "kind")} ${cell(r, "subject")}: ${cell(r, "change")}`,
      ),
      total > rows.length &&
        `(showing the newest ${rows.length}; name an app or shorten the window for the rest)`,
    );
  },
};
