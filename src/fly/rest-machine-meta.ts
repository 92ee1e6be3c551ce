import { z } from "zod";
import type { MachineSignal } from "../platform/signals.js";
import type { HttpTransport } from "./http.js";
import { machineChange } from "./leases.js";
import { call, machinePath, seg } from "./rest-support.js";

/**
 * A machine's metadata keys and signals (Fly's spec: `…/metadata`, `…/metadata/{key}`,
 * `…/signal`). Part of FlyRest (rest.ts). Setting or deleting a key converges, so either may be
 * resent; a signal is delivered once per request and is not. Each change holds a lease of its
 * own (machineChange, leases.ts), as every machine change does.
 */

export function machineMetaRest(http: HttpTransport) {
  return {
    getMachineMetadata(app: string, id: string, signal?: AbortSignal): Promise<Record<string, string>> {
      return call(http, z.record(z.string()), {
        method: "GET",
        path: `${machinePath(app, id)}/metadata`,
        limit: { action: "machines_metadata", key: id },
        signal,
      });
    },

    async setMachineMetadata(
      app: string,
      id: string,
      key: string,
      value: string,
      signal?: AbortSignal,
    ): Promise<void> {
      await machineChange(http, app, id, {
        method: "POST",
        path: `${machinePath(app, id)}/metadata/${seg(key)}`,
        body: { value },
        // Setting a key to a value twice leaves the same metadata.
        idempotent: true,
        limit: { action: "machines_metadata", key: id },
        signal,
      });
    },

    async deleteMachineMetadata(app: string, id: string, key: string, signal?: AbortSignal): Promise<void> {
      await machineChange(http, app, id, {
        method: "DELETE",
        path: `${machinePath(app, id)}/metadata/${seg(key)}`,
        limit: { action: "machines_metadata", key: id },
        signal,
      });
    },

    async signalMachine(app: string, id: string, name: MachineSignal, signal?: AbortSignal): Promise<void> {
      await machineChange(http, app, id, {
        method: "POST",
        path: `${machinePath(app, id)}/signal`,
        body: { signal: name },
        idempotent: false,
        limit: { action: "machines_signal", key: id },
        signal,
      });
    },
  };
}

export type MachineMetaRest = ReturnType<typeof machineMetaRest>;
