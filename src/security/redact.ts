/**
 * Redaction of tokens and credentials. Every text that leaves the process for a model, a log line
 * or the history file passes through a Redactor first. Over-redacting is cheap; a leak is not.
 */

export const REDACTED = "[REDACTED]";

// A character of a base64 / base64url token, or the `\/` that some JSON encoders write for `/`.
const TOKEN_CHAR = String.raw`(?:[A-Za-z0-9+/=_-]|\\/)`;
// Bearer tokens may be any RFC 6750 token68: base64url plus "." and "~".
const BEARER_CHAR = String.raw`(?:[A-Za-z0-9+/=_.~-]|\\/)`;
const FLY_PREFIX = String.raw`(?:fo1|fm1[ra]|fm2)_`;
// A value after a scheme or header name: stops at whitespace, quotes and JSON escapes, but not at `\/`.
const VALUE_CHAR = String.raw`(?:[^\s"'\\,]|\\/)`;

// Text already redacted is not a token: redaction is idempotent and containsToken(redact(x)) is false.
const NOT_MARKER = String.raw`(?!\[REDACTED\])`;

const SOURCES = [
  // Fly tokens, including comma-joined macaroon bundles ("fm2_a,fm2_b"). No leading word boundary on
  // purpose: "TOKEN=fo1_..." or "xfo1_..." must still be caught.
  String.raw`${FLY_PREFIX}${TOKEN_CHAR}{10,}(?:,${FLY_PREFIX}${TOKEN_CHAR}+)*`,
  // The credentials after a scheme, whatever their shape.
  String.raw`(?<=\b[Ff]ly[Vv]1\s+)${NOT_MARKER}${VALUE_CHAR}+(?:,${VALUE_CHAR}+)*`,
  String.raw`(?<=\b(?:[Bb]earer|BEARER)\s+)${BEARER_CHAR}{16,}`,
  // The whole value of an Authorization header: a header line, a JSON property, or escaped JSON in JSON.
  String.raw`(?<=\b(?:[Aa]uthorization|AUTHORIZATION)\\?["']?\s*[:=]\s*\\?["']?)${NOT_MARKER}(?:[^\s"'\\]|\\/)(?:[^"'\r\n\\]|\\/)*`,
  // Model API keys. The typed prefixes (sk-proj-, sk-ant-, ...) are distinctive enough to match anywhere;
  // a bare "sk-" must start a word, so that app names such as "task-queue-worker-production" stay readable.
  String.raw`sk-(?:proj|ant|svcacct|admin)-[A-Za-z0-9_-]{20,}`,
  String.raw`(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}`,
];

/**
 * Matches every token-shaped string. Global: use it with `replace`/`matchAll`, or call
 * `containsToken`, which does not depend on `lastIndex`.
 */
export const TOKEN_PATTERN = new RegExp(SOURCES.join("|"), "g");

export function containsToken(text: string): boolean {
  return new RegExp(TOKEN_PATTERN.source).test(text);
}

// Shorter values would blank ordinary words everywhere; no real credential is that short.
const MIN_KNOWN_LENGTH = 6;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The forms a credential takes once written into JSON, and once more into JSON inside JSON. */
function encodedForms(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [value, once, twice, once.replaceAll("/", "\\/")];
}

/** The parts of a credential that may also travel alone: without its scheme, each macaroon of a bundle. */
function credentialParts(value: string): string[] {
  const trimmed = value.trim();
  const bare = trimmed.replace(/^(?:FlyV1|Bearer)\s+/i, "");
  return [value, trimmed, bare, ...bare.split(",").map((part) => part.trim())];
}

export class Redactor {
  readonly #known = new Set<string>();
  #knownPattern: RegExp | undefined;

  constructor(knownValues: Iterable<string> = []) {
    for (const value of knownValues) this.add(value);
  }

  /** Registers the exact value of a credential the process holds (a token, an API key, a secret). */
  add(value: string): void {
    for (const part of credentialParts(value)) {
      if (part.length < MIN_KNOWN_LENGTH) continue;
      for (const form of encodedForms(part)) this.#known.add(form);
    }
    this.#knownPattern = undefined;
  }

  redact(text: string): string {
    let result = text;
    const known = this.#compiledKnown();
    if (known) result = result.replace(known, REDACTED);
    return result.replace(TOKEN_PATTERN, REDACTED);
  }

  #compiledKnown(): RegExp | undefined {
    if (this.#known.size === 0) return undefined;
    // Longest first, so a whole value wins over a part of it.
    const alternatives = [...this.#known].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#knownPattern ??= new RegExp(alternatives.join("|"), "g");
    return this.#knownPattern;
  }
}
