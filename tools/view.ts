/**
 * Views: what a model or a table sees of a tool's result. Rows of the few fields a person
 * cares about, already sorted and capped, with a note whenever something was left out so the
 * reader knows to narrow the question rather than assume the list is complete.
 */

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface ListView {
  rows: Row[];
  /** How many rows the tool's result held before the view's own cap. */
  total: number;
  note?: string;
}

/** The most rows a view shows when the caller gave no `limit`. */
export const VIEW_MAX_ROWS = 50;

export interface ListViewOptions {
  /** Plural noun for the note, e.g. "machines". */
  noun: string;
  /** The `limit` the caller passed: the result was already cut to it. */
  limit?: number;
  /** How to narrow this particular listing, e.g. "filter by state or region". */
  narrow?: string;
  /** Extra facts the reader must not miss, e.g. regions Fly could not list. */
  notes?: readonly (string | undefined)[];
}

export function listView(rows: Row[], options: ListViewOptions): ListView {
  const notes: string[] = [];
  const narrow = options.narrow ? `; ${options.narrow}` : "";
  let shown = rows;
  if (options.limit !== undefined && rows.length >= options.limit) {
    notes.push(`limited to ${options.limit} ${options.noun} by limit; more may exist`);
  } else if (rows.length > VIEW_MAX_ROWS) {
    shown = rows.slice(0, VIEW_MAX_ROWS);
    notes.push(`showing ${VIEW_MAX_ROWS} of ${rows.length} ${options.noun}${narrow}, or sort and set limit`);
  }
  for (const note of options.notes ?? []) if (note) notes.push(note);
  if (rows.length === 0) notes.push(`no ${options.noun} found`);
  return notes.length > 0
    ? { rows: shown, total: rows.length, note: notes.join(". ") }
    : { rows: shown, total: rows.length };
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

export function take<T>(items: T[], limit: number | undefined): T[] {
  return limit === undefined ? items : items.slice(0, limit);
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
