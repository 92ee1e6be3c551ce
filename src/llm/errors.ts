import { FlyopsError } from "../errors.js";

/**
 * A model request that failed in a way the person can act on: the server is unreachable, the key was
 * refused, the provider is rate limiting. Messages are one line, name the URL, and never carry a key.
 */
export class ModelError extends FlyopsError {}

/** Where a failed request went and which variables steer it, so messages can name the fix. */
export interface ModelEndpoint {
  /** Provider label for messages, e.g. "OpenAI" or "the OpenAI-compatible server". */
  label: string;
  baseUrl: string;
  /** Variables that set the base URL, most specific first. */
  baseUrlVariables: readonly string[];
  /** Variable holding the key, when the provider takes one. */
  keyVariable?: string;
  /** The key value itself, scrubbed from any server text quoted in a message. */
  apiKey?: string;
}

/** What went wrong, with the SDK's own classes already told apart by the adapter. */
export type ModelFailure =
  | { kind: "connection"; cause: unknown }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "aborted" }
  | { kind: "status"; status: number; detail?: string | null }
  /** An error event inside an otherwise successful stream (e.g. the provider overloaded mid-reply). */
  | { kind: "stream"; detail?: string | null };

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CLOSED: "connection closed by the server",
  CERT_HAS_EXPIRED: "TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate could not be verified",
};

/** Builds the one ModelError for a failure; the SDK error stays as `cause` for --verbose debugging. */
export function modelError(failure: ModelFailure, given: ModelEndpoint, cause?: unknown): ModelError {
  const endpoint = { ...given, baseUrl: displayUrl(given.baseUrl) };
  const url = endpoint.baseUrl;
  const urlVars = endpoint.baseUrlVariables.join(" or ");
  switch (failure.kind) {
    case "connection":
      return new ModelError(`could not reach the model server at ${url}: ${networkReason(failure.cause)}`, {
        hint: `check that the server is running and that ${urlVars} points at it`,
        cause,
      });
    case "timeout":
      return new ModelError(
        `the model server at ${url} did not answer within ${Math.round(failure.timeoutMs / 1000)}s`,
        { hint: `check that the server at ${url} is healthy, or try a smaller model`, cause },
      );
    case "aborted":
      return new ModelError("the model request was cancelled", { cause });
    case "status":
      return statusError(failure.status, failure.detail, endpoint, cause);
    case "stream": {
      const detail = oneLine(failure.detail, endpoint.apiKey);
      return new ModelError(`${endpoint.label} at ${url} failed mid-reply${detail ? `: ${detail}` : ""}`, {
        hint: "the provider is having trouble; try again shortly",
        cause,
      });
    }
  }
}

function statusError(
  status: number,
  rawDetail: string | null | undefined,
  endpoint: ModelEndpoint,
  cause: unknown,
): ModelError {
  const url = endpoint.baseUrl;
  const detail = oneLine(rawDetail, endpoint.apiKey);
  const suffix = detail ? `: ${detail}` : "";
  const keyHint = endpoint.keyVariable
    ? `check ${endpoint.keyVariable}`
    : "check the server's authentication settings";
  if (status === 401) {
    // Providers quote part of a rejected key in 401 bodies; the message names the variable instead.
    return new ModelError(`${endpoint.label} at ${url} rejected the API key (401)`, {
      hint: `${keyHint}: it is missing, mistyped, or revoked`,
      cause,
    });
  }
  if (status === 403) {
    return new ModelError(`${endpoint.label} at ${url} refused the request (403)${suffix}`, {
      hint: `${keyHint}: the key may lack access to this model`,
      cause,
    });
  }
  if (status === 404) {
    return new ModelError(`${endpoint.label} at ${url} answered 404 (model or endpoint not found)${suffix}`, {
      hint: `check the model name (--model provider:name) and that ${endpoint.baseUrlVariables.join(" or ")} is the API base URL`,
      cause,
    });
  }
  if (status === 429) {
    return new ModelError(`${endpoint.label} at ${url} is rate limiting requests (429)${suffix}`, {
      hint: "wait a minute and try again, or check the account's quota",
      cause,
    });
  }
  if (status >= 500) {
    return new ModelError(`${endpoint.label} at ${url} failed with ${status}${suffix}`, {
      hint: "the provider is having trouble; try again shortly",
      cause,
    });
  }
  return new ModelError(`${endpoint.label} at ${url} rejected the request (${status})${suffix}`, {
    hint: "check the model name and that the server supports tool calling",
    cause,
  });
}

/** Names the network reason from the innermost error code (fetch wraps the socket error in `cause`). */
export function networkReason(error: unknown): string {
  const code = networkCode(error);
  return code === undefined ? "connection failed" : (NETWORK_CODES[code] ?? code);
}

/** The first known socket/TLS error code in an error's cause chain (or an AggregateError's first member). */
export function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; typeof e === "object" && e !== null && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code in NETWORK_CODES) return code;
    const errors = (e as { errors?: unknown }).errors;
    e = Array.isArray(errors) && errors.length > 0 ? errors[0] : (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A base URL may carry user:password for a proxy; messages show it without them. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

function oneLine(text: string | null | undefined, secret: string | undefined): string {
  if (!text) return "";
  let line = text.replace(/\s+/g, " ").trim();
  if (secret) line = line.split(secret).join("[redacted]");
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
