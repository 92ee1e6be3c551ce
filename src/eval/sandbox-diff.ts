import type { SandboxState } from "../sandbox/types.js";
import type { CountFact, ExpectedChange, RecordKind } from "./task.js";

/**
 * The sandbox's state seen as records by kind and key, and what differs between two states: the
 * "nothing else changed" half of a change task's verifier.
 */

type AnyRecord = Record<string, unknown>;

const SOURCES: Record<RecordKind, { list: (s: SandboxState) => AnyRecord[]; key: (r: AnyRecord) => string }> =
  {
    app: { list: (s) => rows(s.apps), key: (r) => String(r.name) },
    machine: { list: (s) => rows(s.machines), key: (r) => String(r.id) },
    volume: { list: (s) => rows(s.volumes), key: (r) => String(r.id) },
    secret: { list: (s) => rows(s.secrets), key: (r) => `${String(r.app)}/${String(r.name)}` },
    ip: { list: (s) => rows(s.ips), key: (r) => `${String(r.app)}/${String(r.ip)}` },
    cert: { list: (s) => rows(s.certs), key: (r) => `${String(r.app)}/${String(r.hostname)}` },
    mpg: { list: (s) => rows(s.addons?.mpgClusters ?? []), key: (r) => String(r.id) },
    addon: { list: (s) => rows(s.addons?.addOns ?? []), key: (r) => `${String(r.org)}/${String(r.name)}` },
    token: { list: (s) => rows(s.addons?.tokens ?? []), key: (r) => `${String(r.org)}/${String(r.name)}` },
    wireguard: {
      list: (s) => rows(s.addons?.wireGuardPeers ?? []),
      key: (r) => `${String(r.org)}/${String(r.name)}`,
    },
  };

function rows(list: readonly object[]): AnyRecord[] {
  return list as AnyRecord[];
}

export function recordsOf(state: SandboxState, kind: RecordKind): Map<string, AnyRecord> {
  const source = SOURCES[kind];
  return new Map(source.list(state).map((r) => [source.key(r), r]));
}

export interface RecordChange {
  kind: RecordKind;
  change: "created" | "modified" | "deleted";
  id: string;
  /** The record after the change (before it, for a deletion). */
  record: AnyRecord;
}

export function diffStates(before: SandboxState, after: SandboxState): RecordChange[] {
  const changes: RecordChange[] = [];
  for (const kind of Object.keys(SOURCES) as RecordKind[]) {
    const was = recordsOf(before, kind);
    const now = recordsOf(after, kind);
    for (const [id, record] of now) {
      const old = was.get(id);
      if (!old) changes.push({ kind, change: "created", id, record });
      else if (gone(record) && !gone(old)) changes.push({ kind, change: "deleted", id, record });
      else if (JSON.stringify(old) !== JSON.stringify(record))
        changes.push({ kind, change: "modified", id, record });
    }
    for (const [id, record] of was) if (!now.has(id)) changes.push({ kind, change: "deleted", id, record });
  }
  return changes;
}

/**
 * The sandbox keeps a destroyed machine or volume with state "destroyed", as Fly lists them for a
 * while; every API treats it as gone, and so does the diff.
 */
function gone(record: AnyRecord): boolean {
  return record.state === "destroyed";
}

/** Whether `actual` has every key of `expected` with an equal value, recursively. */
export function matchesPartial(actual: unknown, expected: unknown): boolean {
  if (typeof expected !== "object" || expected === null) return actual === expected;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matchesPartial(actual[i], item))
    );
  }
  if (typeof actual !== "object" || actual === null) return false;
  return Object.entries(expected).every(([key, value]) => matchesPartial((actual as AnyRecord)[key], value));
}

/** Problems with the sandbox's changes: an expected change missing or different, or one nobody asked for. */
export function compareChanges(actual: RecordChange[], expected: readonly ExpectedChange[]): string[] {
  const problems: string[] = [];
  const unclaimed = [...actual];
  for (const want of expected) {
    const index = unclaimed.findIndex(
      (c) =>
        c.kind === want.kind &&
        c.change === want.change &&
        (want.id === undefined || c.id === want.id) &&
        matchesPartial(c.record, want.fields),
    );
    if (index < 0) {
      const what = want.id ?? JSON.stringify(want.fields);
      const near = actual.find((c) => c.kind === want.kind && c.id === want.id);
      problems.push(
        `expected ${want.kind} ${what} to be ${want.change}` +
          (near
            ? `; it was ${near.change} to ${JSON.stringify(pickKeys(near.record, want.fields))}`
            : "; it was not"),
      );
    } else {
      unclaimed.splice(index, 1);
    }
  }
  for (const extra of unclaimed)
    problems.push(`unexpected change: ${extra.kind} ${extra.id} was ${extra.change}`);
  return problems;
}

function pickKeys(record: AnyRecord, like: AnyRecord): AnyRecord {
  return Object.fromEntries(Object.keys(like).map((key) => [key, record[key]]));
}

/** How many records of a kind match `where`, after checking that the filter names real fields and values. */
export function countOf(state: SandboxState, fact: CountFact): { count: number } | { broken: string } {
  const records = [...recordsOf(state, fact.kind).values()];
  for (const [key, value] of Object.entries(fact.where)) {
    if (!records.some((r) => key in r)) return { broken: `no ${fact.kind} record has a field "${key}"` };
    if (!records.some((r) => r[key] === value)) {
      return { broken: `no ${fact.kind} has ${key} = ${JSON.stringify(value)} in the sandbox` };
    }
  }
  return { count: records.filter((r) => matchesPartial(r, fact.where)).length };
}
