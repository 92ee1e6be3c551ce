import { request as undiciRequest, type Dispatcher } from "undici";
import { silentLogger, type Logger } from "../logger.js";
import { VERSION } from "../version.js";
import { systemClock, type Clock } from "../fly/clock.js";
import { isRetryableStatus } from "../fly/errors.js";
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from "../fly/retry.js";
import { RequestBudget } from "./budget.js";
import { FlyWpApiError, FlyWpIncompleteError, FlyWpNetworkError } from "./errors.js";

export const DEFAULT_FLYWP_URL = "https://app.flywp.com/api/v1";
const DEFAULT_TIMEOUT_MS = 30_000;
/** Pages of one listing read at most; FlyWP's docs give no page size. */
export const MAX_PAGES = 50;
// Failures where the request provably never reached FlyWP: safe to send again, even a POST.
const NEVER_SENT = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "EAI_AGAIN"]);

export interface FlyWpRequest {
  method: "GET" | "POST";
  /** Below the base URL, e.g. "/servers/3/sites"; every id in it is a whole number. */
  path: string;
  body?: unknown;
  signal?: AbortSignal;
}

export interface FlyWpClientOptions {
  /** https://app.flywp.com/api/v1, or FLYWP_API_URL. */
  baseUrl: string;
  token: string;
  budget?: RequestBudget;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  random?: () => number;
  log?: Logger;
  dispatcher?: Dispatcher;
  /** Sees every request before it is sent (method and path; never headers). */
  onRequest?: (r: { method: string; path: string; body: unknown }) => void;
}

interface Answer {
  status: number;
  body: unknown;
  retryAfterMs: number | undefined;
}

/**
 * The one way flyops talks HTTP to FlyWP: Bearer token, JSON, a timeout on every call, the
 * token's budget paced from FlyWP's rate-limit headers (budget.ts), and retries only where a
 * resend cannot do the work twice: a GET on 429, 5xx or a lost connection; a POST only when
 * FlyWP never saw it (a 429, or a connection never opened). Errors are FlyWpApiError.
 */
export class FlyWpClient {
  readonly budget: RequestBudget;
  private readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly options: FlyWpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.budget = options.budget ?? new RequestBudget({ clock: options.clock });
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
  }

  async request<T>(req: FlyWpRequest): Promise<T> {
    return unwrap(await this.exchange(req)) as T;
  }

  /**
   * Every record of a listing. FlyWP's docs show no list body; a paginated one (`data` with
   * `meta.current_page`/`last_page` or `links.next`, as Laravel pages) is followed page by page
   * with `?page=N`, never through the URL it names, up to MAX_PAGES: past that, an error, since a
   * first page presented as the whole would make every count wrong.
   */
  async list(path: string, signal?: AbortSignal): Promise<unknown> {
    const items: unknown[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await this.exchange({
        method: "GET",
        path: page === 1 ? path : `${path}?page=${page}`,
        signal,
      });
      const data = unwrap(body);
      if (!Array.isArray(data)) return data;
      items.push(...(data as unknown[]));
      if (!hasNextPage(body, page)) return items;
    }
    throw new FlyWpIncompleteError(path, MAX_PAGES);
  }

  private async exchange(req: FlyWpRequest): Promise<unknown> {
    // Paths are built from whole numbers and fixed words (and a page number): anything else is a bug, never sent.
    if (!/^\/[A-Za-z0-9/_-]*(?:\?page=\d{1,4})?$/.test(req.path) || /\/\/|\/$|\/\?/.test(req.path))
      throw new Error(`not a FlyWP API path: ${req.path}`);
    this.options.onRequest?.({ method: req.method, path: req.path, body: req.body });
    const idempotent = req.method === "GET";
    for (let retry = 0; ; retry++) {
      await this.budget.take(req.signal);
      let answer: Answer;
      try {
        answer = await this.send(req);
      } catch (error) {
        if (req.signal?.aborted) throw req.signal.reason;
        const code = errorCode(error);
        const timedOut = error instanceof Error && error.name === "TimeoutError";
        const failure = new FlyWpNetworkError({
          url: `${this.baseUrl}${req.path}`,
          method: req.method,
          reason: timedOut ? "timeout" : error instanceof Error ? error.message : String(error),
          timedOut,
          cause: error,
        });
        const again = (code !== undefined && NEVER_SENT.has(code)) || idempotent;
        if (!again || retry >= this.policy.maxRetries) throw failure;
        await this.wait(retry, undefined, req);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      const error = new FlyWpApiError({ ...req, status: answer.status, body: answer.body });
      const again = isRetryableStatus(answer.status) && (idempotent || answer.status === 429);
      const tooLong = (answer.retryAfterMs ?? 0) > this.policy.maxRetryAfterMs;
      if (!again || tooLong || retry >= this.policy.maxRetries) throw error;
      this.log.debug(`${req.method} ${req.path}: ${error.message}; retrying`);
      await this.wait(retry, answer.retryAfterMs, req);
    }
  }

  private async wait(retry: number, retryAfterMs: number | undefined, req: FlyWpRequest): Promise<void> {
    await this.clock.sleep(backoffDelay(retry, this.policy, retryAfterMs, this.options.random), req.signal);
  }

  private async send(req: FlyWpRequest): Promise<Answer> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const response = await undiciRequest(`${this.baseUrl}${req.path}`, {
      method: req.method,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        accept: "application/json",
        "user-agent": `flyops/${VERSION}`,
        ...(req.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: req.signal ? AbortSignal.any([req.signal, timeout]) : timeout,
      dispatcher: this.options.dispatcher,
    });
    this.budget.observe(
      header(response.headers["x-ratelimit-limit"]),
      header(response.headers["x-ratelimit-remaining"]),
    );
    const text = this.scrub(await response.body.text());
    return {
      status: response.statusCode,
      body: parse(text),
      retryAfterMs: parseRetryAfter(header(response.headers["retry-after"])),
    };
  }

  // An API that echoes a request back must not carry the token into a message or a result.
  private scrub(text: string): string {
    const token = this.options.token.trim();
    return token.length >= 8 ? text.split(token).join("[REDACTED]") : text;
  }
}

/** Whether a page says another follows: a later `meta.last_page`, or a `links.next`. */
function hasNextPage(body: unknown, page: number): boolean {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const { meta, links } = body as { meta?: unknown; links?: unknown };
  const last =
    meta !== null && typeof meta === "object" ? (meta as { last_page?: unknown }).last_page : undefined;
  const next = links !== null && typeof links === "object" ? (links as { next?: unknown }).next : undefined;
  return (typeof last === "number" && last > page) || (typeof next === "string" && next !== "");
}

/** FlyWP's docs do not show a response body; a `{"data": …}` envelope is taken off when there is one. */
function unwrap(body: unknown): unknown {
  if (body !== null && typeof body === "object" && !Array.isArray(body) && "data" in body) return body.data;
  return body;
}

function parse(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}
