import { REDACTED, Redactor } from "../../security/redact.js";
import type { Mask, ParsedFlyctl } from "./parse.js";

/**
 * How a flyctl line appears in a finding: quoted so that spaces and control characters are
 * visible, with secrets and anything token-shaped replaced by [REDACTED].
 */

const PLAIN = /^[A-Za-z0-9_@%+=:,./[\]-]+$/;
const tokens = new Redactor();

// What JSON.stringify leaves raw but a terminal would act on or hide: DEL, C1 controls,
// zero-width and direction-changing characters, line separators, the BOM.
const INVISIBLE = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu;

function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
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
  const byArg = masksByArg(masks);
  const flags = parsed.uses.map(({ flag, value, at }) => {
    if (flag.sensitive) return `--${flag.name}=${REDACTED}`;
    if (flag.kind === "bool") return value === "true" ? `--${flag.name}` : `--${flag.name}=false`;
    // A mask inside the written value (`-e PASSWORD=…`) hides the same part of the canonical value.
    const inner = at && byArg.get(at.index)?.find((m) => m.start >= at.start);
    const shown = inner ? `${value.slice(0, inner.start - at.start)}${REDACTED}` : value;
    return `--${flag.name}=${quote(shown)}`;
  });
  const positionals = parsed.positionals.map((arg) => quote(masked(arg.text, arg.index, byArg)));
  // A positional that looks like a flag only stays a positional after `--`.
  const words = parsed.positionals.some((arg) => arg.text.startsWith("-"))
    ? [...parsed.path, ...flags, "--", ...positionals]
    : [...parsed.path, ...positionals, ...flags];
  return tokens.redact(["flyctl", ...words].join(" "));
}
