import { findRegions } from "./entities.js";
import {
  attachedMachineOf,
  hostnameOf,
  idOf,
  ipOf,
  isAttached,
  nameOf,
  regionOf,
  sizeGbOf,
  stateOf,
} from "./fields.js";
import { appsForQuestion, gapNote, mentionedApps, readApps, perApp, volumesOf } from "./fleet.js";
import { MAX_GROUPS, canCount, largestFirst, readCounts } from "./count-result.js";
import type { Session } from "./session.js";
import { joinWords, lines, plural, type Shape } from "./shape.js";
import type { JsonRecord } from "./tool-result.js";

const UNATTACHED =
  /\b(unattached|detached|not attached|unmounted|orphan(ed)?|unused|dangling|free|not in use|(is|are)n'?t attached|without (a )?machines?)\b/i;

function volumeLabel(record: JsonRecord): string {
  const id = idOf(record) ?? "(no id)";
  const name = nameOf(record);
  return name && name !== id ? `${id} (${name})` : id;
}

export const volumes: Shape = {
  id: "volumes",
  mode: "ask",
  description:
    "which volumes are unattached (or all volumes and what they are attached to, or how many per region or app)",
  examples: [
    "do I have any unattached volumes?",
    "list the volumes of my-app",
    "how many volumes per region?",
  ],
  matches: (q) => /\bvolumes?\b/i.test(q),
  run(session) {
    const list = readApps(session);
    const named = mentionedApps(session, list.apps);
    const scope = named.length > 0 ? named : list.apps.map((a) => a.name);
    const regions = findRegions(session.question);
    const unattachedOnly = UNATTACHED.test(session.question);
    // Filters go to the tool where it takes them, so its total counts what was asked for.
    const filter = {
      attached: unattachedOnly ? false : undefined,
      region: regions.length === 1 ? regions[0] : undefined,
    };
    const where = [
      named.length > 0 ? `in ${joinWords(named)}` : "",
      regions.length > 0 ? `in ${joinWords(regions)}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    const what = unattachedOnly ? "unattached volume" : "volume";
    const counted = regions.length > 1 ? undefined : volumeCounts(session, named, filter, what, where);
    if (counted !== undefined) return counted;
    const gathered = volumesOf(session, scope, named.length === 0, filter);
    const chosen = gathered.items.filter(
      ({ app, record }) =>
        (named.length === 0 || named.includes(app)) &&
        (regions.length === 0 || regions.includes(regionOf(record) ?? "")) &&
        (!unattachedOnly || !isAttached(record)),
    );
    const checked = named.length > 0 ? "" : ` (checked all ${plural(list.total, "app")})`;
    const note = gapNote(gathered, "volumes");
    if (chosen.length === 0) return lines(`You have no ${what}s${where ? ` ${where}` : ""}${checked}.`, note);
    const count = gathered.partial ? gathered.total : chosen.length;
    const sorted = [...chosen].sort(
      (a, b) => a.app.localeCompare(b.app) || (idOf(a.record) ?? "").localeCompare(idOf(b.record) ?? ""),
    );
    return lines(
      `${plural(count, what)}${where ? ` ${where}` : ""}${gathered.partial ? `; the first ${chosen.length}` : ""}:`,
      sorted.map(({ app, record }) => {
        const size = sizeGbOf(record);
        const machine = attachedMachineOf(record);
        const attachment = machine ? `attached to ${machine}` : "not attached";
        // "created" is a volume's normal state; anything else (restoring, pending_destroy) is worth saying.
        const state = stateOf(record);
        return `- ${volumeLabel(record)} — app ${app}, ${regionOf(record) ?? "unknown region"}, ${size === undefined ? "unknown size" : `${size} GB`}, ${attachment}${state && state !== "created" ? `, ${state}` : ""}`;
      }),
      note,
    );
  },
};

const PER_GROUP = /\b(per|by|each|every)\s+(region|app|application)s?\b/i;

/**
 * "How many volumes per region (or app)?": one count_by call, where a listing shows only a page.
 * Undefined when the question is not such a count or no tool can count it with its filters.
 */
function volumeCounts(
  session: Session,
  named: readonly string[],
  filter: Record<string, unknown>,
  what: string,
  where: string,
): string | undefined {
  const per = PER_GROUP.exec(session.question)?.[2]?.toLowerCase();
  if (per === undefined || !/\b(how many|count|number of)\b/i.test(session.question)) return undefined;
  const by = per === "region" ? "region" : "app";
  const input = { count_by: by, ...filter, limit: by === "app" ? MAX_GROUPS : undefined };
  const calls =
    named.length === 0 || by === "app"
      ? [{ name: "org_volumes_list", input }]
      : named.map((app) => ({ name: "volumes_list", input: { app, ...input } }));
  if (!calls.every((c) => canCount(session, c.name, c.input))) return undefined;
  const keep = by === "app" && named.length > 0 ? (group: string) => named.includes(group) : undefined;
  const read = readCounts(session, calls, by, keep);
  const gaps = gapNote({ items: [], total: read.total, failures: read.failures }, "volumes");
  const sorted = largestFirst(read);
  if (sorted.length === 0)
    return lines(
      read.failures.length > 0
        ? "I could not count the volumes."
        : `You have no ${what}s${where ? ` ${where}` : ""}.`,
      gaps,
    );
  const gb = sorted.reduce((sum, [, t]) => sum + (t.sizeGb ?? 0), 0);
  const shownPart = read.groupsInAll === undefined ? "" : `; the ${sorted.length} largest`;
  return lines(
    `${plural(read.total, what)}${where ? ` ${where}` : ""}${read.groupsInAll === undefined ? ` (${gb} GB)` : ""} in ${plural(read.groupsInAll ?? sorted.length, by)}${shownPart}:`,
    sorted.map(([group, t]) => `- ${group}: ${t.count}${t.sizeGb === undefined ? "" : ` (${t.sizeGb} GB)`}`),
    gaps,
    read.notes.length > 0 ? ["", ...read.notes.map((n) => `Note: ${n}.`)] : [],
  );
}

export const secrets: Shape = {
  id: "secrets",
  mode: "ask",
  description: "what secrets (names only) an app has",
  examples: ["what secrets does my-app have?"],
  matches: (q) => /\bsecrets?\b/i.test(q),
  run(session) {
    const scope = appsForQuestion(session, readApps(session), "secrets");
    const gathered = perApp(session, "secrets_list", scope);
    const rows = scope.map((app) => {
      if (gathered.failures.some((f) => f.app === app)) return `- ${app}: secrets could not be read`;
      const names = gathered.items
        .filter((s) => s.app === app)
        .map((s) => nameOf(s.record) ?? "(unnamed)")
        .sort();
      return names.length === 0
        ? `- ${app}: no secrets`
        : `- ${app}: ${plural(names.length, "secret")}: ${names.join(", ")}`;
    });
    return lines("Secret names (values are never read):", rows, gapNote(gathered, "secrets"));
  },
};

function ipLine(record: JsonRecord): string {
  const details = [
    typeof record.version === "string"
      ? record.version
      : typeof record.type === "string"
        ? record.type
        : undefined,
    record.shared === true ? "shared" : undefined,
    regionOf(record),
  ].filter(Boolean);
  return `${ipOf(record) ?? "(unknown address)"}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
}

function certLine(record: JsonRecord): string {
  const status =
    stateOf(record) ??
    (record.configured === true ? "configured" : record.configured === false ? "not configured" : undefined);
  return `${hostnameOf(record) ?? "(unknown hostname)"}${status ? ` (${status})` : ""}`;
}

export const ipsAndCerts: Shape = {
  id: "ips-certs",
  mode: "ask",
  description: "what IP addresses and certificates an app has",
  examples: ["what IPs and certificates does my-app have?", "which certificates does my-app have?"],
  matches: (q) =>
    /\b(ips?|ip addresse?s?|addresses|ipv4|ipv6|certs?|certificates?|tls|ssl|hostnames?|domains?)\b/i.test(q),
  run(session) {
    const q = session.question;
    const wantsCerts = /\b(certs?|certificates?|tls|ssl|hostnames?|domains?)\b/i.test(q);
    const wantsIps = /\b(ips?|ip addresse?s?|addresses|ipv4|ipv6)\b/i.test(q) || !wantsCerts;
    const scope = appsForQuestion(session, readApps(session), wantsIps ? "IPs" : "certificates");
    const ips = wantsIps ? perApp(session, "ips_list", scope) : undefined;
    const certs = wantsCerts ? perApp(session, "certs_list", scope) : undefined;
    const blocks = scope.map((app) => {
      const parts: string[] = [`${app}:`];
      if (ips) {
        const list = ips.items.filter((i) => i.app === app).map((i) => ipLine(i.record));
        parts.push(
          ips.failures.some((f) => f.app === app)
            ? "  IPs: could not be read"
            : `  IPs: ${list.length === 0 ? "none" : list.join("; ")}`,
        );
      }
      if (certs) {
        const list = certs.items.filter((c) => c.app === app).map((c) => certLine(c.record));
        parts.push(
          certs.failures.some((f) => f.app === app)
            ? "  certificates: could not be read"
            : `  certificates: ${list.length === 0 ? "none" : list.join("; ")}`,
        );
      }
      return parts.join("\n");
    });
    return lines(blocks, ips && gapNote(ips, "IPs"), certs && gapNote(certs, "certificates"));
  },
};
