import { badRequest } from "./http-error.js";

/**
 * Org-wide listings page by (updated_at, id), oldest first, as Fly describes them. The cursor
 * is the position of the last item sent; the next page starts strictly after it, so a walk
 * over an unchanging fleet sees every item exactly once.
 */

export const MAX_PAGE = 1000;

export interface Paged<T> {
  items: T[];
  next?: string;
}

interface Position {
  updatedAt: string;
  id: string;
}

function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.updatedAt, p.id])).toString("base64url");
}

function decodeCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "string") {
      return { updatedAt: value[0], id: value[1] };
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw badRequest(`invalid cursor "${cursor}": pass next_cursor from the previous page unchanged`);
}

function compare(a: Position, b: Position): number {
  return a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id);
}

export function pageOf<T extends Position>(items: T[], query: URLSearchParams): Paged<T> {
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
  const sorted = [...items].sort(compare).filter((item) => {
    if (after) return compare(item, after) > 0;
    return !updatedAfter || Date.parse(item.updatedAt) > Date.parse(updatedAfter);
  });
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  return sorted.length > limit && last ? { items: page, next: encodeCursor(last) } : { items: page };
}
