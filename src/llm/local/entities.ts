import { REDACTED } from "../../security/redact.js";
/**
 * Entities found in a question or request by plain matching: Fly region codes, machine states,
 * ids, sizes, amounts. App names are matched against the names the tools returned, never guessed
 * from the grammar alone.
 */
import { defaultMemoryMb, parsePresetName, type Guest } from "../../platform/guest-sizes.js";
import { DOWN_STATES, type MachineState } from "../../platform/machine-states.js";
import { REGIONS, RETIRED_REGIONS, cityOf } from "../../platform/regions.js";

/** Region codes and their cities, retired regions included: older questions still name them. */
const REGION_CITIES: ReadonlyMap<string, string> = new Map(
  [...REGIONS, ...RETIRED_REGIONS].map((r) => [r.code, cityOf(r)]),
);

/** Codes that are also English words count only after "in"/"region" or written in capitals. */
const AMBIGUOUS_REGIONS = new Set(["mad", "den", "sea", "sin", "bog", "lax", "gig", "bom", "atl"]);

export type { MachineState };

/** Machines at rest that are not running: the states a person means by "not running". */
const NOT_RUNNING: readonly MachineState[] = DOWN_STATES;

const STATE_WORDS: ReadonlyArray<[RegExp, readonly MachineState[]]> = [
  [/(?:\bnot|n't)\s+running\b/, NOT_RUNNING],
  [/\b(started|(?<!not |n't )running)\b/, ["started"]],
  [/\b(stopped|halted)\b/, ["stopped"]],
  [/\bsuspended\b/, ["suspended"]],
  [/\bfailed\b/, ["failed"]],
  [/\bdestroyed\b/, ["destroyed"]],
  [/\bcreated\b/, ["created"]],
  [/\breplacing\b/, ["replacing"]],
];

/** Lower-cased words of a text, keeping hyphens, dots, underscores and colons inside names. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9][a-z0-9._:/@-]*[a-z0-9]|[a-z0-9]/g) ?? [];
}

const NAME_JOINERS = ["-", "_"];

export function findRegions(text: string, known: Iterable<string> = REGION_CITIES.keys()): string[] {
  const codes = new Set([...known].map((c) => c.toLowerCase()));
  const found: string[] = [];
  for (const m of text.matchAll(/\b([A-Za-z]{3})\b/g)) {
    const raw = m[1] ?? "";
    const code = raw.toLowerCase();
    if (!codes.has(code) || found.includes(code)) continue;
    // A code inside a name ("web-iad-2", "api_sin") is part of the name, not a region asked about.
    if (NAME_JOINERS.includes(text[m.index - 1] ?? " ") || NAME_JOINERS.includes(text[m.index + 3] ?? " "))
      continue;
    const explicit = raw === raw.toUpperCase() || afterRegionWord(text, m.index);
    if (AMBIGUOUS_REGIONS.has(code) && !explicit) continue;
    found.push(code);
  }
  for (const [code, city] of REGION_CITIES) {
    if (codes.has(code) && !found.includes(code) && new RegExp(`\\b${city}\\b`, "i").test(text))
      found.push(code);
  }
  return found;
}

/**
 * Whether the word at `at` follows "in", "region(s)" and a blank, or a comma. Read backwards over
 * the blanks before the word only: testing the whole text before each word made a text of many
 * such words quadratic.
 */
function afterRegionWord(text: string, at: number): boolean {
  let end = at;
  while (end > 0 && /\s/.test(text[end - 1]!)) end -= 1;
  if (text[end - 1] === ",") return true;
  if (end === at) return false;
  const word = /(?:in|regions?)$/i.exec(text.slice(Math.max(0, end - 8), end))?.[0] ?? "";
  const start = end - word.length;
  return word !== "" && !/\w/.test(text[start - 1] ?? "");
}

export function findStates(text: string): MachineState[] {
  const lower = text.toLowerCase();
  const found: MachineState[] = [];
  for (const [pattern, states] of STATE_WORDS) {
    if (pattern.test(lower)) for (const state of states) if (!found.includes(state)) found.push(state);
  }
  return found;
}

/** Fly machine ids are 14 hex characters; the sandbox follows the same shape. */
export function findMachineIds(text: string, known: Iterable<string> = []): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\b[0-9a-f]{14}\b/gi)) found.add(m[0].toLowerCase());
  const lower = text.toLowerCase();
  for (const id of known)
    if (id.length >= 6 && containsName(lower, id.toLowerCase())) found.add(id.toLowerCase());
  return [...found];
}

/** Fly volume ids are "vol_" and 16 lowercase letters or digits (tools/id-fields.ts). */
export function findVolumeIds(text: string): string[] {
  return [...new Set([...text.matchAll(/\bvol_[a-z0-9]{16}\b/gi)].map((m) => m[0].toLowerCase()))];
}

/**
 * Names from `candidates` that occur in the text as whole names (a name may hold hyphens, so
 * "web" does not match inside "web-api"); the longest names win where they overlap.
 */
export function findNames(text: string, candidates: Iterable<string>): string[] {
  const lower = text.toLowerCase();
  const sorted = [...new Set(candidates)].filter((c) => c !== "").sort((a, b) => b.length - a.length);
  // Characters already claimed by a longer name; a mark per character keeps a name that occurs
  // many times from comparing every occurrence with every other.
  const taken = new Uint8Array(lower.length);
  const found = new Map<string, number>();
  for (const name of sorted) {
    for (const index of occurrences(lower, name.toLowerCase())) {
      const end = index + name.length;
      if (taken.subarray(index, end).includes(1)) continue;
      taken.fill(1, index, end);
      if (!found.has(name)) found.set(name, index);
    }
  }
  return [...found].sort((a, b) => a[1] - b[1]).map(([name]) => name);
}

function containsName(lower: string, name: string): boolean {
  return occurrences(lower, name).length > 0;
}

/** Where a name occurs as a whole word: not inside a longer name, nor inside a dotted hostname or image. */
function occurrences(lower: string, name: string): number[] {
  const out: number[] = [];
  const isNameChar = (ch: string | undefined): boolean => ch !== undefined && /[a-z0-9_-]/.test(ch);
  const isDottedPart = (dot: string | undefined, next: string | undefined): boolean =>
    dot === "." && next !== undefined && /[a-z0-9]/.test(next);
  for (let i = lower.indexOf(name); i >= 0; i = lower.indexOf(name, i + 1)) {
    const end = i + name.length;
    if (isNameChar(lower[i - 1]) || isNameChar(lower[end])) continue;
    if (isDottedPart(lower[end], lower[end + 1]) || isDottedPart(lower[i - 1], lower[i - 2])) continue;
    out.push(i);
  }
  return out;
}

/** "top 3", "5 largest", "three biggest": how many items the person wants, if said. */
export function findCount(text: string): number | undefined {
  const lower = text.toLowerCase();
  const numberWords: Record<string, number> = {
    one: 1,
    two: 2,
    three: 3,
    four: 4,
    five: 5,
    six: 6,
    seven: 7,
    eight: 8,
    nine: 9,
    ten: 10,
  };
  const m =
    /\b(?:top|first|largest|biggest|smallest)\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b/.exec(
      lower,
    ) ??
    /\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:largest|biggest|heaviest|hungriest|smallest|machines|top)\b/.exec(
      lower,
    );
  if (!m?.[1]) return undefined;
  const n = numberWords[m[1]] ?? Number.parseInt(m[1], 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** A memory amount such as "512MB", "1 GB", "2gb of memory", in MB. */
export function findMemoryMb(text: string): number | undefined {
  const m = /\b(\d+(?:\.\d+)?)\s*(gb|gib|g|mb|mib|m)\b(?!\s*(?:volume|disk))/i.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  const n = Number.parseFloat(m[1]);
  return m[2].toLowerCase().startsWith("g") ? Math.round(n * 1024) : Math.round(n);
}

/** A volume size such as "10GB", "size 20", "to 40 GB", in GB. */
export function findSizeGb(text: string): number | undefined {
  const m = /\b(\d+)\s*(?:gb|gib|g)\b/i.exec(text) ?? /\b(?:to|size|of)\s+(\d+)\b/i.exec(text);
  if (!m?.[1]) return undefined;
  const n = Number.parseInt(m[1], 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export type GuestSize = Guest;

/** Fly's named presets, with the memory Fly gives each when none is asked for. */
export function findPreset(text: string): { preset: string; guest: GuestSize } | undefined {
  const m = /\b(?:shared-cpu|performance)-\d+x\b/i.exec(text);
  const size = m ? parsePresetName(m[0]) : undefined;
  if (!m || !size) return undefined;
  return {
    preset: m[0].toLowerCase(),
    guest: { ...size, memory_mb: defaultMemoryMb(size.cpu_kind, size.cpus) },
  };
}

/** "2 shared cpus", "4 performance CPUs", "cpus 2", "1 cpu". */
export function findCpus(text: string): { cpus?: number; cpu_kind?: "shared" | "performance" } {
  const lower = text.toLowerCase();
  // Blanks are read once each: an optional part takes the blanks before it, never two runs side by side.
  const m =
    /\b(\d+)(?:\s*x)?(?:\s*(shared|performance|dedicated))?[\s-]*(?:v?cpus?|cores?)\b/.exec(lower) ??
    /\bcpus?\s*(?:[:=]\s*)?(\d+)\b/.exec(lower);
  const kindWord =
    /\b(shared|performance|dedicated)[\s-]*(?:v?cpus?|cores?|kind)\b/.exec(lower)?.[1] ?? m?.[2];
  const out: { cpus?: number; cpu_kind?: "shared" | "performance" } = {};
  if (m?.[1]) out.cpus = Number.parseInt(m[1], 10);
  if (kindWord) out.cpu_kind = kindWord === "shared" ? "shared" : "performance";
  return out;
}

/** The image after the word "image", e.g. "image nginx:1.27" or "using image registry.fly.io/app:deploy-1". */
export function findImage(text: string): string | undefined {
  const m = /\bimage(?:\s*[:=])?\s+["'`]?([a-z0-9][a-z0-9._\-/:@]*[a-z0-9])["'`]?/i.exec(text);
  return m?.[1];
}

/**
 * DNS names within their limits (RFC 1035 2.3.4: a label of at most 63 characters, a name of at
 * most 253), as whole words: the text is cut into runs of name characters once, and only a run
 * short enough to be a name is tested, from its start. Searched for anywhere, even a bounded
 * pattern re-read up to 253 characters from every label and hyphen of a long dotted run.
 */
const NAME_RUN = /[\w.*-]+/g;
const HOSTNAME = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,126}[a-z]{2,63}$/i;
/** A wildcard's "*." and the 253 characters of a name. */
const MAX_HOSTNAME = 2 + 253;

export function findHostnames(text: string): string[] {
  const found: string[] = [];
  for (const [run] of text.matchAll(NAME_RUN)) {
    // A sentence may end right after a name: "add a cert for www.example.com."
    let end = run.length;
    while (run[end - 1] === ".") end -= 1;
    const name = run.slice(0, end);
    if (name.length <= MAX_HOSTNAME && HOSTNAME.test(name)) found.push(name.toLowerCase());
  }
  return [...new Set(found)].filter((h) => !/\.(?:ts|js|json|md)$/.test(h));
}

export function findIpAddresses(text: string): string[] {
  const v4 = text.match(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g) ?? [];
  const v6 = text.match(/\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b/gi) ?? [];
  return [...new Set([...v4, ...v6])];
}

/** Environment-variable-shaped names (DATABASE_URL), the form secrets take. */
export function findEnvNames(text: string): string[] {
  // A withheld value ([REDACTED]) is never a name.
  const named = text.replaceAll(REDACTED, " ");
  return [...new Set(named.match(/\b[A-Z][A-Z0-9_]*[A-Z0-9]\b/g) ?? [])].filter(
    (w) =>
      !/^(IP|IPS|IPV4|IPV6|CPU|CPUS|MB|GB|TLS|SSL|API|URL|ID|DNS|HTTP|HTTPS)$/.test(w) &&
      !(w.length === 3 && REGION_CITIES.has(w.toLowerCase())),
  );
}

/** The text without its machine-state words, so a follow-up's state can replace an earlier one. */
export function withoutStates(text: string): string {
  return STATE_WORDS.reduce((out, [pattern]) => out.replace(new RegExp(pattern.source, "gi"), " "), text);
}

/** The text without region codes, so a follow-up's region can replace an earlier one. */
export function withoutRegions(text: string): string {
  return findRegions(text).reduce((out, code) => out.replace(new RegExp(`\\b${code}\\b`, "gi"), " "), text);
}
