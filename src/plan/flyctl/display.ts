import { REDACTED, Redactor } from "../../security/redact.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import type { Mask, ParsedFlyctl } from "./parse.js";

/**
 * How a flyctl line appears in a finding: quoted so that spaces and control characters are
 * visible, with secrets and anything token-shaped replaced by [REDACTED].
 */

const PLAIN = /^[A-Za-z0-9_@%+=:,./[\]-]+$/;
const tokens = new Redactor();

// JSON.stringify escapes C0 controls, quotes and backslashes; terminalSafe escapes what it leaves
// raw but a terminal would act on or hide (DEL, C1, bidi and format characters, tags, separators).
function escapeInvisible(text: string): string {
  return terminalSafe(text);
}

function quote(word: string): string {
  return PLAIN.test(word) ? word : escapeInvisible(JSON.stringify(word));
}

/** Any text that may quote the arguments (a parse error names the bad word): printable, token-free. */
export function safeText(text: string): string {
  return tokens.redact(escapeInvisible(JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"')));
}

function masked(word: string, index: number, masks: readonly Mask[]): string {
  const mask = masks.filter((m) => m.index === index).sort((a, b) => a.start - b.start)[0];
  return mask ? `${word.slice(0, mask.start)}${REDACTED}` : word;
}

/** The arguments as written, safe to print. */
export function displayArgs(args: readonly string[], masks: readonly Mask[]): string {
  return tokens.redact(args.map((word, index) => quote(masked(word, index, masks))).join(" "));
}

/** `flyctl apps destroy my-app --yes`: the command path, positionals and long-form flags. */
export function canonicalLine(parsed: ParsedFlyctl, masks: readonly Mask[]): string {
  const flags = parsed.uses.map(({ flag, value, at }) => {
    if (flag.sensitive) return `--${flag.name}=${REDACTED}`;
    if (flag.kind === "bool") return value === "true" ? `--${flag.name}` : `--${flag.name}=false`;
    // A mask inside the written value (`-e PASSWORD=…`) hides the same part of the canonical value.
    const inner = at && masks.find((m) => m.index === at.index && m.start >= at.start);
    const shown = inner ? `${value.slice(0, inner.start - at.start)}${REDACTED}` : value;
    return `--${flag.name}=${quote(shown)}`;
  });
  const positionals = parsed.positionals.map((arg) => quote(masked(arg.text, arg.index, masks)));
  // A positional that looks like a flag only stays a positional after `--`.
  const words = parsed.positionals.some((arg) => arg.text.startsWith("-"))
    ? [...parsed.path, ...flags, "--", ...positionals]
    : [...parsed.path, ...positionals, ...flags];
  return tokens.redact(["flyctl", ...words].join(" "));
}
