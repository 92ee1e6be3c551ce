/**
 * Redaction of tokens and credentials. Every text that leaves the process for a model, a log line,
 * the history file or the terminal passes through a Redactor first. Over-redacting is cheap; a leak
 * is not.
 *
 * Linear time on any input. A credential that follows a name (`FlyV1 …`, `Bearer …`,
 * `Authorization: …`) may begin only where that name and the blanks after it end; those places are
 * found once, forwards, before the scan, so no pattern looks behind itself over an unbounded run of
 * whitespace (which made every position of a long run cost the whole run). The scan then visits only
 * such places and the starts of prefixed tokens, leftmost first, and tries the rules in order there.
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

// The names a credential follows, with the blanks (and for a header, the `:` or `=`) after them.
const FLYV1_LEAD = String.raw`\b[Ff]ly[Vv]1\s+`;
const BEARER_LEAD = String.raw`\b(?:[Bb]earer|BEARER)\s+`;
const AUTHORIZATION_LEAD = String.raw`\b(?:[Aa]uthorization|AUTHORIZATION)\\?["']?\s*[:=]\s*`;

/** Fly tokens and model keys: they carry their own prefix. Tried where one of these starts. */
const PREFIXED_START = /fo1_|fm1[ra]_|fm2_|sk-/g;
/** Whether any rule could match at all: most texts hold no prefix and no name, and are done here. */
const ANY_START =
  /fo1_|fm1[ra]_|fm2_|sk-|\b(?:[Ff]ly[Vv]1|[Bb]earer|BEARER|[Aa]uthorization|AUTHORIZATION)\b/;

/** Where the credential after a name may begin: offsets into the text, in increasing order. */
type LeadEnds = (text: string) => number[];

interface Rule {
  /** Sticky: tried at one offset. */
  value: RegExp;
  /** For a token with its own prefix: the characters it can start with. */
  firstChars?: string;
  /** For a credential after a name: the offsets where it may begin. Absent: anywhere. */
  leadEnds?: LeadEnds;
}

const sticky = (source: string): RegExp => new RegExp(source, "y");

/** The ends of every match of `lead` (global, forwards), shifted by what `more` adds at each end. */
function endsOf(lead: RegExp, more: (text: string, end: number) => number[] = (_, end) => [end]): LeadEnds {
  return (text) => {
    const ends: number[] = [];
    for (const match of text.matchAll(lead)) ends.push(...more(text, match.index + match[0].length));
    return ends;
  };
}

const QUOTES = new Set(['"', "'"]);

/** After `Authorization:` and its blanks, an optional backslash, then an optional quote, may precede the value. */
function afterEscapeAndQuote(text: string, end: number): number[] {
  const ends = [end];
  if (text[end] === "\\") {
    ends.push(end + 1);
    if (QUOTES.has(text[end + 1] ?? "")) ends.push(end + 2);
  } else if (QUOTES.has(text[end] ?? "")) ends.push(end + 1);
  return ends;
}

/** In order: where two rules match at one offset, the first wins. */
const RULES: readonly Rule[] = [
  // Fly tokens, including comma-joined macaroon bundles ("fm2_a,fm2_b"). No leading word boundary on
  // purpose: "TOKEN=fo1_..." or "xfo1_..." must still be caught.
  {
    value: sticky(String.raw`${FLY_PREFIX}${TOKEN_CHAR}{10,}(?:,${FLY_PREFIX}${TOKEN_CHAR}+)*`),
    firstChars: "f",
  },
  // The credentials after a scheme, whatever their shape. A value never starts with a blank, so it
  // can begin only where the blanks after the scheme end.
  {
    value: sticky(String.raw`${NOT_MARKER}${VALUE_CHAR}+(?:,${VALUE_CHAR}+)*`),
    leadEnds: endsOf(new RegExp(FLYV1_LEAD, "g")),
  },
  { value: sticky(String.raw`${BEARER_CHAR}{16,}`), leadEnds: endsOf(new RegExp(BEARER_LEAD, "g")) },
  // The whole value of an Authorization header: a header line, a JSON property, or escaped JSON in JSON.
  {
    value: sticky(String.raw`${NOT_MARKER}(?:[^\s"'\\]|\\/)(?:[^"'\r\n\\]|\\/)*`),
    leadEnds: endsOf(new RegExp(AUTHORIZATION_LEAD, "g"), afterEscapeAndQuote),
  },
  // Model API keys. The typed prefixes (sk-proj-, sk-ant-, ...) are distinctive enough to match anywhere;
  // a bare "sk-" must start a word, so that app names such as "task-queue-worker-production" stay readable.
  { value: sticky(String.raw`sk-(?:proj|ant|svcacct|admin)-[A-Za-z0-9_-]{20,}`), firstChars: "s" },
  { value: sticky(String.raw`(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}`), firstChars: "s" },
];

/**
 * The same rules as one pattern, with the names before credentials: it matches a text exactly when
 * `containsToken` is true. Global; `containsToken` does not depend on its `lastIndex`.
 */
export const TOKEN_PATTERN = new RegExp(
  [
    RULES[0]!.value.source,
    FLYV1_LEAD + RULES[1]!.value.source,
    BEARER_LEAD + RULES[2]!.value.source,
    String.raw`${AUTHORIZATION_LEAD}\\?["']?${RULES[3]!.value.source}`,
    RULES[4]!.value.source,
    RULES[5]!.value.source,
  ].join("|"),
  "g",
);

type Span = readonly [start: number, end: number];

/** The offsets where one name's credential may begin, walked in order. */
interface LeadCursor {
  ends: number[];
  next: number;
}

/**
 * Finds credentials left to right. Each call of `find` starts where the last one ended, and every
 * search it makes resumes where an earlier one stopped: the whole walk over a text is linear.
 */
class Scanner {
  readonly #text: string;
  readonly #leads = new Map<Rule, LeadCursor>();
  #nextPrefixed = -1;

  constructor(text: string) {
    this.#text = text;
    for (const rule of RULES) {
      if (!rule.leadEnds) continue;
      this.#leads.set(rule, { ends: rule.leadEnds(text), next: 0 });
    }
  }

  /** The first credential at or after `from`: leftmost, the earlier rule winning at one offset. */
  find(from: number): Span | undefined {
    for (let at = from; ;) {
      const start = this.#candidate(at);
      if (start === undefined) return undefined;
      const end = this.#matchAt(start);
      if (end !== undefined) return [start, end];
      at = start + 1;
    }
  }

  /** The next offset where some rule could match: a token's prefix, or where a name's blanks end. */
  #candidate(from: number): number | undefined {
    if (this.#nextPrefixed !== Infinity && this.#nextPrefixed < from) {
      PREFIXED_START.lastIndex = from;
      this.#nextPrefixed = PREFIXED_START.exec(this.#text)?.index ?? Infinity;
    }
    let best = this.#nextPrefixed;
    for (const lead of this.#leads.values()) {
      while (lead.next < lead.ends.length && lead.ends[lead.next]! < from) lead.next += 1;
      best = Math.min(best, lead.ends[lead.next] ?? Infinity);
    }
    return best === Infinity ? undefined : best;
  }

  #matchAt(start: number): number | undefined {
    const first = this.#text[start];
    for (const rule of RULES) {
      const lead = this.#leads.get(rule);
      // `#candidate` moved every cursor to its first offset at or after `start`.
      if (lead ? lead.ends[lead.next] !== start : !rule.firstChars?.includes(first ?? "")) continue;
      rule.value.lastIndex = start;
      const match = rule.value.exec(this.#text);
      if (match) return start + match[0].length;
    }
    return undefined;
  }
}

export function containsToken(text: string): boolean {
  return ANY_START.test(text) && new Scanner(text).find(0) !== undefined;
}

function redactTokens(text: string): string {
  if (!ANY_START.test(text)) return text;
  const scanner = new Scanner(text);
  const parts: string[] = [];
  let at = 0;
  for (let span = scanner.find(0); span; span = scanner.find(span[1])) {
    parts.push(text.slice(at, span[0]), REDACTED);
    at = span[1];
  }
  if (at === 0) return text;
  parts.push(text.slice(at));
  return parts.join("");
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
  #multiLine = false;

  constructor(knownValues: Iterable<string> = []) {
    for (const value of knownValues) this.add(value);
  }

  /** Registers the exact value of a credential the process holds (a token, an API key, a secret). */
  add(value: string): void {
    for (const part of credentialParts(value)) {
      if (part.length < MIN_KNOWN_LENGTH) continue;
      if (/[\r\n]/.test(part)) this.#multiLine = true;
      for (const form of encodedForms(part)) this.#known.add(form);
    }
    this.#knownPattern = undefined;
  }

  /** True when a known value spans lines: text cut at a line break could split it (redact-stream.ts). */
  knowsMultiLineValue(): boolean {
    return this.#multiLine;
  }

  redact(text: string): string {
    let result = text;
    const known = this.#compiledKnown();
    if (known) result = result.replace(known, REDACTED);
    return redactTokens(result);
  }

  #compiledKnown(): RegExp | undefined {
    if (this.#known.size === 0) return undefined;
    // Longest first, so a whole value wins over a part of it.
    const alternatives = [...this.#known].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#knownPattern ??= new RegExp(alternatives.join("|"), "g");
    return this.#knownPattern;
  }
}
