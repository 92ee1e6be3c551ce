import { REDACTED, Redactor } from "../../security/redact.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import type { Mask, ParsedFlyctl } from "./parse.js";

/**
 * How a flyctl line appears in a finding: quoted so that spaces and control characters are
 * visible, with secrets and anything token-shaped replaced by [REDACTED].
 */

const PLAIN = /^[A-Za-z0-9_@%+=:,./[\]-]+$/;
const tokens = new Redactor();

/**
 * Characters that make text read differently from what runs: every control and format character
 * (Unicode categories Cc, Cf: C0/C1 controls, DEL, zero-width and bidi controls, U+00AD, U+061C,
 * U+180E, U+2060, the BOM, tag characters U+E0000…), lone surrogates, private-use and unassigned
 * code points (Cs, Co, Cn), line and paragraph separators, every space but U+0020, and the
 * blank-looking letters U+115F, U+1160, U+3164, U+FFA0 and U+2800. One character class: linear.
 * Stricter than what terminalSafe escapes everywhere: a flyctl argument has no reason to hold any.
 */
export const UNSAFE_CHAR =
  /[\p{C}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u115f\u1160\u2800\u3164\uffa0]/u;
const UNSAFE_ALL = new RegExp(UNSAFE_CHAR.source, "gu");

/**
 * JSON.stringify escapes C0 controls, quotes and backslashes; terminalSafe what it leaves raw but
 * a terminal would act on or hide; what is left of UNSAFE_CHAR (odd spaces, blank letters,
 * unassigned code points) is escaped here, astral ones as `\u{e0041}`.
 */
function escapeInvisible(text: string): string {
  return terminalSafe(text).replace(UNSAFE_ALL, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

function quote(word: string): string {
  return PLAIN.test(word) ? word : escapeInvisible(JSON.stringify(word));
}

/** Any text that may quote the arguments (a parse error names the bad word): printable, token-free. */
export function safeText(text: string): string {
  return tokens.redact(escapeInvisible(JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"')));
}

/** The masks of each argument, earliest first: looked up per argument, never searched per argument. */
function masksByArg(masks: readonly Mask[]): Map<number, Mask[]> {
  const byArg = new Map<number, Mask[]>();
  for (const mask of masks) {
    const list = byArg.get(mask.index);
    if (list) list.push(mask);
    else byArg.set(mask.index, [mask]);
  }
  for (const list of byArg.values()) list.sort((a, b) => a.start - b.start);
  return byArg;
}

function masked(word: string, index: number, byArg: Map<number, Mask[]>): string {
  const mask = byArg.get(index)?.[0];
  return mask ? `${word.slice(0, mask.start)}${REDACTED}` : word;
}

/** The arguments as written, safe to print. */
export function displayArgs(args: readonly string[], masks: readonly Mask[]): string {
  const byArg = masksByArg(masks);
  return tokens.redact(args.map((word, index) => quote(masked(word, index, byArg))).join(" "));
}

/** `flyctl apps destroy my-app --yes`: the command path, positionals and long-form flags. */
export function canonicalLine(parsed: ParsedFlyctl, masks: readonly Mask[]): string {
  // An alias keeps its own name: flyctl settles aliases by name, not by position (parse.ts flagValue).
  const byArg = masksByArg(masks);
  const flags = parsed.uses.map(({ flag, via, value, at }) => {
    if (flag.sensitive) return `--${flag.name}=${REDACTED}`;
    if (flag.kind === "bool") return value === "true" ? `--${via}` : `--${via}=false`;
    // A mask inside the written value (`-e PASSWORD=…`) hides the same part of the canonical value.
    const inner = at && byArg.get(at.index)?.find((m) => m.start >= at.start);
    const shown = inner ? `${value.slice(0, inner.start - at.start)}${REDACTED}` : value;
    return `--${via}=${quote(shown)}`;
  });
  const positionals = parsed.positionals.map((arg) => quote(masked(arg.text, arg.index, byArg)));
  // A positional that looks like a flag only stays a positional after `--`.
  const words = parsed.positionals.some((arg) => arg.text.startsWith("-"))
    ? [...parsed.path, ...flags, "--", ...positionals]
    : [...parsed.path, ...positionals, ...flags];
  return tokens.redact(["flyctl", ...words].join(" "));
}
