/**
 * What a reviewer reads is what runs. Text that reaches a terminal from a plan, a tool result, a
 * log line or a model may carry characters the terminal acts on (ESC starts the ANSI sequences
 * that move the cursor and erase lines, CR returns to the line start, BEL, DEL, C1 controls such
 * as CSI U+009B) or that it shows as nothing or in another order (bidi embeddings, overrides and
 * isolates, zero-width characters, soft hyphen, tag characters, variation selectors, Hangul
 * fillers). Each of them is printed as an escape instead, so a line cannot rewrite the lines
 * before it and no part of a value hides.
 *
 * Escaped, by Unicode property (so a new format character in a later Unicode version is covered
 * by the same rule): every control character (Cc: C0, DEL, C1), every format character (Cf: bidi
 * controls U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069, zero-width U+200B–U+200D, U+00AD,
 * U+180E, U+2060–U+2064, U+FEFF, tags U+E0001–U+E007F, …), every default-ignorable code point
 * (variation selectors, Hangul fillers, the combining grapheme joiner), the line and paragraph
 * separators U+2028/U+2029, and lone surrogates (which a terminal shows as U+FFFD, hiding what the
 * string holds). The cost: an emoji sequence with a joiner or a presentation selector shows them
 * escaped, as `❤\ufe0f`.
 *
 * The backslash itself is not doubled. That keeps escaping idempotent (text escaped at a field
 * and again where the whole output is written reads the same), at the price that a literal
 * `\u001b` typed into a reason reads like an escaped ESC. Neither can act on the terminal, and ids
 * and names that could be mistaken are refused by the validator before anything runs.
 *
 * Modes:
 * - "line" (default): one field of a line. Newline and tab are escaped too (`\n`, `\t`), so a
 *   value cannot start a line that looks like one flyops wrote.
 * - "lines": text flyops meant to be several lines (a model's answer, a report). Newline and tab
 *   stay; everything else is escaped.
 * - "json": a document from JSON.stringify. JSON.stringify escapes C0 controls and lone
 *   surrogates but leaves DEL, C1, format characters and U+2028/2029 raw; they become `\uXXXX`
 *   escapes (surrogate pairs above U+FFFF), which a JSON reader decodes to the very same string.
 *   Newlines (the indentation of pretty-printed JSON) stay.
 *
 * One global replace over a single character class: each code point is looked at once, so the
 * time is linear in the length of the text (bench/terminal-safe.ts prints figures).
 */

export type TerminalSafeMode = "line" | "lines" | "json";

const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;
const UNSAFE_ONE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function hex4(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, "0")}`;
}

/** `\u001b`, `\u200b`; above U+FFFF `\u{e0041}`, or in JSON the surrogate pair `\udb40\udc41`. */
function escapeCodePoint(char: string, json: boolean): string {
  const point = char.codePointAt(0) ?? 0;
  if (point <= 0xffff) return hex4(point);
  if (!json) return `\\u{${point.toString(16)}}`;
  return hex4(char.charCodeAt(0)) + hex4(char.charCodeAt(1));
}

// Escapes already written, per form: a hostile megabyte repeats a few characters many times. The
// maps stay small, since only the few thousand characters UNSAFE matches can ever be keys.
const written = { text: new Map<string, string>(), json: new Map<string, string>() };

function escaped(char: string, json: boolean): string {
  const cache = json ? written.json : written.text;
  let shown = cache.get(char);
  if (shown === undefined) {
    shown = (!json && SHORT[char]) || escapeCodePoint(char, json);
    cache.set(char, shown);
  }
  return shown;
}

/** `text` with every character a terminal would act on or hide shown as an escape (see above). */
export function terminalSafe(text: string, mode: TerminalSafeMode = "line"): string {
  const json = mode === "json";
  return text.replace(UNSAFE, (char) => {
    if (char === "\n" && mode !== "line") return char;
    if (char === "\t" && mode === "lines") return char;
    return escaped(char, json);
  });
}

/** True when `terminalSafe` would change `text` in "line" mode: the validator's test for ids and names. */
export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE_ONE.test(text);
}

// A message names a few examples; looking further into a hostile megabyte would only cost time.
const EXAMPLES_SCANNED = 1000;

/** Escapes of the distinct unsafe characters among the first ones in `text`, at most `max`, for a message. */
export function unsafeCharacters(text: string, max = 5): string[] {
  const found = new Set<string>();
  let seen = 0;
  for (const match of text.matchAll(UNSAFE)) {
    found.add(terminalSafe(match[0]));
    seen += 1;
    if (found.size >= max || seen >= EXAMPLES_SCANNED) break;
  }
  return [...found];
}
