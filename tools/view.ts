import { FLY_MAX_PAGE_SIZE } from "./org-scope.js";

/**
 * Views: what a model or a table sees of a tool's result. Rows of the few fields a person
 * cares about, already sorted and capped, with a note whenever something was left out so the
 * reader knows to narrow the question rather than assume the list is complete.
 */

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface ListView {
  rows: Row[];
  /** How many items matched the call: before the caller's `limit` when the tool knows, and before the view's own cap. */
  total: number;
  note?: string;
}

/** The most rows a view shows when the caller gave no `limit`. */
export const VIEW_MAX_ROWS = 50;

/**
 * The `limit` input's maximum, and so the most rows a view shows: Fly's own page maximum. A model
 * never sees that many: the ask loop cuts every tool result to 16 KB and says so.
 */
export const VIEW_MAX_LIMIT = FLY_MAX_PAGE_SIZE;

/**
 * A list cut to the caller's `limit` that remembers how many items matched before the cut, so the
 * view can say how many were left out, and what Fly could not list (`incomplete`, see
 * `markIncomplete`). JSON (`--json`, plan preconditions) still sees only the items.
 */
export type Limited<T> = T[] & { matched?: number; incomplete?: string[] };

export interface ListViewOptions {
  /** Plural noun for the note, e.g. "machines". */
  noun: string;
  /** The `limit` the caller passed: the result was already cut to it. */
  limit?: number;
  /** How many items matched before `limit` cut them (`Limited.matched`); unknown means "maybe more". */
  matched?: number;
  /** How to narrow this particular listing, e.g. "filter by state or region". */
  narrow?: string;
  /** Extra facts the reader must not miss, e.g. the nearest region. */
  notes?: readonly (string | undefined)[];
  /** Parts Fly could not list (`Limited.incomplete`, `Counts.incomplete`): each becomes a note. */
  incomplete?: readonly string[];
  /** What a gap means for this view; default "the list may be incomplete". */
  incompleteMeans?: string;
  /** The note when nothing matched; default "no NOUN found". */
  empty?: string;
}

/**
 * Shows `limit` rows when the caller gave one (at most VIEW_MAX_LIMIT), else the first
 * VIEW_MAX_ROWS, and says how many were left out and how to see them.
 */
export function listView(rows: Row[], options: ListViewOptions): ListView {
  const notes: string[] = [];
  const { noun, limit } = options;
  const narrow = options.narrow ?? "narrow the call";
  const total = Math.max(options.matched ?? rows.length, rows.length);
  const cap = Math.min(limit ?? VIEW_MAX_ROWS, VIEW_MAX_LIMIT);
  const shown = rows.slice(0, cap);
  const left = total - shown.length;
  if (limit !== undefined && shown.length === limit && (left > 0 || options.matched === undefined)) {
    notes.push(
      left > 0
        ? `limited to ${limit} ${noun} by limit, of ${total} that match: ${left} left out; ${narrow}, or raise limit (at most ${VIEW_MAX_LIMIT})`
        : `limited to ${limit} ${noun} by limit; more may exist`,
    );
  } else if (left > 0) {
    const raise = cap < VIEW_MAX_LIMIT ? `, or set limit (at most ${VIEW_MAX_LIMIT})` : "";
    notes.push(`showing ${shown.length} of ${total} ${noun}, ${left} left out; ${narrow}${raise}`);
  }
  for (const note of options.notes ?? []) if (note) notes.push(note);
  const means = options.incompleteMeans ?? "the list may be incomplete";
  for (const gap of options.incomplete ?? []) notes.push(`${gap}; ${means}`);
  if (total === 0) notes.push(options.empty ?? `no ${noun} found`);
  return notes.length > 0 ? { rows: shown, total, note: notes.join(". ") } : { rows: shown, total };
}

/** One group of a count: its value (a region, an app, true/false), how many items, and per-group extras. */
export type Group<X> = { group: string | boolean; count: number } & X;

/** The answer to `count_by`: groups over every matching item, largest first, and the total they add up to. */
export interface Counts<By extends string, X> {
  count_by: By;
  total: number;
  groups: Array<Group<X>>;
  /** How many groups there were before the caller's `limit` cut `groups` (see `limitGroups`). */
  groups_total?: number;
  /** Parts of the fleet that could not be listed, so the counts may be low. */
  incomplete?: string[];
}

/**
 * Counts `items` per `keyOf`, with `extra` summarising each group's items; largest group first
 * (ties by group name), or smallest first when `order` is "asc".
 */
export function countGroups<T, By extends string, X>(
  items: readonly T[],
  by: By,
  keyOf: (item: T) => string | boolean,
  extra: (members: readonly T[]) => X,
  order: "asc" | "desc" = "desc",
): Counts<By, X> {
  const buckets = new Map<string | boolean, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(item);
    else buckets.set(key, [item]);
  }
  const sign = order === "asc" ? -1 : 1;
  const groups = [...buckets.entries()]
    .map(([group, members]): Group<X> => ({ group, count: members.length, ...extra(members) }))
    .sort((a, b) => sign * (b.count - a.count) || String(a.group).localeCompare(String(b.group)));
  return { count_by: by, total: items.length, groups };
}

/** The first `limit` groups, remembering how many there were, so JSON and the table show the same groups. */
export function limitGroups<C extends Counts<string, unknown>>(counts: C, limit: number | undefined): C {
  if (limit === undefined || counts.groups.length <= limit) return counts;
  return { ...counts, groups: counts.groups.slice(0, limit), groups_total: counts.groups.length };
}

export interface CountView {
  count_by: string;
  /** How many items were counted: every item that matched the filters. */
  total: number;
  /** How many groups there are (a view shows at most a page of them). */
  groups: number;
  /** One row per group: the group under the count_by name (e.g. `region`), `count`, then extras. */
  rows: Row[];
  note?: string;
}

export interface CountViewOptions<X> {
  /** Plural noun of what was counted, e.g. "machines". */
  noun: string;
  /** Plural noun of the groups, e.g. "regions". */
  groupNoun: string;
  limit?: number;
  /** The cells a group adds after its count, e.g. `{ states: "2 started, 1 stopped" }`. */
  cells?: (group: Group<X>) => Row;
  /** Totals over every group, shown beside `total`, e.g. `{ size_gb: 120 }`. */
  sums?: Row;
}

/** The compact view of a count: group and count rows, largest first, with the total. */
export function countView<X>(counts: Counts<string, X>, options: CountViewOptions<X>): CountView {
  const rows = counts.groups.map((g): Row => ({
    [counts.count_by]: g.group,
    count: g.count,
    ...options.cells?.(g),
  }));
  const groupsInAll = counts.groups_total ?? rows.length;
  const list = listView(rows, {
    noun: options.groupNoun,
    limit: options.limit,
    matched: groupsInAll,
    narrow: `filter to fewer ${options.noun}`,
    notes: [
      counts.total > 0 ? `${counts.total} ${options.noun} in ${groupsInAll} ${options.groupNoun}` : undefined,
    ],
    incomplete: counts.incomplete,
    incompleteMeans: "the counts may be low",
    empty: `no ${options.noun} match`,
  });
  return {
    count_by: counts.count_by,
    total: counts.total,
    ...options.sums,
    groups: list.total,
    rows: list.rows,
    ...(list.note ? { note: list.note } : {}),
  };
}

/**
 * "2 started, 1 stopped": how many items are in each state, largest first, ties by name. The one
 * wording for it, in tool views and in the local model's answers alike; "" when there are none.
 */
export function stateSummary(tally: Readonly<Record<string, number>>): string {
  return Object.entries(tally)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([state, n]) => `${n} ${state}`)
    .join(", ");
}

type SortValue = string | number | null | undefined;

/**
 * Sorts a copy by `key`; rows without a value go last in either direction so that "the
 * largest" never starts with an unknown.
 */
export function sortBy<T>(items: readonly T[], key: (item: T) => SortValue, order: "asc" | "desc"): T[] {
  const sign = order === "asc" ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
    if (y === undefined || y === null) return -1;
    if (typeof x === "number" && typeof y === "number") return sign * (x - y);
    return sign * String(x).localeCompare(String(y));
  });
}

/**
 * Records what a listing could not see (pages not read, regions Fly could not reach), so the
 * view says so instead of presenting a partial fleet as complete. Lists and counts alike.
 */
export function markIncomplete<L extends Limited<unknown> | Counts<string, unknown>>(
  listing: L,
  gaps: readonly string[],
): L {
  if (gaps.length === 0) return listing;
  if (Array.isArray(listing)) return Object.assign(listing, { incomplete: [...gaps] });
  return { ...listing, incomplete: [...gaps] };
}

/** The first `limit` items, remembering how many there were (see Limited). */
export function take<T>(items: T[], limit: number | undefined): Limited<T> {
  if (limit === undefined) return items;
  return Object.assign(items.slice(0, limit), { matched: items.length });
}

/** Keeps only the first lines of free text (check output, error text) so one cell stays one line. */
export function short(text: string | null | undefined, max = 80): string | null {
  if (text === null || text === undefined) return null;
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "registry.fly.io/my-app:deployment-01H..." → the repository and tag a person recognises. */
export function shortImage(image: string | null | undefined): string | null {
  if (!image) return null;
  return image.replace(/^registry-1\.docker\.io\//, "").replace(/^docker\.io\//, "");
}
