import { z } from "zod";
import { FlyopsError } from "../errors.js";
import { FlyApiError } from "./errors.js";
import type { HttpRequest, HttpTransport } from "./http.js";
import { call, machinePath } from "./rest-support.js";

/**
 * Machine leases, taken the way flyctl takes them: before a change to a machine, a lease with a
 * short TTL; the change carries its nonce in `fly-machine-lease-nonce`; afterwards the lease is
 * released (flyctl internal/machine/lease.go AcquireLease/releaseLease, and every machine command
 * in internal/command/machine: start, stop, restart, suspend, cordon, update, destroy). Paths and
 * header as in fly-go flaps/flaps_machines.go and the spec's Machines_*_lease operations.
 *
 * `machineChange` is the one way a machine is changed: every mutating method of the REST client
 * goes through it, so every tool, static command and plan step holds the lease for its change.
 */

export const LEASE_NONCE_HEADER = "fly-machine-lease-nonce";

/**
 * flyctl asks for 120 s and holds its lease through a whole deploy; flyops holds one for a single
 * request (its waits happen after the release), so a minute covers the request, its 30 s timeout
 * and a retry, and a lease left behind by a crash frees the machine soon.
 */
export const CHANGE_LEASE_TTL_SECONDS = 60;

const str = z.string().nullish();

/** The answer to a lease request: Fly's docs and fly-go's MachineLease wrap the lease in `data`. */
export const MachineLeaseSchema = z
  .object({
    status: str,
    message: str,
    code: str,
    data: z
      .object({ nonce: str, expires_at: z.number().nullish(), owner: str, description: str, version: str })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type MachineLease = z.infer<typeof MachineLeaseSchema>;

/** Who holds a machine, and until when, as far as Fly told. */
export interface LeaseHolder {
  owner: string | undefined;
  /** Unix seconds. */
  expiresAt: number | undefined;
  description: string | undefined;
}

function isoOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Someone else holds the machine's lease: nothing was sent to the machine. */
export class MachineLeasedError extends FlyopsError {
  readonly app: string;
  readonly machineId: string;
  readonly holder: LeaseHolder;

  constructor(init: { app: string; machineId: string; holder: LeaseHolder; cause?: unknown }) {
    const { app, machineId, holder } = init;
    const who = holder.owner ?? "someone else";
    const until = holder.expiresAt === undefined ? "" : ` until ${isoOf(holder.expiresAt)}`;
    const why = holder.description ? ` ("${holder.description}")` : "";
    super(`machine ${machineId} of ${app} is leased by ${who}${until}${why}; nothing was changed`, {
      hint: `another process (a deploy, another apply, a person) is changing this machine; wait until its lease ends, or ask ${who}, then run it again; \`fly machine leases view ${machineId} -a ${app}\` shows the lease`,
      cause: init.cause,
    });
    this.app = app;
    this.machineId = machineId;
    this.holder = holder;
  }
}

function leasePath(app: string, id: string): string {
  return `${machinePath(app, id)}/lease`;
}

/** GET …/lease: the machine's lease; Fly answers 404 "lease not found" when there is none. */
export function findLease(
  http: HttpTransport,
  app: string,
  id: string,
  signal?: AbortSignal,
): Promise<MachineLease> {
  return call(http, MachineLeaseSchema, {
    method: "GET",
    path: leasePath(app, id),
    limit: { action: "machines_find_lease", key: id },
    signal,
  });
}

/** POST …/lease: a new lease (or, with the holder's nonce, the same one for a new TTL). */
export function acquireLease(
  http: HttpTransport,
  app: string,
  id: string,
  options: { ttl: number; description?: string; nonce?: string },
  signal?: AbortSignal,
): Promise<MachineLease> {
  return call(http, MachineLeaseSchema, {
    method: "POST",
    path: leasePath(app, id),
    body: { ttl: options.ttl, description: options.description ?? "" },
    headers: options.nonce === undefined ? undefined : { [LEASE_NONCE_HEADER]: options.nonce },
    // A second lease would outlive a lost answer by its TTL; never resent blindly.
    idempotent: false,
    countsAsChange: false,
    limit: { action: "machines_acquire_lease", key: id },
    signal,
  });
}

/** DELETE …/lease with the holder's nonce. */
export async function releaseLease(
  http: HttpTransport,
  app: string,
  id: string,
  nonce: string,
  signal?: AbortSignal,
): Promise<void> {
  await http.request({
    method: "DELETE",
    path: leasePath(app, id),
    headers: { [LEASE_NONCE_HEADER]: nonce },
    countsAsChange: false,
    limit: { action: "machines_release_lease", key: id },
    signal,
  });
}

function holderFrom(lease: MachineLease): LeaseHolder {
  return {
    owner: lease.data?.owner ?? undefined,
    expiresAt: lease.data?.expires_at ?? undefined,
    description: lease.data?.description || undefined,
  };
}

// Fly's text, "machine ID … lease currently held by OWNER, expires at TIME" (sandbox/leases.ts).
const HELD_BY = /lease currently held by (\S+), expires at (\S+)/;

/** Who holds the machine: read from Fly's lease, else from the text of its refusal. */
async function holderOf(
  http: HttpTransport,
  app: string,
  id: string,
  refusal: FlyApiError,
): Promise<LeaseHolder> {
  try {
    return holderFrom(await findLease(http, app, id));
  } catch {
    const match = HELD_BY.exec(refusal.flyError ?? "");
    const expires = match?.[2] === undefined ? Number.NaN : Date.parse(match[2]) / 1000;
    return {
      owner: match?.[1],
      expiresAt: Number.isFinite(expires) ? expires : undefined,
      description: undefined,
    };
  }
}

function isLeaseConflict(error: unknown): error is FlyApiError {
  return error instanceof FlyApiError && error.status === 409 && /lease/i.test(error.flyError ?? "");
}

/**
 * Sends one change to a machine under a lease of its own: takes the lease (a machine leased by
 * someone else is a MachineLeasedError, and nothing is sent), sends `req` with the nonce, and
 * releases the lease whatever happened, except after a destroy that succeeded (flyctl's
 * leasable_machine.go ReleaseLease skips a destroyed machine: the lease went with it). A lease
 * already gone when it is released ("lease not found", flyctl lease.go) is not an error.
 */
export async function machineChange<T>(
  http: HttpTransport,
  app: string,
  id: string,
  req: HttpRequest,
): Promise<T> {
  let lease: MachineLease;
  try {
    lease = await acquireLease(
      http,
      app,
      id,
      { ttl: CHANGE_LEASE_TTL_SECONDS, description: "flyops" },
      req.signal,
    );
  } catch (error) {
    if (!isLeaseConflict(error)) throw error;
    throw new MachineLeasedError({
      app,
      machineId: id,
      holder: await holderOf(http, app, id, error),
      cause: error,
    });
  }
  const nonce = lease.data?.nonce;
  if (lease.status !== "success" || !nonce) {
    throw new FlyopsError(
      `Fly did not grant a lease on machine ${id} of ${app} (status ${lease.status ?? "none"})`,
      {
        hint: "nothing was changed; retry, and check the machine's lease with `fly machine leases view`",
      },
    );
  }
  let destroyed = false;
  try {
    const result = await http.request<T>({
      ...req,
      headers: { ...req.headers, [LEASE_NONCE_HEADER]: nonce },
    });
    // Only the machine itself goes with its lease; deleting a metadata key leaves both.
    destroyed = req.method === "DELETE" && req.path === machinePath(app, id);
    return result;
  } catch (error) {
    if (isLeaseConflict(error))
      throw new MachineLeasedError({
        app,
        machineId: id,
        holder: await holderOf(http, app, id, error),
        cause: error,
      });
    throw error;
  } finally {
    if (!destroyed) await releaseQuietly(http, app, id, nonce);
  }
}

/** Releases even after the caller gave up (flyctl releases with a fresh context); the TTL ends it otherwise. */
async function releaseQuietly(http: HttpTransport, app: string, id: string, nonce: string): Promise<void> {
  try {
    await releaseLease(http, app, id, nonce, AbortSignal.timeout(5_000));
  } catch (error) {
    if (error instanceof FlyApiError && error.status === 404) return;
    http.log.warn(
      `could not release the lease on machine ${id} of ${app} (it ends by itself within ${CHANGE_LEASE_TTL_SECONDS}s): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
