import { MAX_GROUPS, extremes, largestFirst, readCounts, type Tally } from "./count-result.js";
import { attachedMachineOf, idOf, isAttached, nameOf, regionOf, sizeGbOf, stateOf } from "./fields.js";
import { gapNote, keep, mentionedApps, readApps, volumesOf, type Owned } from "./fleet.js";
import { compare, windowOf } from "./machine-scope.js";
import type { Reading } from "./reading.js";
import type { Reads } from "./session.js";
import { CannotAnswer, joinWords, lines, plural, type Shape } from "./shape.js";
import { inWindow, windowText } from "./time-window.js";
import type { JsonRecord } from "./tool-result.js";

function createdOf(record: JsonRecord): string | undefined {
  return typeof record.created_at === "string" ? record.created_at : undefined;
}

function volumeLabel(record: JsonRecord): string {
  const id = idOf(record) ?? "(no id)";
  const name = nameOf(record);
  return name && name !== id ? `${id} (${name})` : id;
}

function volumeLine({ app, record }: Owned): string {
  const size = sizeGbOf(record);
  const machine = attachedMachineOf(record);
  // "created" is a volume's normal state; anything else (restoring, pending_destroy) is worth saying.
  const state = stateOf(record);
  return `- ${volumeLabel(record)} — app ${app}, ${regionOf(record) ?? "unknown region"}, ${size === undefined ? "unknown size" : `${size} GB`}, ${machine ? `attached to ${machine}` : "not attached"}${state && state !== "created" ? `, ${state}` : ""}`;
}

const TOTAL = /\b(total|in all|altogether|combined|sum)\b/i;

const PER_GROUP = /\b(per|by|each|every|which|what)\s+(region|app|application)s?\b/i;

/** What the filters of the question say, for the answer's first line: "unattached", "in ams", "in app acme-db". */
function describeFilters(
  reading: Reading,
  named: readonly string[],
  org: string | undefined,
): { what: string; where: string } {
  const gb =
    reading.amount &&
    `${reading.amount.op === "=" ? "of" : reading.amount.op} ${reading.amount.mb / 1024} GB`;
  const where = [
    named.length > 0 ? `in ${joinWords(named)}` : org ? `in org ${org}` : "",
    reading.regions.length > 0 ? `in ${joinWords(reading.regions)}` : "",
    reading.machineIds.length > 0 ? `attached to ${joinWords(reading.machineIds)}` : "",
    gb ?? "",
  ]
    .filter(Boolean)
    .join(" ");
  const what =
    reading.attached === false ? "unattached volume" : reading.attached ? "attached volume" : "volume";
  return { what, where: where ? ` ${where}` : "" };
}

/**
 * "How many volumes per region (or app)?" and "which app has the most volumes?": one count_by
 * call, where a listing shows only a page.
 */
function* volumeCounts(
  reading: Reading,
  named: readonly string[],
  org: string | undefined,
  filter: Record<string, unknown>,
  text: { what: string; where: string },
): Reads<string> {
  const per = PER_GROUP.exec(reading.text)?.[2]?.toLowerCase();
  const by = per === "app" || per === "application" ? "app" : "region";
  const input = { count_by: by, ...filter, limit: by === "app" ? MAX_GROUPS : undefined };
  const calls =
    named.length === 0 || by === "app"
      ? [{ name: "org_volumes_list", input: { ...input, org } }]
      : named.map((app) => ({ name: "volumes_list", input: { app, ...input } }));
  const keepGroup = by === "app" && named.length > 0 ? (group: string) => named.includes(group) : undefined;
  const read = yield* readCounts(calls, by, keepGroup);
  const gaps = gapNote({ items: [], total: read.total, failures: read.failures }, "volumes");
  const sorted = largestFirst(read);
  if (sorted.length === 0)
    return lines(
      read.failures.length > 0 ? "I could not count the volumes." : `You have no ${text.what}s${text.where}.`,
      gaps,
    );
  const row = ([group, t]: [string, Tally]): string =>
    `- ${group}: ${t.count}${t.sizeGb === undefined ? "" : ` (${t.sizeGb} GB)`}`;
  const superlative = reading.superlative;
  if (superlative?.measure === "count") {
    const top = extremes(sorted, superlative.most, superlative.n);
    return lines(
      `The ${by === "app" ? "app" : "region"}${top.length === 1 ? "" : "s"} with the ${superlative.most ? "most" : "fewest"} ${text.what}s${text.where}:`,
      top.map(row),
      gaps,
    );
  }
  const gb = sorted.reduce((sum, [, t]) => sum + (t.sizeGb ?? 0), 0);
  const shownPart = read.groupsInAll === undefined ? "" : `; the ${sorted.length} largest`;
  return lines(
    `${plural(read.total, text.what)}${text.where}${read.groupsInAll === undefined ? ` (${gb} GB)` : ""} in ${plural(read.groupsInAll ?? sorted.length, by)}${shownPart}:`,
    sorted.map(row),
    gaps,
    read.notes.length > 0 ? ["", ...read.notes.map((n) => `Note: ${n}.`)] : [],
  );
}

export const volumes: Shape = {
  id: "volumes",
  mode: "ask",
  description:
    "which volumes are unattached or attached, the biggest, smallest, oldest or newest, of a size, or created in a time window, or how many per region or app",
  examples: [
    "do I have any unattached volumes?",
    "what's the biggest volume?",
    "how many volumes per region?",
  ],
  applies: ["region", "org", "superlative", "attachment", "amount", "window", "machine-id", "volume-id"],
  matches: (q) => /\b(volumes?|vol_[a-z0-9]+|disks?)\b/i.test(q),
  *run(session) {
    const { reading } = session;
    const time = windowOf(reading, "volumes", ["created"]);
    const superlative = reading.superlative;
    if (
      superlative &&
      (superlative.measure === "memory" || superlative.measure === "cpu" || superlative.measure === "other")
    )
      throw new CannotAnswer(`it ranks volumes by size or creation time, not "${superlative.phrase}"`);
    const list = yield* readApps(session);
    const named = mentionedApps(session, list.apps);
    const scope = named.length > 0 ? named : list.apps.map((a) => a.name);
    // Filters go to the tool where it takes them, so its total counts what was asked for.
    const filter = {
      attached: reading.attached,
      region: reading.regions.length === 1 ? reading.regions[0] : undefined,
    };
    const text = describeFilters(reading, named, list.org);
    // A total ("how much space do my volumes take in total?") is the count's sum over every group.
    const counting =
      (PER_GROUP.test(reading.text) &&
        (/\b(how many|count|number of)\b/i.test(reading.text) || superlative?.measure === "count")) ||
      TOTAL.test(reading.text);
    if (counting) {
      if (
        time ||
        reading.amount ||
        reading.machineIds.length > 0 ||
        reading.volumeIds.length > 0 ||
        reading.regions.length > 1
      )
        throw new CannotAnswer("it counts volumes per region or app with a region or attachment filter only");
      return yield* volumeCounts(reading, named, list.org, filter, text);
    }
    if (superlative?.measure === "count")
      throw new CannotAnswer(
        `it ranks apps or regions by how many volumes they have ("which app has the most volumes?")`,
      );
    const sort = superlative ? (superlative.measure === "age" ? "created" : "size") : undefined;
    const order = superlative ? (superlative.most ? "desc" : "asc") : undefined;
    const gathered = keep(
      yield* volumesOf(scope, named.length === 0, { ...filter, sort, order }, list.org),
      ({ app, record }) =>
        (named.length === 0 || named.includes(app)) &&
        (reading.regions.length === 0 || reading.regions.includes(regionOf(record) ?? "")) &&
        (reading.attached === undefined || isAttached(record) === reading.attached) &&
        (reading.machineIds.length === 0 || reading.machineIds.includes(attachedMachineOf(record) ?? "")) &&
        (reading.volumeIds.length === 0 || reading.volumeIds.includes(idOf(record) ?? "")) &&
        (reading.amount === undefined ||
          compare(sizeGbOf(record), reading.amount, reading.amount.mb / 1024)) &&
        (time === undefined || inWindow(createdOf(record), time.window)),
    );
    const when = time ? ` created ${windowText(time.window)}` : "";
    const checked =
      named.length > 0
        ? ""
        : ` (checked all ${plural(list.total, "app")}${list.org ? ` in org ${list.org}` : ""})`;
    const note = gapNote(superlative ? { ...gathered, partial: undefined } : gathered, "volumes");
    if (gathered.items.length === 0)
      return lines(`You have no ${text.what}s${text.where}${when}${checked}.`, note);
    if (superlative) {
      const value = (o: Owned): number =>
        sort === "size" ? (sizeGbOf(o.record) ?? -1) : Date.parse(createdOf(o.record) ?? "") || -1;
      const sign = superlative.most ? -1 : 1;
      const sorted = [...gathered.items].sort((a, b) => sign * (value(a) - value(b)));
      const first = sorted[0];
      const top =
        superlative.n === 1 && first
          ? sorted.filter((o) => value(o) === value(first))
          : sorted.slice(0, superlative.n);
      const word =
        sort === "size"
          ? superlative.most
            ? "biggest"
            : "smallest"
          : superlative.most
            ? "newest"
            : "oldest";
      return lines(
        `The ${word} ${top.length === 1 ? text.what : `${top.length} ${text.what}s`}${text.where}${when}${top.length > 1 && superlative.n === 1 ? " (tied)" : ""}:`,
        top.map(
          (o) => `${volumeLine(o)}${sort === "created" ? `, created ${createdOf(o.record) ?? "?"}` : ""}`,
        ),
        note,
      );
    }
    const count = gathered.partial ? gathered.total : gathered.items.length;
    const sorted = [...gathered.items].sort(
      (a, b) => a.app.localeCompare(b.app) || (idOf(a.record) ?? "").localeCompare(idOf(b.record) ?? ""),
    );
    return lines(
      `${plural(count, text.what)}${text.where}${when}${gathered.partial ? `; the first ${gathered.items.length}` : ""}:`,
      sorted.map(volumeLine),
      note,
    );
  },
};
