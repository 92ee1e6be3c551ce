import type { Machine, OrgMachine } from "../src/fly/schemas.js";
import { short, sortBy, type Row } from "./view.js";

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
    updated_at: m.updated_at ?? null,
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
