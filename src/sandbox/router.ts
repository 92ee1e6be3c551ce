export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteRequest {
  method: Method;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The `fly-machine-lease-nonce` header, when sent: it proves the sender holds the machine's lease. */
  leaseNonce: string | undefined;
  /** Aborts when the client goes away or the sandbox closes. */
  signal: AbortSignal;
}

export interface RouteResponse {
  status: number;
  /** Sent as JSON; undefined sends an empty body. */
  body?: unknown;
}

/** Rate-limit bucket of a request: Fly counts per action and per machine, app or org. */
export interface LimitBucket {
  action: string;
  key: (req: Pick<RouteRequest, "params" | "query" | "body">) => string;
}

export interface Route {
  method: Method;
  /** Path with `:name` segments, e.g. /v1/apps/:app_name/machines/:machine_id */
  path: string;
  limit?: LimitBucket;
  handle(req: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

export type RouteMatch = { route: Route; params: Record<string, string> } | { allowed: Method[] } | undefined;

/** A bucket keyed by a path parameter. */
export function per(action: string, param: string): LimitBucket {
  return { action, key: ({ params }) => params[param] ?? "" };
}

export function ok(body?: unknown, status = 200): RouteResponse {
  return { status, body };
}

// A dot segment, raw or percent-encoded in any case (".", "..", ".%2e", "%2E%2E"), as a whole segment.
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;
// An escaped "/" or "\", or a raw "\": a separator hidden inside a segment.
const HIDDEN_SEPARATOR = /%2f|%5c|\\/i;

/**
 * Why a raw request target (path and query, as sent) is refused, or undefined. A client that
 * resolves dot segments (undici does, by the WHATWG URL rules) turns /v1/apps/a/volumes/.. into
 * /v1/apps/a/, and a server that did the same would act on the app. Fly documents nothing here,
 * so the sandbox is strict: such a path, an empty segment or a trailing slash is a 400 and
 * changes nothing, before anything is routed or parsed.
 */
export function pathProblem(target: string): string | undefined {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  if (!path.startsWith("/")) return "the path must start with /";
  if (DOT_SEGMENT.test(path)) return "the path holds a dot segment (. or ..)";
  if (HIDDEN_SEPARATOR.test(path)) return "the path holds an escaped slash or a backslash";
  if (path !== "/" && path.slice(1).split("/").includes("")) return "the path holds an empty segment";
  return undefined;
}

/** Matches a path against the route table segment by segment; segments are percent-decoded. */
export class Router {
  private readonly routes: { route: Route; segments: string[] }[] = [];

  constructor(routes: readonly Route[]) {
    for (const route of routes) this.routes.push({ route, segments: route.path.split("/").filter(Boolean) });
  }

  list(): readonly Route[] {
    return this.routes.map((r) => r.route);
  }

  match(method: string, pathname: string): RouteMatch {
    let parts: string[];
    try {
      parts = pathname
        .split("/")
        .filter(Boolean)
        .map((p) => decodeURIComponent(p));
    } catch {
      return undefined;
    }
    const allowed: Method[] = [];
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? "";
    const part = parts[i] ?? "";
    if (segment.startsWith(":")) params[segment.slice(1)] = part;
    else if (segment !== part) return undefined;
  }
  return params;
}
