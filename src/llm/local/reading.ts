import {
  findHostnames,
  findIpAddresses,
  findMachineIds,
  findRegions,
  findStates,
  findVolumeIds,
  type MachineState,
} from "./entities.js";
import {
  amountOf,
  guestOf,
  ipKindOf,
  orgOf,
  superlativeOf,
  type Amount,
  type IpKind,
  type Superlative,
} from "./read-parts.js";
import { refusalFor } from "./refusals.js";
import { readWindow, todayOf, type WindowReading } from "./time-window.js";
import { correctTypos } from "./typos.js";

/**
 * What a question asks beyond its subject: the qualifiers (a region, a time window, an org,
 * "biggest", "not verified", …) read on words alone, before any tool is called. A shape applies
 * the qualifiers it lists (shape.ts `applies`); a question carrying any other is refused, so the
 * model never answers a broader question than the one asked.
 */
export type QualifierKind =
  | "region"
  | "state"
  | "org"
  | "window"
  | "superlative"
  | "attachment"
  | "cert-status"
  | "no-machines"
  | "negation"
  | "guest"
  | "amount"
  | "machine-id"
  | "volume-id"
  | "hostname"
  | "ip"
  | "ip-kind"
  | "when";

/** How each kind is named in a refusal. */
export const QUALIFIER_NAMES: Readonly<Record<QualifierKind, string>> = {
  region: "a region",
  state: "a machine state",
  org: "an organization",
  window: "a time window",
  superlative: "a superlative (most, biggest, oldest, top N)",
  attachment: "attached or unattached",
  "cert-status": "a certificate status",
  "no-machines": "apps without machines",
  negation: "a negation",
  guest: "a machine size (CPU kind or count)",
  amount: "a size or amount",
  "machine-id": "a machine id",
  "volume-id": "a volume id",
  hostname: "a hostname",
  ip: "an IP address",
  "ip-kind": "a kind of IP address",
  when: "a question of when",
};

export interface Qualifier {
  kind: QualifierKind;
  /** The words of the question that carry it. */
  phrase: string;
}

export type { Amount, IpKind, Measure, Superlative } from "./read-parts.js";

export interface Reading {
  /** The question with typos corrected; every shape reads this. */
  text: string;
  qualifiers: Qualifier[];
  regions: string[];
  states: MachineState[];
  /** An organization named as one: "the acme-corp org", "in org acme-corp". */
  org?: string;
  window?: WindowReading;
  superlative?: Superlative;
  /** Volumes: false for unattached, true for attached. */
  attached?: boolean;
  certStatus?: "active" | "pending";
  /** IP questions: which kind of address. */
  ipKind?: IpKind;
  cpuKind?: "shared" | "performance";
  cpus?: number;
  amount?: Amount;
  machineIds: string[];
  volumeIds: string[];
  hostnames: string[];
  ips: string[];
  /** Why no shape answers this whatever its words: a subject without a tool, a change, a secret value. */
  refusal?: string;
  /** The refusal speaks of Fly's catalog only (a subject Fly's tools lack): other providers' shapes may answer. */
  refusalFlyOnly?: true;
}

const UNATTACHED =
  /\b(unattached|detached|unmounted|orphan(?:ed)?|unused|dangling|free)\b|(?:\bnot|n't)\s+(?:attached|mounted|in use|used)\b|\bwithout\s+(?:an?\s+|any\s+)?machines?\b/i;
const ATTACHED = /\b(?<!un)(attached|mounted|in use)\b/i;
const CERT = /\b(certs?|certificates?|tls|ssl|domains?|hostnames?)\b/i;
const CERT_PENDING =
  /\b(unverified|pending|awaiting|failing|invalid|unissued)\b|(?:\bnot|n't)\s+(?:yet\s+)?(?:verified|issued|ready|valid|active|configured)\b/i;
const CERT_ACTIVE = /\b(verified|issued|ready|valid|active)\b/i;
const NO_MACHINES =
  /\b(?:no|without|zero)\s+(?:any\s+)?(?:(?:running|started)\s+)?machines\b|\b(?:do|does)(?:n't| not)\s+have\s+(?:any\s+)?machines\b|\bempty\s+apps?\b/i;
const NOT_RUNNING = /(?:\bnot|n't)\s+running\b/i;
const NEGATION = /\b(not|never|without|except|excluding|besides|no longer)\b|n't\b/i;
/** "created" is the verb of a time question, not the machine state. */
const CREATED_VERB =
  /\b(?:was|were|been|got|get)\s+created\b|\bcreated\s+(?:in|on|during|within|since|this|last|today|yesterday|before|after|over|the)\b|\bwhen\b/i;

/**
 * Reads a question: corrected words, entities and every qualifier it carries, each with the words
 * that carry it. A change request (plan mode) is read as written: its verbs and names are matched exactly.
 */
export function readQuestion(question: string, system: string, mode: "ask" | "plan" = "ask"): Reading {
  const text = mode === "ask" ? correctTypos(question) : question;
  const qualifiers: Qualifier[] = [];
  const add = (kind: QualifierKind, phrase: string | undefined): void => {
    if (phrase !== undefined) qualifiers.push({ kind, phrase });
  };
  const regions = findRegions(text);
  const states = findStates(text).filter((s) => s !== "created" || !CREATED_VERB.test(text));
  regions.forEach((r) => add("region", r));
  if (states.length > 0) add("state", NOT_RUNNING.exec(text)?.[0] ?? states.join(", "));
  const org = orgOf(text);
  add("org", org);
  const window = readWindow(text, todayOf(system));
  add("window", window && ("window" in window ? window.window.phrase : window.phrase));
  const superlative = superlativeOf(text);
  add("superlative", superlative?.phrase);
  let rest = text.replace(NOT_RUNNING, " ");
  const unattached = UNATTACHED.exec(rest)?.[0];
  const attached = unattached ? false : ATTACHED.test(rest) ? true : undefined;
  add("attachment", unattached ?? (attached ? ATTACHED.exec(rest)?.[0] : undefined));
  if (unattached) rest = rest.replace(UNATTACHED, " ");
  const pending = CERT.test(text) ? CERT_PENDING.exec(rest)?.[0] : undefined;
  const active = CERT.test(text) && !pending ? CERT_ACTIVE.exec(rest)?.[0] : undefined;
  add("cert-status", pending ?? active);
  if (pending) rest = rest.replace(CERT_PENDING, " ");
  const noMachines = NO_MACHINES.exec(rest)?.[0];
  add("no-machines", noMachines);
  if (noMachines) rest = rest.replace(NO_MACHINES, " ");
  add("negation", NEGATION.exec(rest)?.[0]);
  const ipKind = ipKindOf(text);
  add("ip-kind", ipKind?.phrase);
  const guest: ReturnType<typeof guestOf> = ipKind ? {} : guestOf(text);
  add("guest", guest.phrase);
  const amount = amountOf(text);
  add("amount", amount?.phrase);
  const machineIds = findMachineIds(text);
  const volumeIds = findVolumeIds(text);
  const hostnames = findHostnames(text);
  const ips = findIpAddresses(text);
  machineIds.forEach((id) => add("machine-id", id));
  volumeIds.forEach((id) => add("volume-id", id));
  hostnames.forEach((h) => add("hostname", h));
  ips.forEach((ip) => add("ip", ip));
  add("when", /\bwhen\b/i.exec(text)?.[0]);
  const refusal = refusalFor(text);
  return {
    text,
    qualifiers,
    regions,
    states,
    ...(org ? { org } : {}),
    ...(window ? { window } : {}),
    ...(superlative ? { superlative } : {}),
    ...(attached !== undefined ? { attached } : {}),
    ...(pending ? { certStatus: "pending" as const } : active ? { certStatus: "active" as const } : {}),
    ...(ipKind ? { ipKind: ipKind.kind } : {}),
    ...(guest.cpuKind ? { cpuKind: guest.cpuKind } : {}),
    ...(guest.cpus !== undefined ? { cpus: guest.cpus } : {}),
    ...(amount ? { amount } : {}),
    machineIds,
    volumeIds,
    hostnames,
    ips,
    ...(refusal
      ? { refusal: refusal.reason, ...(refusal.flyOnly ? { refusalFlyOnly: true as const } : {}) }
      : {}),
  };
}
