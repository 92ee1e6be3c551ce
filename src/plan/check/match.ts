/**
 * Partial matching of a precondition's `expect` against a read tool's result: every key the plan
 * names must be equal in the result, recursively; keys the plan does not name are ignored.
 * Arrays match element by element and must have the same length.
 */

export interface MatchResult {
  ok: boolean;
  /** The result cut down to the shape of `expected`: what a person compares against it. */
  found: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function partialMatch(expected: unknown, actual: unknown): MatchResult {
  if (isRecord(expected)) {
    if (!isRecord(actual)) return { ok: false, found: actual ?? null };
    const found: Record<string, unknown> = {};
    let ok = true;
    for (const [key, want] of Object.entries(expected)) {
      if (!(key in actual)) {
        ok = false;
        continue;
      }
      const sub = partialMatch(want, actual[key]);
      found[key] = sub.found;
      ok &&= sub.ok;
    }
    return { ok, found };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { ok: false, found: actual ?? null };
    if (actual.length !== expected.length) return { ok: false, found: actual };
    const subs = expected.map((want, index) => partialMatch(want, actual[index]));
    return { ok: subs.every((sub) => sub.ok), found: subs.map((sub) => sub.found) };
  }
  return { ok: Object.is(expected, actual) || expected === actual, found: actual ?? null };
}
