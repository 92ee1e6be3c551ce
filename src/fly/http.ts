import { request as undiciRequest, type Dispatcher } from "undici";
import { RefusedError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { VERSION } from "../version.js";
import { authorizationHeader, type TokenAudience } from "./auth-header.js";
import { systemClock, type Clock } from "./clock.js";
import { FlyApiError, FlyNetworkError, isRetryableStatus } from "./errors.js";
import type { RateLimiter } from "./limiter.js";
import { noteChangeSent } from "./change-tracker.js";
import { checkRequestPath } from "./path-safety.js";
import { refuseUnlessRead, type ReadOnlyMode } from "./read-only.js";
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from "./retry.js";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Full path including "/v1", e.g. "/v1/apps/my-app/machines". */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Default true for GET/PUT/DELETE, false for POST/PATCH. Only idempotent calls are retried blindly. */
  idempotent?: boolean;
  /** Client-side limiter bucket, e.g. {action: "machines_stop", key: machineId}. */
  limit?: { action: string; key: string };
  /**
   * Asked before resending a request whose earlier attempt may have been carried out (its
   * answer was lost to a reset, a timeout or a 5xx): reads back whether the work is done, and a
   * value other than undefined is taken as the answer instead of resending. An extend, which Fly
   * refuses once the volume has its new size, re-reads the volume here.
   */
  alreadyDone?: () => Promise<unknown>;
  /**
   * For a DELETE of something the caller has just read and found: a 404 on a resend, after an
   * earlier attempt may have been carried out (a 5xx, a lost answer), is that attempt's own work
   * and counts as done. Without it a 404 is always an error: the thing may never have existed.
   */
  goneOnRetry?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Request headers of this call only (a lease nonce); never authorization. */
  headers?: Record<string, string>;
  /**
   * Whether sending it may change something, for the change counter (change-tracker.ts): every
   * method but GET unless false (taking and releasing a lease change nothing of the machine).
   */
  countsAsChange?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The call's own headers (HttpRequest.headers), when it has any. */
  headers?: Record<string, string>;
}

export interface HttpTransportOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  maxRetries?: number;
  onRequest?: (r: RecordedRequest) => void;
  limiter?: RateLimiter;
  log?: Logger;
  /** Names the API in error messages ("Machines API", "GraphQL API"). */
  apiName?: string;
  /** Which parts of a mixed token bundle the API takes (see auth-header.ts); default "machines". */
  tokenAudience?: TokenAudience;
  clock?: Clock;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  dispatcher?: Dispatcher;
  /** Refuse, before sending, every request that could change something (read-only.ts). */
  readOnly?: ReadOnlyMode;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

// Secret values are never fetched: Fly returns plaintext for these, and flyops must not hold them.
const DECRYPT_PATH = /\/secretkeys\/.+\/decrypt\/?$/i;
// Network failures where the request provably never reached the server: safe to resend even for a POST.
const NEVER_SENT_CODES = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "EAI_AGAIN"]);
// Failures after the request may have been sent: resend only what is idempotent.
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

interface Attempt<T> {
  value?: T;
  error?: FlyApiError | FlyNetworkError;
  /** Whether this particular failure may be sent again. */
  retry: boolean;
  /** Whether the server may have carried the request out although it failed (a 5xx, a lost answer). */
  mayHaveActed?: boolean;
  retryAfterMs?: number;
}

/**
 * The one way flyops talks HTTP to Fly: timeouts, retries, pacing, typed errors.
 * Idempotent calls retry on 429, 5xx and broken connections with jittered backoff honouring
 * Retry-After. A POST or PATCH is resent only when the server cannot have acted on it: a 429
 * (Fly's limiter refused it before the handler ran) or a connection that was never opened.
 * A POST whose connection reset mid-flight, or that got a 5xx, may have created something and
 * is not resent. Why this is a small loop and not undici's RetryAgent: see retry.ts.
 *
 * A resent request whose earlier attempt may have been carried out must not turn that success
 * into a failure: a DELETE that opts in with `goneOnRetry` (its caller read the thing first and
 * found it) and is answered 404 on such a retry has found its own earlier work, so it succeeds;
 * other requests can name an `alreadyDone` check that is asked before resending.
 */
export class HttpTransport {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly options: HttpTransportOptions;
  private readonly clock: Clock;
  readonly #log: Logger;

  constructor(options: HttpTransportOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.token = options.token;
    this.authorization = authorizationHeader(options.token, options.tokenAudience);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (options.maxRetries !== undefined) this.policy.maxRetries = options.maxRetries;
    this.clock = options.clock ?? systemClock;
    this.#log = options.log ?? silentLogger;
  }

  /** Where this transport's warnings go (the lease release of a machine change reports there). */
  get log(): Logger {
    return this.#log;
  }

  /** Resolves to the parsed JSON body, or undefined when the body is empty. */
  async request<T>(req: HttpRequest): Promise<T> {
    // Before anything else: a path that undici or a server would rewrite names another resource.
    checkRequestPath(req.path);
    const query = encodeQuery(req.query);
    refuseSecretReads(req.path, query);
    if (this.options.readOnly) await refuseUnlessRead(this.options.readOnly, req.method, req.path, req.body);
    this.options.onRequest?.({
      method: req.method,
      path: req.path,
      query,
      body: req.body,
      ...(req.headers === undefined ? {} : { headers: { ...req.headers } }),
    });
    const idempotent =
      req.idempotent ?? (req.method === "GET" || req.method === "PUT" || req.method === "DELETE");
    const search = new URLSearchParams(query).toString();
    const url = `${this.baseUrl}${req.path}${search === "" ? "" : `?${search}`}`;
    let mayHaveActed = false;
    for (let retry = 0; ; retry++) {
      if (mayHaveActed && req.alreadyDone) {
        const done = await this.checkDone(req);
        if (done !== undefined) return done as T;
      }
      if (req.limit) await this.options.limiter?.acquire(req.limit.action, req.limit.key, req.signal);
      if (req.method !== "GET" && req.countsAsChange !== false) noteChangeSent();
      const attempt = await this.attempt<T>(req, url, idempotent);
      if (attempt.error === undefined) return attempt.value as T;
      if (mayHaveActed && req.goneOnRetry === true && req.method === "DELETE" && isNotFound(attempt.error)) {
        this.#log.debug(`${req.method} ${req.path}: 404 on a retry; the earlier attempt did it`);
        return undefined as T;
      }
      mayHaveActed ||= attempt.mayHaveActed === true;
      const exhausted = !attempt.retry || retry >= this.policy.maxRetries;
      const tooLong = (attempt.retryAfterMs ?? 0) > this.policy.maxRetryAfterMs;
      if (exhausted || tooLong) throw attempt.error;
      const waitMs = backoffDelay(retry, this.policy, attempt.retryAfterMs, this.options.random);
      this.#log.debug(
        `${req.method} ${req.path}: ${attempt.error.message}; retry ${retry + 1} in ${waitMs}ms`,
      );
      await this.clock.sleep(waitMs, req.signal);
    }
  }

  /** Asks `alreadyDone`; a failing check only means the request is sent again. */
  private async checkDone(req: HttpRequest): Promise<unknown> {
    try {
      return await req.alreadyDone?.();
    } catch (error) {
      if (req.signal?.aborted) throw error;
      this.#log.debug(`${req.method} ${req.path}: could not check whether it is done; sending it again`);
      return undefined;
    }
  }

  private async attempt<T>(req: HttpRequest, url: string, idempotent: boolean): Promise<Attempt<T>> {
    const timeout = AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      ...req.headers,
      authorization: this.authorization,
      accept: "application/json",
      "user-agent": `flyops/${VERSION}`,
    };
    if (req.body !== undefined) headers["content-type"] = "application/json";
    let status: number;
    let text: string;
    let retryAfter: string | undefined;
    try {
      const response = await undiciRequest(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
        dispatcher: this.options.dispatcher,
      });
      status = response.statusCode;
      retryAfter = headerValue(response.headers["retry-after"]);
      text = await response.body.text();
    } catch (error) {
      // The caller's own abort is not a network failure; let it through untouched.
      if (req.signal?.aborted) throw req.signal.reason;
      return this.networkFailure(req, url, idempotent, error, timeout.aborted);
    }
    text = this.scrub(text);
    const body = parseBody(text);
    if (status >= 200 && status < 300) return { value: body as T, retry: false };
    const retryAfterMs = parseRetryAfter(retryAfter);
    const error = new FlyApiError({
      status,
      method: req.method,
      path: req.path,
      body,
      api: this.options.apiName,
      retryAfterMs,
    });
    // A 429 means Fly's limiter turned the request away before any handler ran: even a POST may go again.
    return {
      error,
      retry: isRetryableStatus(status) && (idempotent || status === 429),
      mayHaveActed: status >= 500,
      retryAfterMs,
    };
  }

  private networkFailure<T>(
    req: HttpRequest,
    url: string,
    idempotent: boolean,
    error: unknown,
    timedOut: boolean,
  ): Attempt<T> {
    const code = errorCode(error);
    const reason = timedOut
      ? `timeout after ${req.timeoutMs ?? this.timeoutMs}ms`
      : describeCause(error, code);
    const failure = new FlyNetworkError({
      url: redactUrl(url),
      method: req.method,
      reason,
      timedOut,
      cause: error,
    });
    const neverSent = code !== undefined && NEVER_SENT_CODES.has(code);
    const transient = timedOut || (code !== undefined && TRANSIENT_CODES.has(code));
    return { error: failure, retry: neverSent || (idempotent && transient), mayHaveActed: !neverSent };
  }

  // An API that echoes the request back must not carry the token into an error message.
  // Each part of a bundle too: the header may carry only some of them.
  private scrub(text: string): string {
    let out = text;
    for (const secret of [this.token, ...this.token.split(",")]) {
      const value = secret.trim();
      if (value.length >= 8 && out.includes(value)) out = out.split(value).join("[REDACTED]");
    }
    return out;
  }
}

function isNotFound(error: FlyApiError | FlyNetworkError): boolean {
  return error instanceof FlyApiError && error.status === 404;
}

function refuseSecretReads(path: string, query: Record<string, string>): void {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape cannot hide a decrypt path any better than the raw text does.
  }
  const withoutQuery = (p: string): string => p.split("?")[0] ?? p;
  if (DECRYPT_PATH.test(withoutQuery(path)) || DECRYPT_PATH.test(withoutQuery(decoded))) {
    throw new RefusedError(`refused to call ${path}: flyops never decrypts secret keys`);
  }
  if (/show_secrets/i.test(decoded) || Object.keys(query).some((k) => k.toLowerCase() === "show_secrets")) {
    throw new RefusedError(`refused to send show_secrets to ${path}: flyops never reads secret values`);
  }
}

function encodeQuery(query: HttpRequest["query"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) out[key] = String(value);
  }
  return out;
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === "string" && code !== "UND_ERR_ABORTED") return code;
  }
  return undefined;
}

function describeCause(error: unknown, code: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}

function redactUrl(url: string): string {
  // Query strings are for filters, but a URL with credentials in it must never reach a message.
  return url.replace(/\/\/[^/@]*@/, "//");
}
