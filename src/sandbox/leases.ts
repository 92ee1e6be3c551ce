import { ApiError, badRequest } from "./http-error.js";
import { hexDigestOf } from "./ids.js";
import type { MachineRecord } from "./types.js";

/**
 * Machine leases, as Fly keeps them: one lease per machine at a time, with a nonce, an owner, an
 * expiry (unix seconds) and the machine version it was taken on. Kept in memory only: a lease
 * outlives no sandbox, as none outlives its TTL on Fly.
 *
 * Sources: Fly's Machines API docs (superfly/docs machines/api/machines-resource.html.markerb,
 * "Create a Machine lease": "add the fly-machine-lease-nonce header to all subsequent API calls to
 * the Machine for the duration of the lease"; the update's header: "If the Machine is leased, and
 * you don't provide this header, the request to update the Machine will fail"), the response
 * examples in reference/machines/_machines_lease_*_resp.erb, fly-go flaps/flaps_machines.go
 * (NonceHeader, AcquireLease/RefreshLease/ReleaseLease, which retries a 409 on acquire) and
 * machine_types.go (MachineLease{status, data{nonce, expires_at, owner, version}}).
 */

export const NONCE_HEADER = "fly-machine-lease-nonce";

/** A TTL nobody asked for: flyctl always sends one (internal/machine/lease.go asks for 120 s). */
const DEFAULT_TTL_SECONDS = 30;
const MAX_TTL_SECONDS = 3600;

export interface LeaseRecord {
  nonce: string;
  /** Unix seconds. */
  expiresAt: number;
  owner: string;
  description: string;
  version: string;
}

function isoOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Fly's refusal of a change to a machine someone else holds: 409 (a Fly engineer on
 * community.fly.io/t/409-conflict-error-from-machines-api/15555: "there's a lease on the machine
 * and it was not provided"), with the text flyctl matches (internal/command/deploy/plan.go:
 * "lease currently held by") in the form Fly sends it: "machine ID … lease currently held by
 * OWNER, expires at TIME". The body is the spec's ErrorResponse.
 */
export function leaseHeld(machineId: string, lease: LeaseRecord): ApiError {
  return new ApiError(
    409,
    `machine ID ${machineId} lease currently held by ${lease.owner}, expires at ${isoOf(lease.expiresAt)}`,
  );
}

/** flyctl treats this text as "the lease already ended" (internal/machine/lease.go, command/machine/leases.go). */
function leaseNotFound(): ApiError {
  return new ApiError(404, "lease not found");
}

export class LeaseBook {
  private readonly leases = new Map<string, LeaseRecord>();
  private counter = 0;

  constructor(private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** The machine's lease while it lasts; an expired one is gone. */
  current(machineId: string): LeaseRecord | undefined {
    const lease = this.leases.get(machineId);
    if (lease && lease.expiresAt <= this.nowSeconds()) {
      this.leases.delete(machineId);
      return undefined;
    }
    return lease;
  }

  /**
   * POST …/lease: a new lease on a free machine; with the holder's nonce, the same lease for a
   * new TTL (the spec's header: "Existing lease nonce to refresh by ttl, empty or non-existent to
   * create a new lease"); anyone else gets the 409.
   */
  acquire(
    machine: MachineRecord,
    request: { nonce: string | undefined; ttl: number | undefined; description: string | undefined },
    owner: string,
  ): LeaseRecord {
    const ttl = request.ttl ?? DEFAULT_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
      throw badRequest(
        `invalid ttl ${String(ttl)}: use a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`,
      );
    const held = this.current(machine.id);
    if (held && held.nonce !== request.nonce) throw leaseHeld(machine.id, held);
    const expiresAt = this.nowSeconds() + ttl;
    if (held) {
      held.expiresAt = expiresAt;
      if (request.description !== undefined) held.description = request.description;
      return held;
    }
    this.counter += 1;
    const lease: LeaseRecord = {
      nonce: hexDigestOf(`lease:${machine.id}:${this.counter}:${Date.now()}`, 12),
      expiresAt,
      owner,
      description: request.description ?? "",
      version: machine.instanceId,
    };
    this.leases.set(machine.id, lease);
    return lease;
  }

  /** DELETE …/lease: only with the holder's nonce (the spec makes the header required). */
  release(machine: MachineRecord, nonce: string | undefined): void {
    if (!nonce) throw badRequest(`the ${NONCE_HEADER} header is required to release a lease`);
    const held = this.current(machine.id);
    if (!held) throw leaseNotFound();
    if (held.nonce !== nonce) throw leaseHeld(machine.id, held);
    this.leases.delete(machine.id);
  }

  require(machineId: string): LeaseRecord {
    const held = this.current(machineId);
    if (!held) throw leaseNotFound();
    return held;
  }

  /**
   * Every change to a leased machine must carry the lease's nonce. A nonce that names no live
   * lease (it expired, or was released) is refused too: Fly documents nothing for it, so the
   * sandbox is strict, and the caller learns that it no longer holds the machine.
   */
  guard(machineId: string, nonce: string | undefined): void {
    const held = this.current(machineId);
    if (held && held.nonce !== nonce) throw leaseHeld(machineId, held);
    if (!held && nonce)
      throw new ApiError(409, `machine ID ${machineId} lease not found: the nonce sent holds no lease`);
  }
}

/** The lease as Fly answers it (the docs' response examples; fly-go's MachineLease). */
export function leaseView(lease: LeaseRecord): Record<string, unknown> {
  return {
    status: "success",
    data: {
      nonce: lease.nonce,
      expires_at: lease.expiresAt,
      owner: lease.owner,
      description: lease.description,
      version: lease.version,
    },
  };
}
