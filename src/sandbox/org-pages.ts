import { badRequest } from "./http-error.js";

/**
 * Org-wide listings page by (updated_at, id), oldest first, as Fly describes them. The cursor
 * holds the position of the last item sent and the number of the next page; the next page
 * starts strictly after that position, so a walk over an unchanging fleet sees every item
 * exactly once.
 *
 * Fly calls `limit` advisory: "Responses may be shorter, or even empty, even when more machines
 * remain" (volumes: "shorter"). With short pages on, the sandbox does that on a fixed rhythm, so
 * a client's pager meets it every run: page numbers 1, 4, 7, ... are empty (or, where empty is
 * not allowed, hold one item), numbers 2, 5, 8, ... hold at most half of `limit`, and no page
 * holds more than half of what remains, so even a small fleet takes several pages. Every page
 * but the last carries next_cursor.
 */

export const MAX_PAGE = 1000;

/** How pages are cut: exactly `limit`; shorter at times; shorter or even empty at times. */
export type PageShape = "full" | "short" | "short-or-empty";

export interface Paged<T> {
  items: T[];
  next?: string;
}

interface Position {
  updatedAt: string;
  id: string;
}

interface Cursor extends Position {
  page: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.updatedAt, c.id, c.page])).toString("base64url");
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "string") {
      const page: unknown = value[2];
      return {
        updatedAt: value[0],
        id: value[1],
        page: typeof page === "number" && Number.isSafeInteger(page) && page > 0 ? page : 1,
      };
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw badRequest(`invalid cursor "${cursor}": pass next_cursor from the previous page unchanged`);
}

function compare(a: Position, b: Position): number {
  return a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id);
}

/** How many of `remaining` items page number `page` holds, at most `limit`. */
function pageSize(shape: PageShape, page: number, limit: number, remaining: number): number {
  if (shape === "full") return Math.min(limit, remaining);
  const half = Math.ceil(remaining / 2);
  switch (page % 3) {
    case 1:
      return shape === "short-or-empty" ? 0 : Math.min(1, remaining);
    case 2:
      return Math.min(Math.ceil(limit / 2), half);
    default:
      return Math.min(limit, half);
  }
}

export function pageOf<T extends Position>(
  items: T[],
  query: URLSearchParams,
  shape: PageShape = "full",
): Paged<T> {
  const rawLimit = query.get("limit");
  if (rawLimit !== null && rawLimit !== "" && !/^\d+$/.test(rawLimit))
    throw badRequest(`invalid limit "${rawLimit}": expected a whole number`);
  const limit = rawLimit ? Math.min(Math.max(Number(rawLimit), 1), MAX_PAGE) : MAX_PAGE;
  const cursor = query.get("cursor");
  const updatedAfter = query.get("updated_after");
  if (!cursor && updatedAfter && Number.isNaN(Date.parse(updatedAfter))) {
    throw badRequest(`invalid updated_after "${updatedAfter}": use an RFC 3339 timestamp`);
  }
  const after = cursor ? decodeCursor(cursor) : undefined;
  const remaining = [...items].sort(compare).filter((item) => {
    if (after) return compare(item, after) > 0;
    return !updatedAfter || Date.parse(item.updatedAt) > Date.parse(updatedAfter);
  });
  const number = after?.page ?? 0;
  const page = remaining.slice(0, pageSize(shape, number, limit, remaining.length));
  if (page.length === remaining.length) return { items: page };
  // An empty page comes only after a cursor, so there is always a position to resume from.
  const last = page[page.length - 1] ?? after;
  return last
    ? { items: page, next: encodeCursor({ updatedAt: last.updatedAt, id: last.id, page: number + 1 }) }
    : { items: page };
}
