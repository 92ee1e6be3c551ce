import type { HttpTransport } from "./http.js";
import { acquireLease, findLease, machineChange, releaseLease, type MachineLease } from "./leases.js";
import {
  call,
  parseAnswer,
  machinePath,
  seg,
  type CreateMachineBody,
  type ListMachinesQuery,
  type Signal,
  type UpdateMachineBody,
  type WaitState,
} from "./rest-support.js";
import {
  MachineEventSchema,
  MachineSchema,
  WaitMachineResponseSchema,
  type Machine,
  type MachineEvent,
  type WaitMachineResponse,
} from "./schemas.js";

const WAIT_MAX_SECONDS = 60;

type Action = "start" | "stop" | "suspend" | "cordon" | "uncordon";

async function action(
  http: HttpTransport,
  app: string,
  id: string,
  verb: Action,
  body: unknown,
  signal: AbortSignal | undefined,
): Promise<void> {
  await machineChange(http, app, id, {
    method: "POST",
    path: `${machinePath(app, id)}/${verb}`,
    body,
    // Each converges on a state: resending after a lost answer cannot act twice.
    idempotent: true,
    limit: { action: `machines_${verb}`, key: id },
    signal,
  });
}

/** One app's machines: list, get, create, update, the state actions, destroy, events, wait. Part of FlyRest (rest.ts). */
export function machinesRest(http: HttpTransport) {
  return {
    listMachines(app: string, query: ListMachinesQuery = {}, signal?: AbortSignal): Promise<Machine[]> {
      return call(http, MachineSchema.array(), {
        method: "GET",
        path: `/v1/apps/${seg(app)}/machines`,
        query: {
          state: query.state?.length ? query.state.join(",") : undefined,
          region: query.region,
          summary: query.summary,
          include_deleted: query.include_deleted,
        },
        limit: { action: "machines_list", key: app },
        signal,
      });
    },

    getMachine(app: string, id: string, signal?: AbortSignal): Promise<Machine> {
      return call(http, MachineSchema, {
        method: "GET",
        path: machinePath(app, id),
        limit: { action: "machines_get", key: id },
        signal,
      });
    },

    createMachine(app: string, body: CreateMachineBody, signal?: AbortSignal): Promise<Machine> {
      return call(http, MachineSchema, {
        method: "POST",
        path: `/v1/apps/${seg(app)}/machines`,
        body,
        idempotent: false,
        limit: { action: "machines_create", key: app },
        signal,
      });
    },

    async updateMachine(
      app: string,
      id: string,
      body: UpdateMachineBody,
      signal?: AbortSignal,
    ): Promise<Machine> {
      const answer = await machineChange<unknown>(http, app, id, {
        method: "POST",
        path: machinePath(app, id),
        body,
        idempotent: false,
        limit: { action: "machines_update", key: id },
        signal,
      });
      return parseAnswer(MachineSchema, answer, `POST ${machinePath(app, id)}`);
    },

    startMachine(app: string, id: string, signal?: AbortSignal): Promise<void> {
      return action(http, app, id, "start", undefined, signal);
    },

    stopMachine(
      app: string,
      id: string,
      options: { signal?: Signal; timeout?: string } = {},
      signal?: AbortSignal,
    ): Promise<void> {
      const body = options.signal === undefined && options.timeout === undefined ? undefined : options;
      return action(http, app, id, "stop", body, signal);
    },

    async restartMachine(
      app: string,
      id: string,
      options: { signal?: Signal; timeout?: string } = {},
      signal?: AbortSignal,
    ): Promise<void> {
      // Not idempotent: a resent restart after a lost answer restarts the machine twice.
      await machineChange(http, app, id, {
        method: "POST",
        path: `${machinePath(app, id)}/restart`,
        query: { signal: options.signal, timeout: options.timeout },
        idempotent: false,
        limit: { action: "machines_restart", key: id },
        signal,
      });
    },

    suspendMachine(app: string, id: string, signal?: AbortSignal): Promise<void> {
      return action(http, app, id, "suspend", undefined, signal);
    },

    cordonMachine(app: string, id: string, signal?: AbortSignal): Promise<void> {
      return action(http, app, id, "cordon", undefined, signal);
    },

    uncordonMachine(app: string, id: string, signal?: AbortSignal): Promise<void> {
      return action(http, app, id, "uncordon", undefined, signal);
    },

    async destroyMachine(
      app: string,
      id: string,
      options: { force?: boolean; goneOnRetry?: boolean } = {},
      signal?: AbortSignal,
    ): Promise<void> {
      await machineChange(http, app, id, {
        method: "DELETE",
        path: machinePath(app, id),
        query: { force: options.force },
        goneOnRetry: options.goneOnRetry,
        limit: { action: "machines_destroy", key: id },
        signal,
      });
    },

    listMachineEvents(
      app: string,
      id: string,
      options: { limit?: number } = {},
      signal?: AbortSignal,
    ): Promise<MachineEvent[]> {
      return call(http, MachineEventSchema.array(), {
        method: "GET",
        path: `${machinePath(app, id)}/events`,
        query: { limit: options.limit },
        limit: { action: "machines_events", key: id },
        signal,
      });
    },

    /** Long-polls until the machine reaches `state` or `timeoutSeconds` (at most 60) pass; Fly answers 408 then. */
    waitMachine(
      app: string,
      id: string,
      options: { state: WaitState; version?: string; fromEventId?: string; timeoutSeconds?: number },
      signal?: AbortSignal,
    ): Promise<WaitMachineResponse> {
      const timeout = Math.min(options.timeoutSeconds ?? WAIT_MAX_SECONDS, WAIT_MAX_SECONDS);
      return call(http, WaitMachineResponseSchema, {
        method: "GET",
        path: `${machinePath(app, id)}/wait`,
        query: {
          state: options.state,
          version: options.version,
          from_event_id: options.fromEventId,
          timeout,
        },
        limit: { action: "machines_wait", key: id },
        // The server holds the request for up to `timeout` seconds; the client must outwait it.
        timeoutMs: (timeout + 15) * 1000,
        signal,
      });
    },

    /** The machine's lease (GET …/lease); 404 "lease not found" when nobody holds it. */
    getMachineLease(app: string, id: string, signal?: AbortSignal): Promise<MachineLease> {
      return findLease(http, app, id, signal);
    },

    /** Takes a lease (POST …/lease); with `nonce`, refreshes the caller's own. Machine changes take theirs themselves. */
    acquireMachineLease(
      app: string,
      id: string,
      options: { ttl: number; description?: string; nonce?: string },
      signal?: AbortSignal,
    ): Promise<MachineLease> {
      return acquireLease(http, app, id, options, signal);
    },

    releaseMachineLease(app: string, id: string, nonce: string, signal?: AbortSignal): Promise<void> {
      return releaseLease(http, app, id, nonce, signal);
    },
  };
}

export type MachinesRest = ReturnType<typeof machinesRest>;
