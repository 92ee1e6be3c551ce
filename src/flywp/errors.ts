import { FlyopsError } from "../errors.js";
import { FlyApiError } from "../fly/errors.js";
import { terminalSafe } from "../security/terminal-safe.js";

/**
 * Failures of FlyWP's API. FlyWP documents Bearer tokens with full account access, JSON in and
 * out, 60 requests a minute per token and a 422 that carries an `errors` field
 * (https://docs-2kj.pages.dev/api/overview). It says nothing more of the error body, so the
 * message takes `message` when there is one and lists every field of `errors` with its texts.
 * It is a FlyApiError so that a 404 reads as "not there" wherever a plan checks existence.
 */

export const FLYWP_TOKEN_HINT =
  "check FLYWP_API_TOKEN (or flywp.api_token in the config file); FlyWP's tokens are made under Account Settings > API Tokens";

export type FieldErrors = Record<string, string[]>;

export class FlyWpApiError extends FlyApiError {
  /** The 422's `errors`, field by field; empty for other statuses. */
  readonly fieldErrors: FieldErrors;

  constructor(init: { status: number; method: string; path: string; body: unknown; retryAfterMs?: number }) {
    const fieldErrors = fieldErrorsOf(init.body);
    super({ ...init, api: "FlyWP API", text: describe(init, fieldErrors) });
    this.fieldErrors = fieldErrors;
  }
}

/** No HTTP answer from FlyWP: refused, reset, or none in time. */
export class FlyWpNetworkError extends FlyopsError {
  readonly timedOut: boolean;

  constructor(init: { url: string; method: string; reason: string; timedOut: boolean; cause: unknown }) {
    super(
      init.timedOut
        ? `no answer from FlyWP to ${init.method} ${init.url} in time`
        : `could not reach FlyWP for ${init.method} ${init.url}: ${init.reason}`,
      { hint: "check your network connection and FLYWP_API_URL", cause: init.cause },
    );
    this.timedOut = init.timedOut;
  }
}

/** A listing with more pages than flyops reads: its records are never presented as the whole. */
export class FlyWpIncompleteError extends FlyopsError {
  constructor(path: string, pages: number) {
    super(
      `FlyWP's answer to GET ${path} has more than ${pages} pages; flyops reads no partial listing as the whole`,
      {
        hint: "ask about one server or site at a time",
      },
    );
  }
}

function describe(
  init: { status: number; method: string; path: string; body: unknown },
  fields: FieldErrors,
): { message: string; hint: string } {
  const what = `${init.method} ${init.path}`;
  const said = messageOf(init.body);
  const detail = said === undefined ? "" : `: ${said}`;
  switch (init.status) {
    case 401:
      return { message: `FlyWP API rejected the token (401) for ${what}${detail}`, hint: FLYWP_TOKEN_HINT };
    case 403:
      return {
        message: `FlyWP API refused ${what} (403 forbidden)${detail}`,
        hint: "the token cannot reach this server or site",
      };
    case 404:
      return {
        message: `not found: ${what} (404)${detail}`,
        hint: "`flyops flywp list servers` and `flyops flywp list sites --server ID` show the ids",
      };
    case 422: {
      const listed = Object.entries(fields).map(([field, texts]) => `${field}: ${texts.join("; ")}`);
      return {
        message: `FlyWP API refused ${what} (422)${listed.length > 0 ? `: ${listed.join("; ")}` : detail}`,
        hint: "fix the fields named above and try again",
      };
    }
    case 429:
      return {
        message: `FlyWP API rate limit reached (429) on ${what}`,
        hint: "FlyWP allows 60 requests a minute per token; wait a minute and try again",
      };
    default:
      return {
        message: `FlyWP API answered ${init.status} to ${what}${detail}`,
        hint:
          init.status >= 500
            ? "FlyWP had a problem; try again later"
            : "check the request; run with FLYOPS_DEBUG=1 for details",
      };
  }
}

function messageOf(body: unknown): string | undefined {
  if (typeof body === "string") return oneLine(body);
  if (body === null || typeof body !== "object") return undefined;
  const { message, error } = body as Record<string, unknown>;
  const text = typeof message === "string" ? message : typeof error === "string" ? error : undefined;
  return text === undefined ? undefined : oneLine(text);
}

// An answer's field names and texts are FlyWP's (or whatever FLYWP_API_URL points at): a message
// shows a few, short and terminal-safe.
const MAX_FIELDS = 10;
const MAX_TEXTS = 3;

/** `errors` as field → texts: Laravel-style `{"field": ["text"]}`, or a list of texts under "request". */
export function fieldErrorsOf(body: unknown): FieldErrors {
  if (body === null || typeof body !== "object") return {};
  const errors = (body as Record<string, unknown>).errors;
  const texts = (value: unknown): string[] =>
    (Array.isArray(value) ? value : [value])
      .filter((t): t is string => typeof t === "string")
      .slice(0, MAX_TEXTS)
      .map((t) => oneLine(t));
  if (Array.isArray(errors)) return { request: texts(errors) };
  if (errors === null || typeof errors !== "object") return {};
  const entries = Object.entries(errors as Record<string, unknown>)
    .map(([field, value]) => [oneLine(field, 60), texts(value)] as const)
    .filter(([, list]) => list.length > 0);
  const shown = entries.slice(0, MAX_FIELDS);
  if (entries.length > MAX_FIELDS) shown.push(["…", [`${entries.length - MAX_FIELDS} more field(s)`]]);
  return Object.fromEntries(shown);
}

function oneLine(text: string, max = 300): string {
  const line = terminalSafe(text.replace(/\s+/g, " ").trim());
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
