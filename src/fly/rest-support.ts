import type { z } from "zod";
import { FlyopsError } from "../errors.js";
import type { ListFilterState, WaitState } from "../platform/machine-states.js";
import type { HttpRequest, HttpTransport } from "./http.js";
import { checkSegment } from "./path-safety.js";
import type { MachineConfig } from "./schemas.js";

/** Request and paging shapes of the REST client, and the plumbing every method shares. */

export type { ListFilterState, WaitState };
export type Signal = "SIGHUP" | "SIGINT" | "SIGQUIT" | "SIGKILL" | "SIGUSR1" | "SIGUSR2" | "SIGTERM";

export interface ListMachinesQuery {
  state?: readonly ListFilterState[];
  region?: string;
  /** Omits config, checks and events: cheap, but without sizes or images. */
  summary?: boolean;
  include_deleted?: boolean;
}

export interface OrgListQuery {
  state?: readonly string[];
  region?: string;
  summary?: boolean;
  include_deleted?: boolean;
  updated_after?: string;
}

export interface PageOptions {
  /** Advisory page size Fly may shorten; at most 1000. */
  pageSize?: number;
  /** Stop after this many pages and report `truncated`. */
  maxPages?: number;
}

export interface Paged<T> {
  items: T[];
  /** True when the walk stopped while Fly may have had more: maxPages reached, or a cursor repeated. */
  truncated: boolean;
  /** Regions Fly could not reach: the list is missing their machines. */
  errorRegions: string[];
}

export interface CreateMachineBody {
  name?: string;
  region?: string;
  config: MachineConfig;
  skip_launch?: boolean;
}

export interface UpdateMachineBody {
  config: MachineConfig;
  /** Optimistic concurrency: Fly refuses the update when the machine changed since this version. */
  current_version?: string;
  name?: string;
  region?: string;
  /** Leave the machine stopped after the update; without it Fly starts the machine. */
  skip_launch?: boolean;
  /** The machine gets the app's secrets of at least this version (spec UpdateMachineRequest; fly-go LaunchMachineInput). */
  min_secrets_version?: number;
}

export interface CreateVolumeBody {
  name: string;
  region: string;
  size_gb?: number;
  encrypted?: boolean;
  snapshot_id?: string;
  source_volume_id?: string;
  require_unique_zone?: boolean;
  snapshot_retention?: number;
  auto_backup_enabled?: boolean;
}

export interface AssignIpBody {
  type: string;
  region?: string;
  service_name?: string;
  network?: string;
  org_slug?: string;
}

const DEFAULT_MAX_PAGES = 50;

export function orgQuery(query: OrgListQuery): Record<string, string | boolean | undefined> {
  return {
    state: query.state?.length ? query.state.join(",") : undefined,
    region: query.region,
    summary: query.summary,
    include_deleted: query.include_deleted,
    updated_after: query.updated_after,
  };
}

/**
 * One path segment from an id or name, encoded the way Fly's Go clients do (url.PathEscape keeps
 * ':' and '@', which IPv6 needs). A value that would not stay one segment naming one resource
 * (empty, ".", "..", a slash, a percent escape, ...) is an UnsafePathError: nothing is sent.
 */
export function seg(value: string): string {
  checkSegment(value);
  return encodeURIComponent(value).replace(/%3A/gi, ":").replace(/%40/gi, "@");
}

export function machinePath(app: string, id: string): string {
  return `/v1/apps/${seg(app)}/machines/${seg(id)}`;
}

export function volumePath(app: string, id: string): string {
  return `/v1/apps/${seg(app)}/volumes/${seg(id)}`;
}

export function certPath(app: string, hostname: string): string {
  return `/v1/apps/${seg(app)}/certificates/${seg(hostname)}`;
}

export async function call<S extends z.ZodTypeAny>(
  http: HttpTransport,
  schema: S,
  req: HttpRequest,
): Promise<z.infer<S>> {
  return parseAnswer(schema, await http.request<unknown>(req), `${req.method} ${req.path}`);
}

/** An answer in the shape `schema` says, or an error naming the request (`what`) and the first problem. */
export function parseAnswer<S extends z.ZodTypeAny>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data as z.infer<S>;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  throw new FlyopsError(`unexpected response from ${what}${where}: ${issue?.message ?? "invalid"}`, {
    hint: "the Fly API answered in a shape flyops does not know; check FLY_API_HOSTNAME points at the Machines API",
  });
}

/**
 * Walks a cursor-paged listing. Fly calls the page size advisory: "Responses may be shorter, or
 * even empty, even when more machines remain", so only the cursor ends a walk, never a short or
 * empty page. A cursor seen before would loop forever; the walk stops there and, like a walk cut
 * at `maxPages`, reports `truncated` because it cannot tell whether more remain.
 */
export async function paginate<T>(
  pages: PageOptions,
  fetchPage: (
    cursor: string | undefined,
    limit: number | undefined,
  ) => Promise<{ items: T[]; next: string | null | undefined; errorRegions: string[] }>,
): Promise<Paged<T>> {
  const maxPages = pages.maxPages ?? DEFAULT_MAX_PAGES;
  const items: T[] = [];
  const errorRegions = new Set<string>();
  const seen = new Set<string>();
  const result = (truncated: boolean): Paged<T> => ({ items, truncated, errorRegions: [...errorRegions] });
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await fetchPage(cursor, pages.pageSize);
    items.push(...answer.items);
    answer.errorRegions.forEach((r) => errorRegions.add(r));
    const next = answer.next ?? "";
    if (next === "") return result(false);
    if (seen.has(next)) return result(true);
    seen.add(next);
    cursor = next;
  }
  return result(true);
}
