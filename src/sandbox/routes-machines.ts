import { SETTLED_WAIT_STATES, WAIT_STATES } from "../platform/machine-states.js";
import { queryFlag, queryList } from "./body.js";
import { ApiError, badRequest } from "./http-error.js";
import { listFilter } from "./list-filters.js";
import { parseMachineRequest } from "./machine-config.js";
import { createMachine, destroyMachine, requireLiveMachine, updateMachine } from "./machine-ops.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import type { MachineRecord } from "./types.js";
import { machineView } from "./views.js";

const WAIT_MAX_SECONDS = 60;

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(`invalid ${name} "${raw}": expected a whole number`);
  return Number(raw);
}

/**
 * The version a wait is for: `version`, or `instance_id`, its deprecated name (spec: "26-character
 * Machine version ID"; the docs' wait example sends `instance_id`). A version the machine never
 * had is a 400: Fly documents nothing for it, so the sandbox is strict.
 */
function waitVersion(machine: MachineRecord, query: URLSearchParams): string | undefined {
  const version = query.get("version") || query.get("instance_id") || undefined;
  if (version === undefined || version === machine.instanceId) return version;
  const known = (machine.versions ?? []).some((v) => v.version === version);
  if (!known) throw badRequest(`invalid version "${version}": machine ${machine.id} never had it`);
  return version;
}

export function machineRoutes(deps: RouteDeps): Route[] {
  const { store, lifecycle, leases } = deps;
  const appName = (params: Record<string, string>): string => params.app_name ?? "";
  return [
    {
      method: "GET",
      path: "/v1/apps/:app_name/machines",
      limit: per("machines_list", "app_name"),
      handle: ({ params, query }) => {
        const app = store.requireApp(appName(params));
        const summary = queryFlag(query, "summary");
        const machines = store
          .machines(app.name)
          .filter(listFilter(query))
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
        return ok(machines.map((m) => machineView(m, summary)));
      },
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/machines",
      limit: per("machines_create", "app_name"),
      handle: ({ params, body }) => {
        const app = store.requireApp(appName(params));
        return ok(machineView(createMachine(deps, app, parseMachineRequest(body))));
      },
    },
    {
      method: "GET",
      path: "/v1/apps/:app_name/machines/:machine_id",
      limit: per("machines_get", "machine_id"),
      handle: ({ params }) => ok(machineView(store.requireMachine(appName(params), params.machine_id ?? ""))),
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/machines/:machine_id",
      limit: per("machines_update", "machine_id"),
      handle: ({ params, body, leaseNonce }) => {
        const machine = requireLiveMachine(store, appName(params), params.machine_id ?? "");
        leases.guard(machine.id, leaseNonce);
        updateMachine(deps, machine, parseMachineRequest(body));
        return ok(machineView(machine));
      },
    },
    {
      method: "DELETE",
      path: "/v1/apps/:app_name/machines/:machine_id",
      limit: per("machines_destroy", "machine_id"),
      handle: ({ params, query, leaseNonce }) => {
        const machine = requireLiveMachine(store, appName(params), params.machine_id ?? "");
        leases.guard(machine.id, leaseNonce);
        // The spec names `force`; fly-go sends `kill` for the same thing (flaps/flaps_machines.go
        // Destroy: "?kill=%t"), and flyctl's `machine destroy --force` goes through it.
        const force = queryFlag(query, "force") || queryFlag(query, "kill");
        destroyMachine(deps, machine, force);
        return ok({ ok: true });
      },
    },
    {
      method: "GET",
      path: "/v1/apps/:app_name/machines/:machine_id/events",
      limit: per("machines_events", "machine_id"),
      handle: ({ params, query }) => {
        const machine = store.requireMachine(appName(params), params.machine_id ?? "");
        const limit = Math.min(Math.max(intParam(query, "limit", 20), 1), 50);
        return ok(machine.events.slice(0, limit).map((e) => structuredClone(e)));
      },
    },
    {
      method: "GET",
      path: "/v1/apps/:app_name/machines/:machine_id/wait",
      limit: per("machines_wait", "machine_id"),
      handle: async ({ params, query, signal }) => {
        const machine = store.requireMachine(appName(params), params.machine_id ?? "");
        const wanted = queryList(query, "state", { repeated: true });
        const states = wanted.length > 0 ? wanted : ["started"];
        const invalid = states.find((s) => !(WAIT_STATES as readonly string[]).includes(s));
        if (invalid) throw badRequest(`invalid state "${invalid}": use one of ${WAIT_STATES.join(", ")}`);
        const targets = new Set<string>(
          states.flatMap((s) => (s === "settled" ? [...SETTLED_WAIT_STATES] : [s])),
        );
        const seconds = Math.min(intParam(query, "timeout", WAIT_MAX_SECONDS), WAIT_MAX_SECONDS);
        const version = waitVersion(machine, query);
        const reached = await lifecycle.wait(machine, targets, seconds * 1000, signal, version);
        if (!reached) {
          const at = version === undefined ? "" : ` at version ${version}`;
          throw new ApiError(
            408,
            `deadline_exceeded: machine ${machine.id} did not reach ${states.join(" or ")}${at} within ${seconds}s (it is ${machine.state} at version ${machine.instanceId})`,
          );
        }
        return ok({
          ok: true,
          state: machine.state,
          event_id: machine.events[0]?.id ?? "",
          version: machine.instanceId,
        });
      },
    },
  ];
}
