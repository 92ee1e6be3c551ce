import { mentionedApps, readApps } from "./fleet.js";
import { CannotAnswer, lines, plural, type Shape } from "./shape.js";
import { AnswerNow, needOk } from "./session.js";
import { isRecord, recordsOf, unwrapView, type JsonRecord } from "./tool-result.js";

/**
 * Logs and 5xx: "show me errors in APP's logs" (logs_list) and "which app has the most 5xx in the
 * last hour?" (metrics_get http_5xx by app). A window is read in minutes, hours or days back from
 * now ("in the last hour", "last 30 minutes"); the tools take it as a duration, so no date is needed.
 */

const WINDOW =
  /\b(?:in|within|over|during|for)?\s*(?:the\s+)?(?:last|past|previous)\s+(\d{1,4}|an?|one|two|three|six|twelve|24)?\s*(minute|min|hour|day|week)s?\b/i;
const COUNT_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  six: 6,
  twelve: 12,
};
const UNIT: Readonly<Record<string, string>> = { minute: "m", min: "m", hour: "h", day: "d", week: "d" };

/** The window the question sets as a tool duration ("1h"), the default when it sets none. */
function windowOf(text: string, fallback: string): { since: string; phrase: string } {
  const found = WINDOW.exec(text);
  if (!found) {
    if (/\b(recent(?:ly)?|lately|ago|since|yesterday|today)\b/i.test(text))
      throw new CannotAnswer(
        'it reads a window such as "in the last hour" or "in the last 30 minutes" here, not this one',
      );
    return { since: fallback, phrase: `the last ${fallback}` };
  }
  const raw = (found[1] ?? "1").toLowerCase();
  const n = COUNT_WORDS[raw] ?? Number(raw);
  const unit = (found[2] ?? "hour").toLowerCase();
  const amount = unit === "week" ? n * 7 : n;
  return {
    since: `${amount}${UNIT[unit] ?? "h"}`,
    phrase: found[0].trim().replace(/^(in|within|over|during|for)\s+/i, ""),
  };
}

function str(record: JsonRecord, key: string): string {
  const value = record[key];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function noteOf(value: unknown): string | undefined {
  const view = unwrapView(value as never);
  return isRecord(view) && typeof view.note === "string" ? view.note : undefined;
}

export const appLogs: Shape = {
  id: "logs",
  mode: "ask",
  description: "the lines (or only the errors) in an app's logs over a recent window",
  examples: ["show me errors in demo-web's logs", "what's in acme-api's logs in the last 30 minutes?"],
  applies: ["window", "region", "machine-id"],
  matches: (q) => /\blogs?\b/i.test(q),
  *run(session) {
    const list = yield* readApps(session);
    const [app] = mentionedApps(session, list.apps);
    if (!app)
      throw new AnswerNow(
        "Which app's logs? Name the app, e.g. \"show me errors in my-app's logs\", or pass --app.",
      );
    const { since, phrase } = windowOf(session.question, "1h");
    const errors = /\b(errors?|erroring|failures?|failing|fatal|crash\w*|exceptions?)\b/i.test(
      session.question,
    );
    const input: Record<string, unknown> = { app, since, limit: 20 };
    if (errors) input.level = "error";
    const [region] = session.reading.regions;
    if (region) input.region = region;
    const [machine] = session.reading.machineIds;
    if (machine) input.machine_id = machine;
    const value = yield* needOk("logs_list", input, `${app}'s logs`);
    const rows = recordsOf(value);
    const what = errors ? "error lines" : "log lines";
    const where = [region && `in ${region}`, machine && `of machine ${machine}`].filter(Boolean).join(" ");
    if (rows.length === 0) return `No ${what} in ${app}'s logs${where ? ` ${where}` : ""} in ${phrase}.`;
    const total = isRecord(unwrapView(value))
      ? Number((unwrapView(value) as JsonRecord).total ?? rows.length)
      : rows.length;
    const machines = [...new Set(rows.map((r) => str(r, "machine")).filter(Boolean))];
    return lines(
      `${plural(total, errors ? "error line" : "log line")} in ${app}'s logs${where ? ` ${where}` : ""} in ${phrase}` +
        (machines.length > 0
          ? `, from machine${machines.length > 1 ? "s" : ""} ${machines.join(", ")}`
          : "") +
        (total > rows.length ? ` (the newest ${rows.length} shown)` : "") +
        ":",
      rows.map(
        (r) =>
          `- ${str(r, "timestamp")} ${str(r, "machine")} ${str(r, "region")} [${str(r, "level")}] ${str(r, "message")}`,
      ),
      noteOf(value)?.includes("more lines exist")
        ? "More lines exist than were read; narrow the window."
        : undefined,
    );
  },
};

export const most5xx: Shape = {
  id: "most-5xx",
  mode: "ask",
  description: "which apps answer the most HTTP 5xx responses over a recent window",
  examples: ["which app has the most 5xx in the last hour?"],
  applies: ["window", "superlative", "org"],
  matches: (q) =>
    /\b5xx\b|\b5\d\d\s*s?\b|\bserver errors?\b/i.test(q) && /\b(which|what|most|top|any)\b/i.test(q),
  *run(session) {
    const { since, phrase } = windowOf(session.question, "1h");
    const input: Record<string, unknown> = { measure: "http_5xx", since };
    if (session.reading.org) input.org = session.reading.org;
    const value = yield* needOk("metrics_get", input, "the 5xx counts");
    const groups = recordsOf(value)
      .map((g) => ({ app: str(g, "app"), org: str(g, "org"), count: Number(g.count ?? 0) }))
      .filter((g) => g.app !== "");
    const failing = groups.filter((g) => g.count > 0).sort((a, b) => b.count - a.count);
    if (failing.length === 0) return `No app answered any 5xx responses in ${phrase}.`;
    const [top] = failing;
    const others = groups.filter((g) => g !== top);
    return lines(
      `${top?.app ?? "?"} has the most 5xx responses in ${phrase}: ${Math.round(top?.count ?? 0)}.`,
      failing.length > 1
        ? failing.slice(1).map((g) => `- ${g.app}: ${Math.round(g.count)}`)
        : others.length > 0
          ? `No other app answered any 5xx (${others.map((g) => g.app).join(", ")}: 0).`
          : "No other app answered any 5xx.",
    );
  },
};
