import { z } from "zod";
import { SIGNALS } from "../platform/signals.js";
import { readBody } from "./body.js";
import { badRequest, failedPrecondition, notFound } from "./http-error.js";
import { requireLiveMachine } from "./machine-ops.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import type { MachineRecord } from "./types.js";

/**
 * A machine's metadata keys and signals, as Fly's spec has them: GET …/metadata (a map of
 * strings), GET/POST/DELETE …/metadata/{key} (the value as {value}; 204 on a change), POST
 * …/signal with a SignalRequest. A signal reaches only a running machine's process; one it is
 * not expected to handle ends it, and the machine restarts or stops by its restart policy (Fly's
 * machine restart-policy doc). The details Fly does not document are strict here.
 */

/** Signals a server is commonly written to handle (reload, reopen logs): the sandbox's process keeps running. */
const HANDLED = new Set(["SIGHUP", "SIGUSR1", "SIGUSR2"]);

const SignalRequest = z.object({ signal: z.enum(SIGNALS) });
const UpsertKey = z.object({ value: z.string(), updated_at: z.string().optional() });

export function machineMetaRoutes({ store, lifecycle, leases }: RouteDeps): Route[] {
  const machineOf = (params: Record<string, string>): MachineRecord =>
    requireLiveMachine(store, params.app_name ?? "", params.machine_id ?? "");
  // Fly's docs do not say whether metadata writes and signals honour a lease; the sandbox is
  // strict and guards them like every other change to a machine.
  const changing = (params: Record<string, string>, leaseNonce: string | undefined): MachineRecord => {
    const machine = machineOf(params);
    leases.guard(machine.id, leaseNonce);
    return machine;
  };
  const base = "/v1/apps/:app_name/machines/:machine_id";
  return [
    {
      method: "GET",
      path: `${base}/metadata`,
      limit: per("machines_metadata", "machine_id"),
      handle: ({ params }) => ok({ ...machineOf(params).config.metadata }),
    },
    {
      method: "GET",
      path: `${base}/metadata/:key`,
      limit: per("machines_metadata", "machine_id"),
      handle: ({ params }) => {
        const value = machineOf(params).config.metadata?.[params.key ?? ""];
        if (value === undefined) throw notFound(`metadata key ${params.key ?? ""}`);
        return ok({ value });
      },
    },
    {
      method: "POST",
      path: `${base}/metadata/:key`,
      limit: per("machines_metadata", "machine_id"),
      handle: ({ params, body, leaseNonce }) => {
        const machine = changing(params, leaseNonce);
        const key = params.key ?? "";
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(key)) throw badRequest(`invalid metadata key "${key}"`);
        const { value } = readBody(UpsertKey, body);
        machine.config.metadata = { ...machine.config.metadata, [key]: value };
        store.changed(machine);
        return ok(undefined, 204);
      },
    },
    {
      method: "DELETE",
      path: `${base}/metadata/:key`,
      limit: per("machines_metadata", "machine_id"),
      handle: ({ params, leaseNonce }) => {
        const machine = changing(params, leaseNonce);
        const metadata = { ...machine.config.metadata };
        delete metadata[params.key ?? ""];
        machine.config.metadata = metadata;
        store.changed(machine);
        return ok(undefined, 204);
      },
    },
    {
      method: "POST",
      path: `${base}/signal`,
      limit: per("machines_signal", "machine_id"),
      handle: ({ params, body, leaseNonce }) => {
        const { signal } = readBody(SignalRequest, body);
        const machine = changing(params, leaseNonce);
        lifecycle.requireSettled(machine, "signal");
        if (machine.state !== "started")
          throw failedPrecondition(`unable to signal machine from current state: '${machine.state}'`);
        lifecycle.event(machine, "signal", machine.state, "user");
        if (!HANDLED.has(signal)) {
          const policy = (machine.config.restart as { policy?: string } | undefined)?.policy;
          if (policy === "no") lifecycle.transition(machine, "exit", "stopping", "stopped");
          else lifecycle.transition(machine, "restart", "starting", "started");
        }
        store.changed(machine);
        return ok(undefined, 200);
      },
    },
  ];
}
