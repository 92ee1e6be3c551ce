/**
 * People type fast: "unatached volumes", "stoped machnes". Words the shapes and qualifiers look
 * for are restored before anything else reads the question, by edit distance to a fixed list of
 * keywords. Only plain words of five letters or more are touched, never a word inside a name
 * ("demo-web", "vol_…", a hostname), and the first letter must already be right.
 */
const KEYWORDS = [
  "applications",
  "application",
  "attached",
  "available",
  "biggest",
  "certificates",
  "certificate",
  "created",
  "deployed",
  "describe",
  "detached",
  "failing",
  "health",
  "healthy",
  "heaviest",
  "image",
  "images",
  "instance",
  "instances",
  "largest",
  "latest",
  "machines",
  "machine",
  "memory",
  "newest",
  "oldest",
  "organisation",
  "organisations",
  "organization",
  "organizations",
  "orphaned",
  "regions",
  "region",
  "running",
  "secret",
  "secrets",
  "smallest",
  "started",
  "stopped",
  "suspended",
  "unattached",
  "unhealthy",
  "unmounted",
  "updated",
  "volumes",
  "volume",
] as const;

const KNOWN = new Set<string>(KEYWORDS);

/** Real words a keyword is one or two letters away from, which must stay what they are. */
const REAL_WORDS = new Set([
  "attaches",
  "bigger",
  "create",
  "creates",
  "detaches",
  "imaged",
  "larger",
  "largely",
  "machinery",
  "newer",
  "older",
  "regional",
  "smaller",
  "starter",
  "stated",
  "stepped",
  "stooped",
  "update",
  "updates",
]);

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The keyword a mistyped word stands for, when exactly one is close enough. */
export function correctWord(word: string): string | undefined {
  const lower = word.toLowerCase();
  // An all-capitals word is a name (DATABASE_URL's kin, a region code), not a typo.
  if (word === word.toUpperCase() || lower.length < 5 || KNOWN.has(lower) || REAL_WORDS.has(lower))
    return undefined;
  const allowed = lower.length >= 9 ? 2 : 1;
  // The length check comes first: it bounds every distance computed by the keywords' lengths.
  const close = KEYWORDS.filter((k) => k[0] === lower[0] && Math.abs(k.length - lower.length) <= allowed)
    .map((k) => ({ k, distance: editDistance(lower, k) }))
    .filter(({ distance }) => distance <= allowed);
  const best = Math.min(...close.map(({ distance }) => distance));
  const winners = close.filter(({ distance }) => distance === best);
  return winners.length === 1 ? winners[0]?.k : undefined;
}

/** The question with mistyped keywords restored; everything else is left exactly as written. */
export function correctTypos(text: string): string {
  return text.replace(/(?<![\w.@:/-])[A-Za-z]{5,}(?![\w.@:/-])/g, (word) => correctWord(word) ?? word);
}
