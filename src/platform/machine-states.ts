/**
 * Fly machine states, defined once for the catalog, the REST client, the sandbox and the local
 * model. This folder is the bottom layer: it imports nothing of the product.
 *
 * Source: Fly's "Machine states and lifecycle" (https://fly.io/docs/machines/machine-states/,
 * superfly/docs machines/machine-states.html.markerb), which sorts a machine's states into
 * persistent, transient and terminal ones; fly-go's machine_types.go names the same strings
 * (MachineStateStarted, ...). The query enums come from the Machines OpenAPI spec
 * (spec/fly/machines-openapi.json).
 */

/** States a machine stays in until someone acts, or something fails (the docs' persistent states). */
export const PERSISTENT_STATES = ["created", "started", "stopped", "suspended", "failed"] as const;

/** Short-lived states a machine moves on from by itself (the docs' transient states). */
export const TRANSIENT_STATES = [
  "creating",
  "starting",
  "stopping",
  "restarting",
  "suspending",
  "destroying",
  "launch_failed",
  "updating",
  "replacing",
] as const;

/**
 * Every state a machine (its current version) is reported in: the persistent and transient
 * states, and `destroyed`, the one terminal state of a machine. The docs' other terminal states,
 * `replaced` and `migrated`, belong to an older version asked for by its id, never to a machine.
 */
export const MACHINE_STATES = [
  "created",
  "creating",
  "starting",
  "started",
  "stopping",
  "stopped",
  "restarting",
  "suspending",
  "suspended",
  "updating",
  "replacing",
  "destroying",
  "destroyed",
  "launch_failed",
  "failed",
] as const satisfies ReadonlyArray<
  (typeof PERSISTENT_STATES)[number] | (typeof TRANSIENT_STATES)[number] | "destroyed"
>;

export type MachineState = (typeof MACHINE_STATES)[number];

const set = (states: readonly MachineState[]): ReadonlySet<string> => new Set(states);

/**
 * Where a machine rests: the persistent states and `destroyed`. Anything else is on its way
 * somewhere, and Fly refuses most actions until it arrives.
 */
export const RESTING_STATES: ReadonlySet<string> = set([...PERSISTENT_STATES, "destroyed"]);

/** Whether a machine in `state` has settled; no state at all is taken as settled (nothing to wait for). */
export function isResting(state: string | null | undefined): boolean {
  return state == null || RESTING_STATES.has(state);
}

/** Resting without a running VM: what a person means by "not running". */
export const DOWN_STATES = [
  "stopped",
  "suspended",
  "created",
  "failed",
] as const satisfies readonly MachineState[];

/**
 * Where a start leads out of: the docs' `starting` is "from stopped or suspended", and `created`
 * is "not yet started". A `failed` machine is not in it: the docs name restart, stop and destroy
 * as the ways to recover one, not start.
 */
export const STARTABLE_STATES: ReadonlySet<string> = set(["stopped", "suspended", "created"]);

/**
 * A VM is up, or on its way up or down: Fly refuses to destroy such a machine unless forced
 * (flyctl internal/command/machine/destroy.go asks for --force for anything not stopped or
 * suspended). `restarting` and `updating` are the docs' transient states of a machine whose VM
 * runs while it restarts or takes a new version, so they count too.
 */
export const RUNNING_STATES: ReadonlySet<string> = set([
  "started",
  "starting",
  "restarting",
  "replacing",
  "updating",
  "stopping",
  "suspending",
]);

/**
 * Running, or on its way to running (a start, restart or new version): a volume attached to such
 * a machine is mounted at the size it had when the VM booted, so it sees a new size only after a
 * restart. A machine on its way down mounts the new size at its next start.
 */
export const BOOTED_STATES: ReadonlySet<string> = set([
  "started",
  "starting",
  "restarting",
  "replacing",
  "updating",
]);

/**
 * What start, stop and suspend lead to, the state on the way there, and the states Fly takes the
 * action from (the docs: starting is "from stopped or suspended", stopping and suspending "from
 * started"; a suspended machine can also be stopped, which discards its snapshot, as
 * superfly/docs reference/suspend-resume shows with `fly machine stop` before a cold start).
 */
export type StateAction = "start" | "stop" | "suspend";

export const STATE_ACTIONS: Readonly<
  Record<
    StateAction,
    { target: "started" | "stopped" | "suspended"; via: MachineState; from: readonly string[] }
  >
> = {
  start: { target: "started", via: "starting", from: [...STARTABLE_STATES] },
  stop: { target: "stopped", via: "stopping", from: ["started", "suspended"] },
  suspend: { target: "suspended", via: "suspending", from: ["started"] },
};

/**
 * The states the list endpoints filter on themselves (GET /apps/{app}/machines and
 * /orgs/{org}/machines: "comma separated list of states to filter (created, started, stopped,
 * suspended)"); any other state is filtered by the caller after listing.
 */
export const LIST_FILTER_STATES = ["created", "started", "stopped", "suspended"] as const;
export type ListFilterState = (typeof LIST_FILTER_STATES)[number];

export function isListFilterState(state: string): state is ListFilterState {
  return (LIST_FILTER_STATES as readonly string[]).includes(state);
}

/** What GET /apps/{app}/machines/{id}/wait accepts as `state` (its enum in the spec). */
export const WAIT_STATES = ["started", "stopped", "suspended", "destroyed", "failed", "settled"] as const;
export type WaitState = (typeof WAIT_STATES)[number];

/**
 * What a wait for "settled" is met by: every other state the wait endpoint accepts. `created` is
 * not among them, so a wait for a machine to settle is not met before it has run at all.
 */
export const SETTLED_WAIT_STATES: ReadonlySet<string> = set(
  WAIT_STATES.filter((s): s is Exclude<WaitState, "settled"> => s !== "settled"),
);
