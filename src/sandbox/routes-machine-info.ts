import { z } from "zod";
import { readBody } from "./body.js";
import { badRequest, failedPrecondition } from "./http-error.js";
import { hexDigestOf } from "./ids.js";
import { requireLiveMachine } from "./machine-ops.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import type { MachineRecord } from "./types.js";

/**
 * What a machine runs and holds: its versions (Machines_list_versions), its processes
 * (Machines_list_processes) and its memory balloon (Machines_get_memory, _set_memory_limit,
 * _reclaim_memory), in the spec's shapes (MachineVersion, ProcessStat, main.memoryResponse).
 * Processes and memory exist only while the VM runs; Fly documents nothing for a machine that is
 * not started, so the sandbox refuses with the 412 it gives other actions the state forbids.
 */

const SetMemoryLimit = z.object({ limit_mb: z.number().int() });
const ReclaimMemory = z.object({ amount_mb: z.number().int() });
const PS_SORT = ["cpu", "rss", "pid", "rtime", "stime"] as const;

function requireRunning(machine: MachineRecord, what: string): void {
  if (machine.state !== "started")
    throw failedPrecondition(`unable to ${what} of machine, it is ${machine.state}, not started`);
}

/** A steady share of the limit in use, derived from the machine, so every read agrees. */
function usedMb(machine: MachineRecord, limitMb: number): number {
  const share = 25 + (Number.parseInt(hexDigestOf(machine.id, 2), 16) % 30);
  return Math.floor((limitMb * share) / 100);
}

function limitOf(machine: MachineRecord): number {
  return machine.memoryLimitMb ?? machine.config.guest.memory_mb;
}

function availableMb(machine: MachineRecord): number {
  const limit = limitOf(machine);
  return limit - usedMb(machine, limit);
}

function memoryView(machine: MachineRecord): Record<string, unknown> {
  return { limit_mb: limitOf(machine), available_mb: availableMb(machine) };
}

/** The VM's app process: its init command (else its image), listening on the ports its services name. */
function processes(machine: MachineRecord): Record<string, unknown>[] {
  const services = Array.isArray(machine.config.services) ? (machine.config.services as unknown[]) : [];
  const sockets = services.flatMap((service) => {
    const port = (service as { internal_port?: unknown }).internal_port;
    return typeof port === "number" ? [{ proto: "tcp", address: `0.0.0.0:${port}` }] : [];
  });
  const init = (machine.config.init ?? {}) as { cmd?: unknown; exec?: unknown };
  const argv = [init.exec, init.cmd].find((v): v is string[] => Array.isArray(v) && v.length > 0);
  const seconds = 1 + (Number.parseInt(hexDigestOf(machine.instanceId, 4), 16) % 5000);
  return [
    {
      pid: 300 + (Number.parseInt(hexDigestOf(machine.id, 2), 16) % 200),
      command: argv?.join(" ") ?? machine.config.image,
      directory: "/",
      cpu: 1 + (seconds % 7),
      rss: usedMb(machine, limitOf(machine)) * 1024 * 1024,
      rtime: seconds,
      stime: 1,
      listen_sockets: sockets,
    },
  ];
}

function sortProcesses(list: Record<string, unknown>[], query: URLSearchParams): Record<string, unknown>[] {
  const by = query.get("sort_by");
  const order = query.get("order");
  if (by === null || by === "") return list;
  if (!(PS_SORT as readonly string[]).includes(by))
    throw badRequest(`invalid sort_by "${by}": use one of ${PS_SORT.join(", ")}`);
  if (order !== null && order !== "" && order !== "asc" && order !== "desc")
    throw badRequest(`invalid order "${order}": use asc or desc`);
  const sign = order === "desc" ? -1 : 1;
  return [...list].sort((a, b) => sign * (Number(a[by]) - Number(b[by])));
}

export function machineInfoRoutes({ store, leases }: RouteDeps): Route[] {
  const base = "/v1/apps/:app_name/machines/:machine_id";
  const machineOf = (params: Record<string, string>) =>
    requireLiveMachine(store, params.app_name ?? "", params.machine_id ?? "");
  return [
    {
      method: "GET",
      path: `${base}/versions`,
      limit: per("machines_versions", "machine_id"),
      handle: ({ params }) => {
        const machine = machineOf(params);
        const versions = machine.versions ?? [{ version: machine.instanceId, config: machine.config }];
        return ok(versions.map((v) => ({ version: v.version, user_config: structuredClone(v.config) })));
      },
    },
    {
      method: "GET",
      path: `${base}/ps`,
      limit: per("machines_ps", "machine_id"),
      handle: ({ params, query }) => {
        const machine = machineOf(params);
        requireRunning(machine, "list the processes");
        return ok(sortProcesses(processes(machine), query));
      },
    },
    {
      method: "GET",
      path: `${base}/memory`,
      limit: per("machines_memory", "machine_id"),
      handle: ({ params }) => {
        const machine = machineOf(params);
        requireRunning(machine, "read the memory");
        return ok(memoryView(machine));
      },
    },
    {
      method: "PUT",
      path: `${base}/memory`,
      limit: per("machines_memory_limit", "machine_id"),
      handle: ({ params, body, leaseNonce }) => {
        const machine = machineOf(params);
        leases.guard(machine.id, leaseNonce);
        requireRunning(machine, "set the memory limit");
        const { limit_mb: limit } = readBody(SetMemoryLimit, body);
        const size = machine.config.guest.memory_mb;
        if (limit < 1 || limit > size)
          throw badRequest(`invalid limit_mb ${limit}: use 1 to ${size}, the machine's memory`);
        machine.memoryLimitMb = limit;
        store.changed(machine);
        return ok(memoryView(machine));
      },
    },
    {
      method: "POST",
      path: `${base}/memory/reclaim`,
      limit: per("machines_memory_reclaim", "machine_id"),
      handle: ({ params, body, leaseNonce }) => {
        const machine = machineOf(params);
        leases.guard(machine.id, leaseNonce);
        requireRunning(machine, "reclaim memory");
        const { amount_mb: amount } = readBody(ReclaimMemory, body);
        if (amount < 1) throw badRequest(`invalid amount_mb ${amount}: ask for at least 1`);
        // Only what the VM does not use can be taken back.
        return ok({ actual_mb: Math.min(amount, availableMb(machine)) });
      },
    },
  ];
}
