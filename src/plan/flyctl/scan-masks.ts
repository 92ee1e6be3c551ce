import { secretAssignment } from "../../security/withhold-secrets.js";
import type { Arg, Mask } from "./parse.js";

/**
 * Masks for a line flyops does not parse (an unknown or unmodelled command): it is refused anyway,
 * but its finding quotes it, so whatever follows a credential flag and the value of a secret-like
 * NAME=VALUE word (`-e DB_PASSWORD=…`, `--env=API_KEY=…`) are hidden.
 */

const SENSITIVE_NAMES = new Set([
  "access-token",
  "password",
  "otp",
  "secret",
  "build-secret",
  "bearer-token",
]);

const PAIR = /^(?:--?[A-Za-z][A-Za-z-]*=)?([A-Za-z_][A-Za-z0-9_]*)=/;

function pairMask(arg: Arg): Mask | undefined {
  const pair = PAIR.exec(arg.text);
  if (!pair) return undefined;
  const value = arg.text.slice(pair[0].length);
  return value !== "" && secretAssignment(pair[1]!, value)
    ? { index: arg.index, start: pair[0].length }
    : undefined;
}

export function scanMasks(args: readonly Arg[]): Mask[] {
  const masks = args.map(pairMask).filter((mask): mask is Mask => mask !== undefined);
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i]!.text;
    if (word === "--") break;
    const long = /^--([^=]+)(=?)/.exec(word);
    if (long && SENSITIVE_NAMES.has(long[1]!)) {
      if (long[2]) masks.push({ index: args[i]!.index, start: long[0].length });
      else if (i + 1 < args.length) masks.push({ index: args[i + 1]!.index, start: 0 });
    } else if (/^-[^-]/.test(word) && word.slice(1).includes("t")) {
      const at = word.indexOf("t");
      if (at < word.length - 1) masks.push({ index: args[i]!.index, start: at + 1 });
      else if (i + 1 < args.length) masks.push({ index: args[i + 1]!.index, start: 0 });
    }
  }
  return masks;
}
