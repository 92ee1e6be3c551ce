import { readApps, mentionedApps } from "./fleet.js";
import { AnswerNow, needAll, needOk, type Reads, type Session } from "./session.js";
import { lines, plural, type Shape } from "./shape.js";
import { isRecord, recordsOf, unwrapView, type Json, type JsonRecord } from "./tool-result.js";
import { failureEvidence } from "./why-evidence.js";

/**
 * Health: "is APP healthy?", "are any health checks failing?", "why is APP failing?". It follows
 * the order prompts/ask.md teaches, with the tools it has: status and checks (app_status, or
 * org_status for the fleet), then events and exits (machine_events of the machines with a
 * problem) with what changed (releases_list), then logs around the first exit and metrics
 * (why-evidence.ts). It names what it did not read.
 */

const CERT = /\b(certs?|certificates?)\b/i;
const HEALTH =
  /\b(health|healthy|unhealthy|health ?checks?|checks?|failing|crash\w*|oom\w*|out of memory|restarting|broken|down|wrong)\b/i;
// "whats wrong" without the apostrophe is how people type it.
const WHY = /\b(why|what(?:'?s| is) wrong|cause|root cause|failing|crash\w*|broken|down)\b/i;
const CHECKS = /\bchecks?\b/i;

function text(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function view(value: Json): JsonRecord {
  const unwrapped = unwrapView(value);
  return isRecord(unwrapped) ? unwrapped : {};
}

function label(row: JsonRecord): string {
  const name = text(row, "name");
  return `${name ?? text(row, "id") ?? "?"}${name ? ` (${text(row, "id") ?? "?"}` : " ("}${text(row, "region") ? `${name ? ", " : ""}${text(row, "region") ?? ""}` : ""})`;
}

/** A machine row's checks that are not passing, as the view words them. */
function failingChecks(row: JsonRecord): string[] {
  return (text(row, "checks") ?? "").split("; ").filter((c) => c !== "" && !/: passing$/.test(c));
}

function* fleetHealth(session: Session): Reads<string> {
  const org = session.reading.org;
  const fleet = view(yield* needOk("org_status", org ? { org } : {}, "the fleet's health"));
  const rows = recordsOf(fleet);
  const asksChecks = CHECKS.test(session.question);
  const withChecks = rows.filter((r) => failingChecks(r).length > 0);
  const others = rows.filter((r) => failingChecks(r).length === 0);
  const summary = text(fleet, "summary");
  const note = text(fleet, "note");
  const checkLines = withChecks.map(
    (r) => `- ${text(r, "app") ?? "?"}: ${label(r)}: ${failingChecks(r).join("; ")}`,
  );
  const otherLines = others.map(
    (r) => `- ${text(r, "app") ?? "?"}: ${label(r)}: ${text(r, "problems") ?? "?"}`,
  );
  if (asksChecks) {
    return lines(
      withChecks.length === 0
        ? "No health check is failing: every check of every started machine is passing."
        : `${plural(withChecks.length, "machine")} ${withChecks.length === 1 ? "has" : "have"} a health check that is not passing:`,
      checkLines,
      otherLines.length > 0 && "Other problems (checks passing):",
      otherLines,
      summary && `(${summary}.)`,
      note,
    );
  }
  return lines(
    rows.length === 0
      ? "Everything is healthy: checks passing, hosts ok, no OOM kill or non-zero exit in the last 24 hours."
      : `${plural(rows.length, "machine")} ${rows.length === 1 ? "is" : "are"} not healthy:`,
    rows.map((r) => `- ${text(r, "app") ?? "?"}: ${label(r)}: ${text(r, "problems") ?? "?"}`),
    summary && `(${summary}.)`,
    note,
  );
}

function exitLines(value: Json): string[] {
  return recordsOf(value).map(
    (e) =>
      `${text(e, "timestamp") ?? "?"} exit_code ${typeof e.exit_code === "number" ? String(e.exit_code) : "?"}${e.oom_killed === true ? " (OOM-killed)" : ""}`,
  );
}

function* appHealth(session: Session, app: string): Reads<string> {
  const status = view(yield* needOk("app_status", { app }, `the status of ${app}`));
  const rows = recordsOf(status);
  const sick = rows.filter(
    (r) =>
      failingChecks(r).length > 0 ||
      /oom|exit_code [1-9]/i.test(text(r, "last_exit") ?? "") ||
      (text(r, "host_status") ?? "ok") !== "ok",
  );
  const problems = Array.isArray(status.problems) ? status.problems.filter(isRecord) : [];
  const state = text(status, "machines") ?? plural(rows.length, "machine");
  if (problems.length === 0)
    return lines(
      `${app} is healthy: ${state}; every check of its started machines passes, hosts are ok, and no machine was OOM-killed or exited non-zero in the last 24 hours.`,
      rows.map(
        (r) =>
          `- ${label(r)}: ${text(r, "state") ?? "?"}${text(r, "checks") ? `, ${text(r, "checks") ?? ""}` : ""}`,
      ),
    );
  const header = `${app} is not healthy: ${plural(problems.length, "machine")} of ${rows.length} ${problems.length === 1 ? "has" : "have"} problems (${state}).`;
  const problemLines = problems.map(
    (p) => `- ${text(p, "name") ?? "?"} (${text(p, "id") ?? "?"}): ${text(p, "problems") ?? "?"}`,
  );
  if (!WHY.test(session.question)) return lines(header, problemLines);
  // Why: the exits of the machines with a problem, then the releases before them.
  const ids = problems.flatMap((p) => (text(p, "id") ? [text(p, "id") ?? ""] : []));
  const outcomes = yield* needAll([
    ...ids.map((id) => ({
      name: "machine_events",
      input: { app, machine_id: id, type: ["exit"], since: "24h" },
    })),
    { name: "releases_list", input: { app, limit: 5 } },
  ]);
  const releases = outcomes.at(-1);
  const exits = ids.map((id, i) => {
    const outcome = outcomes[i];
    return {
      id,
      lines: outcome?.ok ? exitLines(outcome.value) : [`could not read events: ${outcome?.error ?? "?"}`],
    };
  });
  const releaseRows = releases?.ok ? recordsOf(releases.value) : [];
  const latest = releaseRows[0];
  // The machine that exited first, and when: the logs step reads around that moment.
  const [first] = exits
    .flatMap((e) => e.lines.map((l) => ({ id: e.id, at: l.split(" ")[0] ?? "" })))
    .filter((e) => /^\d{4}-/.test(e.at))
    .sort((a, b) => a.at.localeCompare(b.at));
  const firstExit = first?.at;
  const evidence = first
    ? yield* failureEvidence(app, first.id, first.at)
    : { lines: [], unseen: ["logs and metrics (no exit to read them around)"], confirms: [] };
  const ooms = exits.flatMap((e) => e.lines).filter((l) => l.includes("OOM")).length;
  const before = latest && firstExit && (text(latest, "created_at") ?? "") <= firstExit;
  const sickNames = sick.map((r) => text(r, "name") ?? text(r, "id") ?? "?");
  return lines(
    header,
    problemLines,
    "Exits (from machine events, last 24 hours):",
    exits.map((e) => `- ${e.id}: ${e.lines.length > 0 ? e.lines.join("; ") : "none"}`),
    evidence.lines,
    latest
      ? `Latest release: ${text(latest, "version") ?? "?"} (${text(latest, "description") ?? "?"}, ${text(latest, "status") ?? "?"}) by ${text(latest, "user") ?? "?"} at ${text(latest, "created_at") ?? "?"}, image ${text(latest, "image") ?? "?"}${releaseRows[1] ? `; before it ${text(releaseRows[1], "version") ?? "?"} ran ${text(releaseRows[1], "image") ?? "?"}` : ""}.`
      : releases?.ok
        ? "No releases were listed."
        : `Releases could not be read: ${releases?.error ?? "?"}.`,
    before && ooms > 0
      ? `Likely cause: release ${text(latest, "version") ?? "?"} came before the first exit (${firstExit ?? "?"}); since then ${sickNames.join(", ")} was OOM-killed ${plural(ooms, "time")} and its failing check follows from it${evidence.confirms.length > 0 ? `; ${evidence.confirms.join(", ")}` : ""}: the new image likely needs more memory than the machine has.`
      : before
        ? `Release ${text(latest, "version") ?? "?"} came before the first exit (${firstExit ?? "?"}); it is the first thing to look at.`
        : undefined,
    `Not seen: ${[...evidence.unseen, 'secret changes (ask "what changed recently?")', "logs outside that window"].join("; ")}.`,
  );
}

export const health: Shape = {
  id: "health",
  mode: "ask",
  description:
    "whether an app or the fleet is healthy, which health checks are failing, and why an app is failing (status, checks, exits, releases)",
  examples: ["are any health checks failing?", "is demo-web healthy?", "why is acme-api failing?"],
  applies: ["org"],
  matches: (q) => HEALTH.test(q) && !CERT.test(q),
  *run(session) {
    const list = yield* readApps(session);
    const [app, ...more] = mentionedApps(session, list.apps);
    if (more.length > 0)
      throw new AnswerNow(`Ask about one app at a time; you named ${app ?? ""} and ${more.join(", ")}.`);
    return app ? yield* appHealth(session, app) : yield* fleetHealth(session);
  },
};
