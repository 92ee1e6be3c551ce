import { isCpuKind, presetName } from "../src/platform/guest-sizes.js";
import { isListFilterState, type ListFilterState } from "../src/platform/machine-states.js";
import type { Machine, OrgMachine } from "../src/fly/schemas.js";
import {
  countGroups,
  countView,
  limitGroups,
  listView,
  short,
  sortBy,
  stateSummary,
  take,
  type Counts,
  type CountView,
  type Limited,
  type ListView,
  type Row,
} from "./view.js";

export const MACHINE_SORTS = ["memory", "cpu", "created", "name", "region"] as const;
export type MachineSort = (typeof MACHINE_SORTS)[number];

type AnyMachine = Machine | OrgMachine;

function guestOf(m: AnyMachine): { cpu_kind: string | null; cpus: number | null; memory_mb: number | null } {
  const guest = m.config?.guest;
  return {
    cpu_kind: guest?.cpu_kind ?? null,
    cpus: guest?.cpus ?? null,
    memory_mb: guest?.memory_mb ?? null,
  };
}

/** A performance CPU is worth more than a shared one, so "most CPU" ranks by both. */
function cpuWeight(m: AnyMachine): number | null {
  const { cpus, cpu_kind } = guestOf(m);
  if (cpus === null) return null;
  return cpus * (cpu_kind === "performance" ? 16 : 1);
}

/** Default order: sizes and dates largest/newest first, names and regions alphabetical. */
export function defaultOrder(sort: string): "asc" | "desc" {
  return sort === "name" || sort === "region" ? "asc" : "desc";
}

export function sortMachines<T extends AnyMachine>(
  machines: readonly T[],
  sort: MachineSort,
  order?: "asc" | "desc",
): T[] {
  const direction = order ?? defaultOrder(sort);
  switch (sort) {
    case "memory":
      return sortBy(machines, (m) => guestOf(m).memory_mb, direction);
    case "cpu":
      return sortBy(machines, cpuWeight, direction);
    case "created":
      return sortBy(machines, (m) => m.created_at, direction);
    case "name":
      return sortBy(machines, (m) => m.name, direction);
    case "region":
      return sortBy(machines, (m) => m.region, direction);
  }
}

/** What machines can be counted by; `app` only across apps (org_machines_list). */
export const MACHINE_COUNTS = ["region", "state", "app", "size"] as const;
export type MachineCountBy = (typeof MACHINE_COUNTS)[number];
/** Each group but a state's says how many of its machines are in each state. */
export type MachineCounts = Counts<MachineCountBy, { states?: Record<string, number> }>;

/** The parts of a machine's size that name it; null or undefined where unknown. */
export interface GuestParts {
  cpu_kind?: string | null;
  cpus?: number | null;
  memory_mb?: number | null;
}

/**
 * A machine's size as Fly names its presets, with its memory: "shared-cpu-1x:512MB",
 * "performance-2x:4096MB". Unknown parts read "unknown". The count_by "size" groups, and the
 * local model's own counts, are named by this.
 */
export function sizeOf({ cpu_kind, cpus, memory_mb }: GuestParts): string {
  // A guest without a kind has Fly's default one, shared (fly-go DefaultVMSize); fly-go's ToSize
  // names no other kind either.
  const kind = cpu_kind ?? "shared";
  const preset = cpus == null || !isCpuKind(kind) ? "unknown" : presetName(kind, cpus);
  return `${preset}:${memory_mb == null ? "unknown" : `${memory_mb}MB`}`;
}

function groupOf(m: AnyMachine, by: MachineCountBy): string {
  switch (by) {
    case "region":
      return m.region ?? "unknown";
    case "state":
      return m.state ?? "unknown";
    case "app":
      return "app_name" in m && typeof m.app_name === "string" ? m.app_name : "unknown";
    case "size":
      return sizeOf(guestOf(m));
  }
}

function stateTally(machines: readonly AnyMachine[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const m of machines) {
    const state = m.state ?? "unknown";
    tally[state] = (tally[state] ?? 0) + 1;
  }
  return tally;
}

/** Machines counted per region, state, app or size, over every machine given. */
function countMachines(
  machines: readonly AnyMachine[],
  by: MachineCountBy,
  order?: "asc" | "desc",
): MachineCounts {
  return countGroups(
    machines,
    by,
    (m) => groupOf(m, by),
    (group) => (by === "state" ? {} : { states: stateTally(group) }),
    order,
  );
}

function machineCountView(counts: MachineCounts, limit: number | undefined): CountView {
  const groupNoun = { region: "regions", state: "states", app: "apps", size: "sizes" }[counts.count_by];
  return countView(counts, {
    noun: "machines",
    groupNoun,
    limit,
    cells: (g): Row => (g.states ? { states: stateSummary(g.states) } : {}),
  });
}

/** A listing of machines, or their counts when `count_by` was given. */
export type MachineListing<M extends AnyMachine> = Limited<M> | MachineCounts;

/** Counts when `count_by` is set, else the machines sorted and cut to `limit`. */
export function listOrCount<M extends AnyMachine>(
  machines: M[],
  input: { sort?: MachineSort; order?: "asc" | "desc"; limit?: number; count_by?: MachineCountBy },
): MachineListing<M> {
  if (input.count_by !== undefined)
    return limitGroups(countMachines(machines, input.count_by, input.order), input.limit);
  return take(sortMachines(machines, input.sort ?? "created", input.order), input.limit);
}

/**
 * The part of a state filter Fly applies itself: `state` only when every state asked for is
 * one its list endpoints document, and `include_deleted` when destroyed machines are asked for
 * (Fly hides them otherwise). `filterMachines` applies the whole filter afterwards either way.
 */
export function stateQuery(states: readonly string[] | undefined): {
  state?: ListFilterState[];
  include_deleted?: boolean;
} {
  if (states === undefined) return {};
  // Fly filters only on the states its list endpoints document; others are filtered here, after listing.
  const serverSide = states.filter(isListFilterState);
  return {
    ...(serverSide.length === states.length ? { state: serverSide } : {}),
    ...(states.includes("destroyed") ? { include_deleted: true } : {}),
  };
}

export function filterMachines<T extends AnyMachine>(
  machines: readonly T[],
  filter: { state?: readonly string[]; region?: string },
): T[] {
  return machines.filter(
    (m) =>
      (filter.state === undefined || filter.state.includes(m.state ?? "")) &&
      (filter.region === undefined || m.region === filter.region),
  );
}

/** Rows of machines (`narrow` says how to see fewer), or their counts. */
export function machinesView(
  listing: MachineListing<AnyMachine>,
  limit: number | undefined,
  narrow: string,
): ListView | CountView {
  if (!Array.isArray(listing)) return machineCountView(listing, limit);
  return listView(listing.map(machineRow), {
    noun: "machines",
    limit,
    matched: listing.matched,
    narrow: `${narrow}, or count them with count_by`,
    incomplete: listing.incomplete,
  });
}

/** One table row per machine: what a person scans for. Never config.env (it may hold secrets). */
export function machineRow(m: AnyMachine): Row {
  const app: Row = "app_name" in m && typeof m.app_name === "string" ? { app: m.app_name } : {};
  return {
    id: m.id,
    name: m.name ?? null,
    ...app,
    state: m.state ?? null,
    region: m.region ?? null,
    ...guestOf(m),
    image: m.config?.image ?? null,
    created_at: m.created_at ?? null,
    updated_at: m.updated_at ?? null,
  };
}

/** A single machine in detail, still without env values, file contents or raw config. */
export function machineDetail(m: Machine): Record<string, unknown> {
  const config = m.config;
  const mounts = (config?.mounts ?? []).map((mount) => `${mount.volume ?? "?"}:${mount.path ?? "?"}`);
  const services = (config?.services ?? []).map((s) => {
    const ports = Array.isArray(s.ports)
      ? (s.ports as { port?: unknown }[]).map((p) => p.port).filter((p) => typeof p === "number")
      : [];
    return `${s.protocol ?? "?"} ${ports.length > 0 ? ports.join(",") : "-"} -> ${s.internal_port ?? "?"}`;
  });
  return {
    ...machineRow(m),
    process_group: config?.metadata?.fly_process_group ?? null,
    private_ip: m.private_ip ?? null,
    host_status: m.host_status ?? null,
    instance_id: m.instance_id ?? null,
    env_names: Object.keys(config?.env ?? {}).sort(),
    mounts,
    services,
    checks: (m.checks ?? []).map(
      (c) => `${c.name ?? "?"}: ${c.status ?? "?"}${c.output ? ` (${short(c.output, 60)})` : ""}`,
    ),
    recent_events: (m.events ?? [])
      .slice(0, 5)
      .map((e) =>
        `${e.timestamp ? new Date(e.timestamp).toISOString() : "?"} ${e.type ?? "?"} ${e.status ?? ""}`.trim(),
      ),
  };
}
