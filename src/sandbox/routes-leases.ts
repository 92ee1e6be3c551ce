import { z } from "zod";
import { readBody } from "./body.js";
import { badRequest } from "./http-error.js";
import { leaseView } from "./leases.js";
import { requireLiveMachine } from "./machine-ops.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";

/** The spec's CreateLeaseRequest; fly-go sends the TTL as `?ttl=` instead (flaps_machines.go AcquireLease). */
const CreateLease = z.object({ ttl: z.number().int().optional(), description: z.string().optional() });

function ttlOf(query: URLSearchParams, body: { ttl?: number | undefined }): number | undefined {
  const raw = query.get("ttl");
  if (raw === null || raw === "") return body.ttl;
  if (!/^\d+$/.test(raw)) throw badRequest(`invalid ttl "${raw}": expected a whole number of seconds`);
  return Number(raw);
}

/** GET, POST and DELETE /v1/apps/{app}/machines/{id}/lease (Machines_show_lease, _create_lease, _release_lease). */
export function leaseRoutes({ store, leases }: RouteDeps): Route[] {
  const path = "/v1/apps/:app_name/machines/:machine_id/lease";
  const machineOf = (params: Record<string, string>) =>
    requireLiveMachine(store, params.app_name ?? "", params.machine_id ?? "");
  return [
    {
      method: "GET",
      path,
      limit: per("machines_find_lease", "machine_id"),
      handle: ({ params }) => ok(leaseView(leases.require(machineOf(params).id))),
    },
    {
      method: "POST",
      path,
      limit: per("machines_acquire_lease", "machine_id"),
      handle: ({ params, query, body, leaseNonce }) => {
        const machine = machineOf(params);
        const input = readBody(CreateLease, body);
        const lease = leases.acquire(
          machine,
          { nonce: leaseNonce, ttl: ttlOf(query, input), description: input.description },
          store.viewer().email,
        );
        return ok(leaseView(lease), 201);
      },
    },
    {
      method: "DELETE",
      path,
      limit: per("machines_release_lease", "machine_id"),
      handle: ({ params, leaseNonce }) => {
        leases.release(machineOf(params), leaseNonce);
        // The docs' release example answers {"status":"success","data":{"ok":true}}; the spec
        // declares the 200 without a body schema.
        return ok({ status: "success", data: { ok: true } });
      },
    },
  ];
}
