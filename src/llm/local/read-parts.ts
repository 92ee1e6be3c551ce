import { parsePresetName } from "../../platform/guest-sizes.js";
import { findCount } from "./entities.js";

/**
 * The parts of a question's qualifiers that take more than a word to read (reading.ts): an
 * organization named as one, a superlative or a sort and what it ranks by, an amount with its
 * comparison, a machine size, a kind of IP address.
 */

/** What a superlative ranks by; "other" is a ranking no tool sorts by ("sorted by name"). */
export type Measure = "memory" | "cpu" | "size" | "age" | "count" | "other";

export interface Superlative {
  phrase: string;
  measure: Measure;
  /** Largest first (most, biggest, newest); false for least, smallest, oldest. */
  most: boolean;
  /** How many the person wants: "top 3", else 1 for a singular question ("the biggest volume"), else 5. */
  n: number;
}

export interface Amount {
  phrase: string;
  op: "=" | ">" | ">=" | "<" | "<=";
  mb: number;
}

export type IpKind = "v4" | "v6" | "dedicated" | "shared" | "private";

const IP_CONTEXT = /\b(ips?|ip addresse?s?|addresses|ipv4|ipv6|v4|v6)\b/i;
const IP_KINDS: ReadonlyArray<[RegExp, IpKind]> = [
  [/\b(private|flycast)\b/i, "private"],
  [/\bdedicated\b/i, "dedicated"],
  [/\bshared\b/i, "shared"],
  [/\b(ipv6|v6)\b/i, "v6"],
  [/\b(ipv4|v4)\b/i, "v4"],
];

export function ipKindOf(text: string): { kind: IpKind; phrase: string } | undefined {
  if (!IP_CONTEXT.test(text)) return undefined;
  for (const [pattern, kind] of IP_KINDS) {
    const phrase = pattern.exec(text)?.[0];
    if (phrase) return { kind, phrase };
  }
  return undefined;
}

const NOT_ORG = new Set(
  "the my our your a an which what this that each every all per same other any their whole entire fly default current one both".split(
    " ",
  ),
);

/**
 * "the acme-corp org": the name starts where its run of name characters starts (after any
 * hyphens). A name-boundary start (\b) would also start after every hyphen inside the run, and
 * each such start re-read the rest of it: quadratic in a long hyphenated run.
 */
const SLUG_BEFORE_ORG = /(?<![\w-])-*([a-z0-9][a-z0-9-]*)\s+(?:org|organi[sz]ation)\b/i;

export function orgOf(text: string): string | undefined {
  const before = SLUG_BEFORE_ORG.exec(text)?.[1]?.toLowerCase();
  if (before && !NOT_ORG.has(before)) return before;
  return /\b(?:in|of|for|from)\s+(?:the\s+)?(?:org|organi[sz]ation)\s+(?:named\s+|called\s+)?["'`]?([a-z0-9][a-z0-9-]*)/i
    .exec(text)?.[1]
    ?.toLowerCase();
}

const SUPERLATIVE =
  /(?<!\bat )\b(most|least)\b|\b(fewest|biggest|largest|smallest|heaviest|hungriest|beefiest|highest|lowest|oldest|newest|latest|youngest|top)\b/i;
const COUNTED =
  /\b(?:most|fewest|least)\s+(machines|vms|instances|volumes|apps|applications|secrets|certificates|certs|ips)\b/i;
const NOUN = /\b(machines?|vms?|instances?|servers?|volumes?|apps?|applications?|regions?)\b/i;

const SORTED = /\b(?:sort(?:ed)?|order(?:ed)?|rank(?:ed)?)\s+by\s+(\w+)/i;

/** "sorted by memory": every item, ranked; by what a ranking cannot be done is said by the shape. */
function sortedOf(text: string): Superlative | undefined {
  const found = SORTED.exec(text);
  if (!found) return undefined;
  const key = (found[1] ?? "").toLowerCase();
  const measure: Measure = /^(memory|ram|mem)$/.test(key)
    ? "memory"
    : /^(cpus?|cores?)$/.test(key)
      ? "cpu"
      : /^(size|sizes|gb|disk)$/.test(key)
        ? "size"
        : /^(age|date|created|creation|time)$/.test(key)
          ? "age"
          : "other";
  const ascending = /\b(asc|ascending|smallest first|least first|oldest first)\b/i.test(text);
  return {
    phrase: found[0],
    measure,
    most: measure === "age" ? ascending === false : !ascending,
    n: findCount(text) ?? 1000,
  };
}

export function superlativeOf(text: string): Superlative | undefined {
  const sorted = sortedOf(text);
  if (sorted) return sorted;
  const found = SUPERLATIVE.exec(text);
  if (!found) return undefined;
  const word = found[0].toLowerCase();
  const counted = COUNTED.exec(text)?.[1]?.toLowerCase();
  const recent = /\b(most|least)\s+recent(?:ly)?\b/i.exec(text);
  const measure: Measure =
    recent || /^(oldest|newest|latest|youngest)$/.test(word)
      ? "age"
      : counted
        ? "count"
        : /\b(memory|ram|mem)\b/i.test(text)
          ? "memory"
          : /\b(cpus?|cores?)\b/i.test(text)
            ? "cpu"
            : "size";
  const most = recent
    ? recent[1]?.toLowerCase() === "most"
    : !/^(least|fewest|smallest|lowest|oldest)$/.test(word);
  const noun = NOUN.exec(text)?.[1]?.toLowerCase() ?? "";
  const singular = noun !== "" && !noun.endsWith("s");
  return {
    phrase: recent?.[0] ?? (word === "top" ? (/\btop\s+\w+/i.exec(text)?.[0] ?? word) : word),
    measure,
    most,
    n: findCount(text) ?? (singular ? 1 : 5),
  };
}

const OPS: ReadonlyArray<[RegExp, Amount["op"]]> = [
  [/^(more|bigger|larger|greater|over|above)/i, ">"],
  [/^at least/i, ">="],
  [/^(less|smaller|under|below)/i, "<"],
  [/^at most/i, "<="],
];

export function amountOf(text: string): Amount | undefined {
  const m =
    /\b(?:(more|bigger|larger|greater|over|above|at least|less|smaller|under|below|at most)\s+(?:than\s+)?)?(\d+(?:\.\d+)?)\s*(tb|gb|gib|gigs?|g|mb|mib|m)\b/i.exec(
      text,
    );
  if (!m?.[2] || !m[3]) return undefined;
  const unit = m[3].toLowerCase();
  const n = Number.parseFloat(m[2]);
  const mb = unit.startsWith("t") ? n * 1024 * 1024 : unit.startsWith("g") ? n * 1024 : n;
  const op = OPS.find(([pattern]) => pattern.test(m[1] ?? ""))?.[1] ?? "=";
  return { phrase: m[0], op, mb: Math.round(mb) };
}

export function guestOf(text: string): {
  cpuKind?: "shared" | "performance";
  cpus?: number;
  phrase?: string;
} {
  const phrase = /\b(?:shared-cpu|performance)-\d+x\b/i.exec(text)?.[0];
  const preset = phrase === undefined ? undefined : parsePresetName(phrase);
  if (phrase !== undefined && preset) return { cpuKind: preset.cpu_kind, cpus: preset.cpus, phrase };
  const kind =
    /\b(performance|shared|dedicated)(?:[\s-]+(?:cpus?|cores?)|\s+(?:machines?|vms?|instances?))\b/i.exec(
      text,
    );
  const count = /\b(\d+)\s*(?:v?cpus?|cores?)\b/i.exec(text);
  return {
    ...(kind?.[1] ? { cpuKind: kind[1].toLowerCase() === "shared" ? "shared" : "performance" } : {}),
    ...(count?.[1] ? { cpus: Number.parseInt(count[1], 10) } : {}),
    ...(kind || count ? { phrase: (kind ?? count)?.[0] ?? "" } : {}),
  };
}

/**
 * Reads a question: corrected words, entities and every qualifier it carries. A change request
 * (plan mode) is read as written: its verbs and names are matched exactly.
 */
