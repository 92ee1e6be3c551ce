/**
 * The readers behind withhold-secrets.ts, each linear in the text it reads. A regular expression
 * there found where something starts; what would have been re-read from every start (a quoted
 * value that never closes, the text before an assignment, the blanks after a clause's end, the
 * scheme before `://`) is read here once.
 */

// A line terminator: `.` in a regular expression does not match one, so `\` before it escapes nothing.
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const BLANK = /\s/;

/**
 * Values as `name=value` has them: adjacent quoted and unquoted pieces up to a blank, `"…"` with
 * backslash escapes, `'…'` without. A double-quoted piece that never closes ends the value before it.
 */
export class ValueReader {
  readonly #text: string;
  // For each offset inside a double-quoted piece, where it closes (-1: never). Filled once, backwards.
  #closes: Int32Array | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** Where the value that starts at `at` ends; `at` itself when no value starts there. */
  end(at: number): number {
    const text = this.#text;
    let i = at;
    for (;;) {
      const ch = text[i];
      if (ch === undefined || BLANK.test(ch)) return i;
      if (ch === '"' || ch === "'") {
        const close = ch === '"' ? this.#closeOfDouble(i + 1) : text.indexOf("'", i + 1);
        if (close < 0) return i;
        i = close + 1;
      } else i += 1;
    }
  }

  #closeOfDouble(from: number): number {
    const text = this.#text;
    if (!this.#closes) {
      const closes = new Int32Array(text.length + 2).fill(-1);
      for (let i = text.length - 1; i >= 0; i -= 1) {
        const ch = text[i]!;
        if (ch === '"') closes[i] = i;
        else if (ch !== "\\") closes[i] = closes[i + 1]!;
        else if (i + 1 < text.length && !LINE_TERMINATOR.test(text[i + 1]!)) closes[i] = closes[i + 2]!;
      }
      this.#closes = closes;
    }
    return this.#closes[from] ?? -1;
  }
}

/**
 * Where clauses end. A mark (`,` `;` a new line, `. `, "and", "then") ends one unless an assignment
 * follows it (`follows`, tried at the first non-blank after the mark). The blanks after a mark are
 * skipped once for all the marks among them, and each place is tried once.
 */
export class ClauseIndex {
  readonly #text: string;
  readonly #ends: number[] = [];
  readonly #about = new Map<string, boolean>();

  constructor(text: string, marks: RegExp, follows: RegExp) {
    this.#text = text;
    const tried = new Map<number, boolean>();
    let skippedFrom = -1;
    let skippedTo = -1;
    for (const mark of text.matchAll(marks)) {
      const after = mark.index + mark[0].length;
      if (after < skippedFrom || after > skippedTo) {
        skippedFrom = after;
        skippedTo = after;
        while (skippedTo < text.length && BLANK.test(text[skippedTo]!)) skippedTo += 1;
      }
      let assignment = tried.get(skippedTo);
      if (assignment === undefined) {
        follows.lastIndex = skippedTo;
        assignment = follows.test(text);
        tried.set(skippedTo, assignment);
      }
      if (!assignment) this.#ends.push(mark.index);
    }
  }

  /** Whether `test` holds for the clause `offset` sits in; tested once per clause. */
  clauseMatches(offset: number, test: RegExp): boolean {
    const before = this.#lastBelow(offset);
    const start = before < 0 ? 0 : this.#ends[before]!;
    const next = this.#ends[before + 1] === offset ? before + 2 : before + 1;
    const end = this.#ends[next] ?? this.#text.length;
    const key = `${start}:${end}`;
    let result = this.#about.get(key);
    if (result === undefined) {
      result = test.test(this.#text.slice(start, end));
      this.#about.set(key, result);
    }
    return result;
  }

  /** The index of the last end before `offset`, or -1. */
  #lastBelow(offset: number): number {
    let low = 0;
    let high = this.#ends.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#ends[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    return low - 1;
  }
}

const VALUE_FLAGS = /(?:--build-secret|--build-arg|--secret|--env)$/;

/**
 * Whether the text before `offset` ends with a flag that carries a value (`--build-secret`,
 * `--build-arg`, `--secret`, `--env`, `-e` not inside a word) and then blanks or `=`. Reads back
 * over those blanks only, not the whole text before.
 */
export function followsValueFlag(text: string, offset: number): boolean {
  let end = offset;
  while (end > 0 && (text[end - 1] === "=" || BLANK.test(text[end - 1]!))) end -= 1;
  if (end === offset) return false;
  if (VALUE_FLAGS.test(text.slice(Math.max(0, end - 14), end))) return true;
  return text.slice(end - 2, end) === "-e" && end >= 2 && !/[\w-]/.test(text[end - 3] ?? "");
}

const SCHEME_CHAR = /[a-z0-9+.-]/i;
const WORD_CHAR = /\w/;
// After `://`: a user without `:`, then `:`, a password and `@`.
const USER_AND_PASSWORD = /:\/\/([^\s:/@]*):([^\s@/]+)@/y;

export interface UrlPassword {
  /** Offsets of the password. */
  start: number;
  end: number;
}

/**
 * Every password in a URL (`scheme://user:password@`), left to right, none inside another. A scheme
 * is a letter at a word start, then letters, digits, `+`, `.` or `-` up to `://`; of the text before
 * each `://`, only what could be its scheme is read.
 */
export function urlPasswords(text: string): UrlPassword[] {
  const found: UrlPassword[] = [];
  let taken = 0;
  for (let at = text.indexOf("://"); at >= 0; at = text.indexOf("://", at + 1)) {
    if (at < taken || !hasScheme(text, at, taken)) continue;
    USER_AND_PASSWORD.lastIndex = at;
    const match = USER_AND_PASSWORD.exec(text);
    if (!match) continue;
    const end = at + match[0].length - 1;
    found.push({ start: end - match[2]!.length, end });
    taken = end + 1;
  }
  return found;
}

/** Whether a scheme ends at `colon`, starting no earlier than `from`. */
function hasScheme(text: string, colon: number, from: number): boolean {
  for (let start = colon - 1; start >= from && SCHEME_CHAR.test(text[start]!); start -= 1) {
    const letter = /[a-z]/i.test(text[start]!);
    if (letter && (start === 0 || !WORD_CHAR.test(text[start - 1]!))) return true;
  }
  return false;
}
