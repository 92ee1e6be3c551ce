import { hasUnsafeCharacters, unsafeCharacters } from "../../security/terminal-safe.js";

/**
 * What a reviewer reads must be what runs. Free text (a step's reason, the plan's summary and
 * request) is only ever shown, and shown escaped. But an id, a name or any other input of a catalog
 * tool is sent to Fly: if it held an ESC, a bidi override or a zero-width character, the review
 * would show an escape where the request carries something else, or two inputs that read alike
 * would name different things. So those strings are refused outright: every string of a catalog
 * step's input (keys included), of a precondition's input, the step ids and the plan's org. Secret
 * values are left out (they are blocked on their own, and never quoted); raw flyctl arguments have
 * a rule of their own (flyctl-control-chars).
 */

export const UNSAFE_TEXT_RULE = "control-character";

export interface UnsafeText {
  path: Array<string | number>;
  /** The offending characters, escaped, at most a few. */
  characters: string[];
}

/** Appends every string of `value` (object keys included) that holds unsafe characters, by path. */
export function findUnsafeText(value: unknown, path: Array<string | number>, out: UnsafeText[]): void {
  if (typeof value === "string") {
    if (hasUnsafeCharacters(value)) out.push({ path, characters: unsafeCharacters(value) });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findUnsafeText(item, [...path, index], out));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (hasUnsafeCharacters(key)) out.push({ path: [...path, key], characters: unsafeCharacters(key) });
      findUnsafeText(item, [...path, key], out);
    }
  }
}

/**
 * The unsafe strings of a catalog step's input, leaving out literal secret values (in the field
 * the tool declares for secrets, `secretField.NAME`): those are blocked on their own and never quoted.
 */
export function unsafeInputText(
  input: Record<string, unknown>,
  base: Array<string | number>,
  secretField: string | undefined,
): UnsafeText[] {
  const out: UnsafeText[] = [];
  for (const [key, value] of Object.entries(input)) {
    const path = [...base, key];
    if (hasUnsafeCharacters(key)) out.push({ path, characters: unsafeCharacters(key) });
    if (key === secretField && typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [name, secret] of Object.entries(value)) {
        if (hasUnsafeCharacters(name))
          out.push({ path: [...path, name], characters: unsafeCharacters(name) });
        if (typeof secret !== "string") findUnsafeText(secret, [...path, name], out);
      }
      continue;
    }
    findUnsafeText(value, path, out);
  }
  return out;
}

export function unsafeTextMessage(where: string, characters: readonly string[]): string {
  return `${where}: holds characters a terminal acts on or hides (${characters.join(", ")}); ids, names and tool inputs must be plain text, so that what a reviewer reads is what runs`;
}
