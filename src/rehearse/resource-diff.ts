import type { MachineRecord, SandboxState, VolumeRecord } from "../sandbox/types.js";
import { configFields, sensitiveField } from "./config-fields.js";

/**
 * What a rehearsal changed: the sandbox's state after the plan against the copy of live state it
 * started from, per resource — created, changed field by field (state, guest size, image, every
 * other path of a machine's config, volume size, attachment, secret digest), destroyed; volume
 * snapshots and releases the copy holds too. A machine or volume Fly still lists as destroyed
 * counts as destroyed, as every API treats it. An env value's change is told without its values.
 */

export type ResourceKind =
  "app" | "machine" | "volume" | "volume-snapshot" | "release" | "secret" | "ip" | "certificate";

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export interface ResourceEntry {
  kind: ResourceKind;
  app: string;
  /** The resource's id (a machine or volume id, an address, a hostname, a secret or app name). */
  id: string;
  name?: string;
  /** What it is now (created) or was (destroyed): region, state, size, image. */
  details?: Record<string, string>;
  /** For a change: each field that differs. */
  fields?: FieldChange[];
}

export interface ResourceDiff {
  created: ResourceEntry[];
  changed: ResourceEntry[];
  destroyed: ResourceEntry[];
}

interface Described {
  kind: ResourceKind;
  app: string;
  id: string;
  name?: string;
  gone: boolean;
  /** The fields a change is reported by, and a created or destroyed resource shown with. */
  fields: Record<string, string>;
  /** More fields a change is reported by (a machine's config paths), too many to show otherwise. */
  more?: Record<string, string>;
}

const HIDDEN = "(value not shown)";

export function guestText(guest: MachineRecord["config"]["guest"]): string {
  return `${guest.cpu_kind}-cpu-${guest.cpus}x ${guest.memory_mb}MB`;
}

function machine(m: MachineRecord): Described {
  return {
    kind: "machine",
    app: m.app,
    id: m.id,
    name: m.name,
    gone: m.state === "destroyed",
    fields: {
      region: m.region,
      state: m.state,
      guest: guestText(m.config.guest),
      image: m.config.image,
      cordoned: String(m.cordoned),
    },
    more: Object.fromEntries(Object.entries(configFields(m.config)).map(([k, v]) => [`config.${k}`, v])),
  };
}

function volume(v: VolumeRecord): Described {
  return {
    kind: "volume",
    app: v.app,
    id: v.id,
    name: v.name,
    gone: v.state === "destroyed",
    fields: {
      region: v.region,
      size: `${v.sizeGb}GB`,
      attached: v.attachedMachineId ?? "(none)",
    },
  };
}

function snapshots(v: VolumeRecord): Described[] {
  return v.snapshots.map((s) => ({
    kind: "volume-snapshot",
    app: v.app,
    id: s.id,
    // Two runs number their snapshots apart; the volume names which one it is.
    name: `of ${v.id}`,
    gone: false,
    fields: { volume: v.id, status: s.status, size: String(s.size) },
  }));
}

/** Which resource: a structured key, so no id (one holding ":") can pass for another resource's. */
const keyOf = (d: Described): string => JSON.stringify([d.kind, d.app, d.id]);

function describeAll(state: SandboxState): Map<string, Described> {
  const all: Described[] = [
    ...state.apps.map((a) => ({
      kind: "app" as const,
      app: a.name,
      id: a.name,
      gone: false,
      fields: { org: a.org },
    })),
    ...state.machines.map(machine),
    ...state.volumes.map(volume),
    ...state.volumes.flatMap(snapshots),
    ...(state.releases ?? []).map((r) => ({
      kind: "release" as const,
      app: r.app,
      id: r.id,
      name: `v${r.version}`,
      gone: false,
      fields: { version: String(r.version), status: r.status, image: r.imageRef },
    })),
    ...state.secrets.map((s) => ({
      kind: "secret" as const,
      app: s.app,
      id: s.name,
      gone: false,
      fields: { digest: s.digest },
    })),
    ...state.ips.map((i) => ({
      kind: "ip" as const,
      app: i.app,
      id: i.ip,
      gone: false,
      fields: { kind: i.kind, region: i.region },
    })),
    ...state.certs.map((c) => ({
      kind: "certificate" as const,
      app: c.app,
      id: c.hostname,
      gone: false,
      fields: { status: c.issuedAt ? "active" : "pending_validation" },
    })),
  ];
  return new Map(all.map((d) => [keyOf(d), d]));
}

/** What a created or destroyed resource is shown with: its fields, less those that only matter as a change. */
function shown(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([field]) => field !== "cordoned"));
}

function entry(d: Described, extra: Partial<ResourceEntry> = {}): ResourceEntry {
  return { kind: d.kind, app: d.app, id: d.id, ...(d.name === undefined ? {} : { name: d.name }), ...extra };
}

/** Each field that differs, in order; a sensitive one says only that it changed. */
function changes(was: Record<string, string>, now: Record<string, string>): FieldChange[] {
  const names = [...new Set([...Object.keys(now), ...Object.keys(was)])];
  return names
    .filter((field) => was[field] !== now[field])
    .map((field) => {
      const from = was[field];
      const to = now[field];
      if (!sensitiveField(field)) return { field, from: from ?? "(none)", to: to ?? "(none)" };
      return {
        field,
        from: from === undefined ? "(none)" : HIDDEN,
        to: to === undefined ? "(none)" : from === undefined ? "set" : "changed",
      };
    });
}

export function diffResources(before: SandboxState, after: SandboxState): ResourceDiff {
  const was = describeAll(before);
  const now = describeAll(after);
  const diff: ResourceDiff = { created: [], changed: [], destroyed: [] };
  for (const [key, item] of now) {
    const old = was.get(key);
    if (!old || old.gone) {
      if (!item.gone) diff.created.push(entry(item, { details: shown(item.fields) }));
      continue;
    }
    if (item.gone) {
      diff.destroyed.push(entry(old, { details: shown(old.fields) }));
      continue;
    }
    const fields = [...changes(old.fields, item.fields), ...changes(old.more ?? {}, item.more ?? {})];
    if (fields.length > 0) diff.changed.push(entry(item, { fields }));
  }
  for (const [key, old] of was)
    if (!now.has(key) && !old.gone) diff.destroyed.push(entry(old, { details: shown(old.fields) }));
  return diff;
}

/**
 * The diff with what two runs may number differently left out — the ids a create got (the
 * sandbox derives them from its operation count, which retries and resumes move on) — so the end
 * states of a clean run and of a crashed-and-resumed one can be compared.
 */
export function comparableDiff(diff: ResourceDiff): string {
  const created = diff.created
    .map((e) => JSON.stringify({ kind: e.kind, app: e.app, name: e.name ?? e.id, details: e.details }))
    .sort();
  const rest = [...diff.changed, ...diff.destroyed].map((e) => JSON.stringify(e)).sort();
  return JSON.stringify({ created, rest });
}
