export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteRequest {
  method: Method;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
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
