import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { UsageError } from "../errors.js";

/**
 * Who may talk to `flyops mcp --http`: a process on this machine that holds the server's bearer
 * token. The server listens on loopback only; a request must name a loopback host with the
 * server's port (a DNS-rebound name such as attacker.example resolving to 127.0.0.1 does not),
 * come from no browser page or a loopback one (Origin), and carry the token. The MCP spec asks
 * for exactly this of local servers: validate Origin, bind to localhost, authenticate
 * (modelcontextprotocol.io, specification 2025-11-25, basic/transports, "Security Warning").
 */

/** The host names `--host` may bind to: loopback, nothing else. */
export const LOOPBACK_HOSTS = ["127.0.0.1", "::1", "localhost"] as const;
export type LoopbackHost = (typeof LOOPBACK_HOSTS)[number];

// How a loopback host appears in a Host header or an origin's hostname (IPv6 in brackets).
const LOOPBACK_NAMES = new Set(["127.0.0.1", "[::1]", "localhost"]);

export const TOKEN_VARIABLE = "FLYOPS_MCP_TOKEN";
const MIN_TOKEN_LENGTH = 32;
// What an HTTP header value can carry as it is: visible ASCII, no blanks.
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;

export interface ServerToken {
  value: string;
  /** True when flyops made it: it is printed once, since nobody else knows it. */
  generated: boolean;
}

/** FLYOPS_MCP_TOKEN when set (long enough to guess no sooner than a generated one), else 32 random bytes. */
export function serverToken(env: NodeJS.ProcessEnv): ServerToken {
  const given = env[TOKEN_VARIABLE];
  if (given === undefined || given === "") {
    return { value: randomBytes(32).toString("base64url"), generated: true };
  }
  if (given.length < MIN_TOKEN_LENGTH || !TOKEN_SHAPE.test(given)) {
    throw new UsageError(
      `${TOKEN_VARIABLE} must be at least ${MIN_TOKEN_LENGTH} visible ASCII characters with no blanks`,
      { hint: `unset it to have flyops generate one, or use e.g. \`openssl rand -base64 32\`` },
    );
  }
  return { value: given, generated: false };
}

export interface Refusal {
  status: 401 | 403;
  message: string;
}

/** Why a request is refused, or undefined when it may be served. Checked before anything is parsed. */
export function refuseRequest(req: IncomingMessage, token: string, port: number): Refusal | undefined {
  const hosts = req.headersDistinct.host ?? [];
  if (hosts.length !== 1 || !loopbackHost(hosts[0]!, port)) {
    return { status: 403, message: "refused: the Host header must name this server on loopback" };
  }
  const origins = req.headersDistinct.origin ?? [];
  if (origins.length > 1 || (origins.length === 1 && !loopbackOrigin(origins[0]!))) {
    return { status: 403, message: "refused: requests from other origins are not served" };
  }
  const authorizations = req.headersDistinct.authorization ?? [];
  if (authorizations.length !== 1 || !bearerMatches(authorizations[0]!, token)) {
    return {
      status: 401,
      message: "refused: a bearer token is required (the one flyops mcp printed, or FLYOPS_MCP_TOKEN)",
    };
  }
  return undefined;
}

function loopbackHost(header: string, port: number): boolean {
  const colon = header.lastIndexOf(":");
  if (colon < 0) return false;
  const name = header.slice(0, colon).toLowerCase();
  return LOOPBACK_NAMES.has(name) && header.slice(colon + 1) === String(port);
}

/** A page served from this machine over http(s); `null` (sandboxed frames, files) is not one. */
function loopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK_NAMES.has(url.hostname);
}

function bearerMatches(header: string, token: string): boolean {
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== "bearer") return false;
  return sameSecret(header.slice(space + 1).trim(), token);
}

/** Compared in constant time: digests first, so that neither the length nor a prefix shows in the timing. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
