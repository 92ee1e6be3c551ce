import { queryFlag, queryList } from "./body.js";

/** What Fly's list filters look at: a machine or a volume alike. */
export interface Listable {
  state: string;
  region: string;
}

/**
 * Fly's list filters, shared by the app and org listings of machines and volumes: `state` is a
 * comma-separated list, `region` one region, and destroyed records show only with include_deleted.
 */
export function listFilter(query: URLSearchParams): (item: Listable) => boolean {
  const includeDeleted = queryFlag(query, "include_deleted");
  const region = query.get("region");
  const states = queryList(query, "state");
  return (item) =>
    (includeDeleted || item.state !== "destroyed") &&
    (!region || item.region === region) &&
    (states.length === 0 || states.includes(item.state));
}
