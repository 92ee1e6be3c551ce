import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "../logger.js";
import { authProblem } from "./auth.js";
import type { FaultInjector } from "./faults.js";
import { executeGraphQL } from "./graphql.js";
import { ApiError } from "./http-error.js";
import type { ServerRateLimiter } from "./rate-limit.js";
import { pathProblem, type Method, type Router } from "./router.js";
import type { SandboxStore } from "./store.js";
import { NONCE_HEADER } from "./leases.js";
import { FLYWP_PREFIX, type FlyWpSandbox } from "./flywp-api.js";

const MAX_BODY_BYTES = 1024 * 1024;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface SandboxServerOptions {
  store: SandboxStore;
  router: Router;
  token: string | undefined;
  latencyMs: number;
  faults: FaultInjector | undefined;
  limiter: ServerRateLimiter | undefined;
  /** FlyWP's API under FLYWP_PREFIX, with its own token and limit. */
  flywp?: FlyWpSandbox;
  log: Logger;
}

export interface SandboxServer {
  server: Server;
  /** Ends every request still open (long-polling waits) and every connection. */
  closeRequests: () => void;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined || status === 204 ? undefined : JSON.stringify(body);
  res.writeHead(status, {
    ...(text === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
    ...headers,
  });
  res.end(text);
}

function headerText(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === "" ? undefined : text;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, "request body is larger than 1 MB");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid JSON in request body");
  }
}

/**
 * One port, two APIs: the Machines REST API under /v1 and GraphQL at /graphql. Every request
 * goes through, in order: latency, fault injection (before anything is read or changed),
 * authentication, routing, the body, the rate limit of its bucket, then its handler.
 */
export function createSandboxServer(options: SandboxServerOptions): SandboxServer {
  const { store, router, token, latencyMs, faults, limiter, flywp, log } = options;
  const open = new Set<AbortController>();
  const closing = new AbortController();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const isGraphQL = url.pathname === "/graphql";
    const fail = (status: number, message: string, headers: Record<string, string> = {}): void =>
      send(res, status, isGraphQL ? { errors: [{ message }] } : { error: message }, headers);

    if (latencyMs > 0) await delay(latencyMs, undefined, { signal: closing.signal });
    // Another provider's API on the same port: its own token, limit and answers (flywp-api.ts).
    if (flywp && url.pathname.startsWith(`${FLYWP_PREFIX}/`)) {
      const body = BODY_METHODS.has(method) ? await readJson(req) : undefined;
      return flywp.serve(req, res, url.pathname, body);
    }
    const fault = faults?.next();
    if (fault?.kind === "drop") {
      log.debug(`sandbox: ${method} ${url.pathname} -> dropped connection (injected)`);
      req.socket.destroy();
      return;
    }
    if (fault) {
      log.debug(`sandbox: ${method} ${url.pathname} -> ${fault.status} (injected)`);
      const headers: Record<string, string> =
        fault.status === 429 ? { "retry-after": String(fault.retryAfterSeconds) } : {};
      fail(
        fault.status,
        fault.status === 429
          ? "rate limit exceeded (injected fault)"
          : "injected fault: upstream unavailable",
        headers,
      );
      return;
    }
    const problem = authProblem(req.headers.authorization, token);
    if (problem) return fail(401, problem);
    const badPath = pathProblem(req.url ?? "/");
    if (badPath) return fail(400, `invalid request path: ${badPath}`);

    if (isGraphQL) {
      if (method !== "POST") return fail(405, "GraphQL takes POST", { allow: "POST" });
      const result = await executeGraphQL(store, await readJson(req));
      return send(res, result.status, result.body);
    }

    const match = router.match(method, url.pathname);
    if (!match) return fail(404, `not found: ${method} ${url.pathname}`);
    if ("allowed" in match)
      return fail(405, `method ${method} not allowed on ${url.pathname}`, {
        allow: match.allowed.join(", "),
      });
    const { route, params } = match;
    const body = BODY_METHODS.has(method) ? await readJson(req) : undefined;
    if (limiter && route.limit) {
      const verdict = limiter.take(
        route.limit.action,
        route.limit.key({ params, query: url.searchParams, body }),
      );
      if (!verdict.allowed) {
        return fail(
          429,
          `rate limit exceeded for ${route.limit.action}; retry after ${verdict.retryAfterSeconds}s`,
          {
            "retry-after": String(verdict.retryAfterSeconds),
          },
        );
      }
    }
    const controller = new AbortController();
    open.add(controller);
    res.on("close", () => {
      controller.abort();
      open.delete(controller);
    });
    const result = await route.handle({
      method: method as Method,
      params,
      query: url.searchParams,
      body,
      leaseNonce: headerText(req.headers[NONCE_HEADER]),
      signal: controller.signal,
    });
    send(res, result.status, result.body);
  }

  const server = createServer((req, res) => {
    handle(req, res)
      .then(() => log.debug(`sandbox: ${req.method} ${req.url} -> ${res.statusCode}`))
      .catch((error: unknown) => {
        if (error instanceof ApiError) {
          const isGraphQL = req.url?.startsWith("/graphql") === true;
          send(
            res,
            error.status,
            isGraphQL
              ? { errors: [{ message: error.message }] }
              : { error: error.message, ...(error.code === undefined ? {} : { status: error.code }) },
            error.headers,
          );
          return;
        }
        if (closing.signal.aborted) return;
        log.warn(
          `sandbox: ${req.method} ${req.url} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        send(res, 500, { error: "internal error in the flyops sandbox" });
      });
  });
  server.keepAliveTimeout = 5_000;

  return {
    server,
    closeRequests: () => {
      closing.abort();
      open.forEach((c) => c.abort());
      server.closeAllConnections();
    },
  };
}
