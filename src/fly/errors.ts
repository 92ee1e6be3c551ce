import { FlyopsError } from "../errors.js";

/**
 * Failures of the Fly APIs, each a one-line message a person can act on. Messages name the
 * method and path (never the token, never a header) and carry Fly's own `error` text.
 */

const TOKEN_HINT =
  "check FLY_API_TOKEN (or FLY_ACCESS_TOKEN, or fly.api_token in the config file); create one with `fly tokens create org` or `fly auth token`";

export interface FlyApiErrorInit {
  status: number;
  method: string;
  path: string;
  body?: unknown;
  /** Which API answered, for the message: "Machines API" or "GraphQL API". */
  api?: string;
  /** Server-requested wait before a retry (from Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** Message and hint of another provider's API (FlyWP), whose words and fixes are not Fly's. */
  text?: { message: string; hint: string };
}

export class FlyApiError extends FlyopsError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** Fly's `error` text from the JSON body, when it sent one. */
  readonly flyError: string | undefined;
  readonly body: unknown;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: FlyApiErrorInit) {
    const flyError = flyErrorText(init.body);
    const { message, hint } = init.text ?? describeStatus(init, flyError);
    super(message, { hint });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.flyError = flyError;
    this.body = init.body;
    this.isRetryable = isRetryableStatus(init.status);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The request never got an HTTP answer: refused, reset, DNS failure, or no answer in time. */
export class FlyNetworkError extends FlyopsError {
  readonly url: string;
  readonly isRetryable: boolean;
  readonly timedOut: boolean;

  constructor(init: { url: string; method: string; reason: string; timedOut?: boolean; cause?: unknown }) {
    const timedOut = init.timedOut ?? false;
    const message = timedOut
      ? `no answer from ${init.method} ${init.url} in time (${init.reason})`
      : `could not reach ${init.method} ${init.url}: ${init.reason}`;
    const hint = timedOut
      ? "the Fly API is slow or unreachable; retry, or check your network and FLY_API_HOSTNAME / FLY_GRAPHQL_URL"
      : "check your network connection and FLY_API_HOSTNAME / FLY_GRAPHQL_URL";
    super(message, { hint, cause: init.cause });
    this.url = init.url;
    // Whether it is safe to retry depends on the request's idempotency, which the transport decides.
    this.isRetryable = true;
    this.timedOut = timedOut;
  }
}

export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** A GraphQL response that carried `errors` (HTTP 200 with a failed operation). */
export class FlyGraphQLError extends FlyopsError {
  readonly operationName: string;
  readonly errors: readonly GraphQLErrorEntry[];

  constructor(operationName: string, errors: readonly GraphQLErrorEntry[]) {
    const first = oneLine(errors[0]?.message ?? "unknown error");
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    const authProblem = errors.some((e) => /unauthori[sz]ed|not authori[sz]ed|authenticat/i.test(e.message));
    const hint = authProblem
      ? TOKEN_HINT
      : "check the org slug or names in the request; run with FLYOPS_DEBUG=1 for details";
    super(`Fly GraphQL ${operationName} failed: ${first}${more}`, { hint });
    this.operationName = operationName;
    this.errors = errors;
  }
}

export function isRetryableStatus(status: number): boolean {
  // 501 and 505 say the server will never do this; retrying cannot help.
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Fly answers errors as `{"error": "..."}`; GraphQL as `{"errors": [...]}`; proxies with `message` or plain text. */
export function flyErrorText(body: unknown): string | undefined {
  let text: string | undefined;
  if (typeof body === "string") text = body;
  else if (body !== null && typeof body === "object") {
    const record = body as Record<string, unknown>;
    if (typeof record.error === "string") text = record.error;
    else if (typeof record.message === "string") text = record.message;
    else if (Array.isArray(record.errors)) text = graphQLMessage(record.errors[0]);
  }
  if (text === undefined) return undefined;
  const line = oneLine(text);
  return line === "" ? undefined : line;
}

function graphQLMessage(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object") return undefined;
  const message = (entry as Record<string, unknown>).message;
  return typeof message === "string" ? message : undefined;
}

function oneLine(text: string, max = 300): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function describeStatus(
  init: FlyApiErrorInit,
  flyError: string | undefined,
): { message: string; hint: string } {
  const api = init.api ?? "Fly API";
  const what = `${init.method} ${init.path}`;
  const detail = flyError === undefined ? "" : `: ${flyError}`;
  const { status } = init;
  if (status === 401) {
    return { message: `${api} rejected the token (401) for ${what}${detail}`, hint: TOKEN_HINT };
  }
  if (status === 403) {
    return {
      message: `${api} refused ${what} (403 forbidden)${detail}`,
      hint: "the token has no access to this app or org; use a token for that org (`fly tokens create org -o ORG`) or check --org / FLY_ORG",
    };
  }
  if (status === 404) {
    return {
      message: `not found: ${what} (404)${detail}`,
      hint: notFoundHint(init.path),
    };
  }
  if (status === 408) {
    return {
      message: `${api} timed out on ${what} (408)${detail}`,
      hint: "Fly gave up waiting; retry, or wait for a shorter time (Fly allows at most 60s per wait)",
    };
  }
  if (status === 409) {
    return {
      message: `conflict on ${what} (409)${detail}`,
      hint: "the resource changed or is busy; look at its current state and retry",
    };
  }
  if (status === 412) {
    return {
      message: `${api} refused ${what} (412): the machine or volume is not in a state that allows this${detail}`,
      hint: stateHint(init.path),
    };
  }
  if (status === 422) {
    return {
      message: `${api} rejected the request as invalid (422) for ${what}${detail}`,
      hint: "fix the input Fly names in the message; the API reference is at https://fly.io/docs/machines/api/",
    };
  }
  if (status === 429) {
    return {
      message: `rate limited by ${api} (429) on ${what}${detail}`,
      hint: "Fly limits requests per action and machine; wait a little and retry, or do less at once",
    };
  }
  if (status >= 500) {
    return {
      message: `${api} failed with ${status} on ${what}${detail}`,
      hint: "a failure on Fly's side; retry later and check https://status.flyio.net",
    };
  }
  return {
    message: `${api} answered ${status} to ${what}${detail}`,
    hint: "check the request's arguments; run with FLYOPS_DEBUG=1 for details",
  };
}

/** A path segment as the person wrote it. */
function pathPart(value: string | undefined): string {
  try {
    return decodeURIComponent(value ?? "");
  } catch {
    return value ?? "";
  }
}

/** Where to list what does exist, for the kind of thing the path names. */
function notFoundHint(path: string): string {
  const inApp = /^\/v1\/apps\/([^/]+)\/(machines|volumes|certificates|ip_assignments|secrets)\//.exec(path);
  if (inApp) {
    const list = {
      machines: "machines",
      volumes: "volumes",
      certificates: "certs",
      ip_assignments: "ips",
      secrets: "secrets",
    }[inApp[2] as "machines"];
    return `list what app ${pathPart(inApp[1])} has with \`flyops fly list ${list} --app ${pathPart(inApp[1])}\``;
  }
  return "check the app name and the org; list the apps with `flyops fly list apps`";
}

/** Where to look when Fly refuses an action for the state a machine or volume is in (412). */
function stateHint(path: string): string {
  const part = (value: string | undefined): string => {
    try {
      return decodeURIComponent(value ?? "");
    } catch {
      return value ?? "";
    }
  };
  const machine = /^\/v1\/apps\/([^/]+)\/machines\/([^/]+)/.exec(path);
  if (machine) {
    return `the machine is not in a state that allows this; check its current state with \`flyops fly get machine ${part(machine[2])} --app ${part(machine[1])}\`, and retry once it has settled`;
  }
  const volume = /^\/v1\/apps\/([^/]+)\/volumes/.exec(path);
  if (volume) {
    return `the volume is not in a state that allows this (attached to a machine, or still being created or destroyed); check it with \`flyops fly list volumes --app ${part(volume[1])}\``;
  }
  return "the machine or volume is not in a state that allows this; check its current state with `flyops fly get machine ID --app APP`, and retry once it has settled";
}
