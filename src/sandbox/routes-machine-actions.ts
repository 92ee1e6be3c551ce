import { z } from "zod";
import { STARTABLE_STATES, STATE_ACTIONS } from "../platform/machine-states.js";
import { readBody } from "./body.js";
import { badRequest, failedPrecondition } from "./http-error.js";
import { requireLiveMachine } from "./machine-ops.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import type { MachineRecord } from "./types.js";

const SIGNALS = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGTERM"] as const;
const StopRequest = z.object({ signal: z.enum(SIGNALS).optional(), timeout: z.string().optional() });

/** Fly's refusal for an action the machine's state does not allow. */
function refuse(action: string, machine: MachineRecord): never {
  throw failedPrecondition(`unable to ${action} machine from current state: '${machine.state}'`);
}

export function machineActionRoutes(deps: RouteDeps): Route[] {
  const { store, lifecycle, leases } = deps;
  const machineOf = (
    params: Record<string, string>,
    action: string,
    leaseNonce: string | undefined,
  ): MachineRecord => {
    const machine = requireLiveMachine(store, params.app_name ?? "", params.machine_id ?? "");
    leases.guard(machine.id, leaseNonce);
    lifecycle.requireSettled(machine, action);
    return machine;
  };
  const action = (
    verb: string,
    handle: (machine: MachineRecord, req: { body: unknown; query: URLSearchParams }) => unknown,
  ): Route => ({
    method: "POST",
    path: `/v1/apps/:app_name/machines/:machine_id/${verb}`,
    limit: per(`machines_${verb}`, "machine_id"),
    handle: ({ params, body, query, leaseNonce }) =>
      ok(handle(machineOf(params, verb, leaseNonce), { body, query })),
  });
  const { start, stop, suspend } = STATE_ACTIONS;

  return [
    action("start", (machine) => {
      if (!STARTABLE_STATES.has(machine.state)) refuse("start", machine);
      const previous = machine.state;
      lifecycle.transition(machine, "start", start.via, start.target);
      return { previous_state: previous, migrated: false, new_host: "" };
    }),
    action("stop", (machine, { body }) => {
      readBody(StopRequest, body);
      // Stopping a suspended machine discards its snapshot: nothing runs, so it is stopped at
      // once, and its next start is a cold boot.
      if (machine.state === "suspended") lifecycle.arrive(machine, "stop", stop.target);
      else if (machine.state === "started") lifecycle.transition(machine, "stop", stop.via, stop.target);
      else refuse("stop", machine);
      return { ok: true };
    }),
    action("restart", (machine, { query }) => {
      const signal = query.get("signal");
      if (signal !== null && !(SIGNALS as readonly string[]).includes(signal))
        throw badRequest(`invalid signal "${signal}"`);
      if (machine.state !== "started") refuse("restart", machine);
      lifecycle.transition(machine, "restart", "starting", "started");
      return { ok: true };
    }),
    action("suspend", (machine) => {
      if (machine.state !== "started") refuse("suspend", machine);
      lifecycle.transition(machine, "suspend", suspend.via, suspend.target);
      return { ok: true };
    }),
    action("cordon", (machine) => {
      machine.cordoned = true;
      lifecycle.event(machine, "cordon", machine.state, "user");
      store.changed(machine);
      return { ok: true };
    }),
    action("uncordon", (machine) => {
      machine.cordoned = false;
      lifecycle.event(machine, "uncordon", machine.state, "user");
      store.changed(machine);
      return { ok: true };
    }),
  ];
}
