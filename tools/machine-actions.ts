import { FlyopsError } from "../src/errors.js";
import { FlyApiError } from "../src/fly/errors.js";
import type { FlyRest } from "../src/fly/rest.js";
import type { Machine } from "../src/fly/schemas.js";
import {
  RESTING_STATES,
  STARTABLE_STATES,
  STATE_ACTIONS,
  isResting,
  type StateAction,
} from "../src/platform/machine-states.js";
import type { ToolContext } from "./define-tool.js";
import { waitForChecks } from "./machine-checks.js";

export type MachineAction = "start" | "stop" | "suspend" | "restart" | "cordon" | "uncordon";

export interface MachineActionResult {
  action: MachineAction;
  /** False when the machine was already where the action leads, so nothing was sent. */
  changed: boolean;
  machine: Machine;
}

/** Where a wait may aim: a state, or "settled" (any state a machine rests in). */
export type WaitTarget = "started" | "stopped" | "suspended" | "settled";

export interface WaitSpec {
  state: WaitTarget;
  /** Wait for this version (instance_id) to get there, not an older one. */
  version?: string;
  /** Wait for an arrival after this event, not one that happened before it. */
  fromEventId?: string;
}

/** Fly holds a wait for at most 60 s; a change that takes longer gets one more poll. */
const WAIT_SECONDS = 60;
const WAIT_POLLS = 2;

type RestAction = (rest: FlyRest, app: string, id: string, signal: AbortSignal | undefined) => Promise<void>;

const SEND: Record<StateAction, RestAction> = {
  start: (r, a, id, s) => r.startMachine(a, id, s),
  stop: (r, a, id, s) => r.stopMachine(a, id, {}, s),
  suspend: (r, a, id, s) => r.suspendMachine(a, id, s),
};

/**
 * The machine is in a state the action cannot start from, seen before anything was sent: the
 * message says which state, the hint what to do instead.
 */
export class MachineStateError extends FlyopsError {
  readonly state: string;

  constructor(init: { app: string; id: string; state: string; message: string; hint: string }) {
    super(`machine ${init.id} of ${init.app} is ${init.state}: ${init.message}`, { hint: init.hint });
    this.state = init.state;
  }
}

/** A machine did not get where a change was taking it: the change must not be reported done. */
export class MachineWaitError extends FlyopsError {
  readonly machineId: string;
  readonly wanted: WaitTarget;
  /** The machine's state when the wait ended, when it could be read. */
  readonly state: string | undefined;

  constructor(
    init: {
      app: string;
      id: string;
      wanted: WaitTarget;
      state: string | undefined;
      cause?: unknown;
    },
    text?: { message: string; hint: string },
  ) {
    const where = init.state === undefined ? "its state could not be read" : `it is ${init.state}`;
    super(text?.message ?? `machine ${init.id} of ${init.app} did not reach ${init.wanted}; ${where}`, {
      hint:
        text?.hint ??
        `check its current state with \`flyops fly get machine ${init.id} --app ${init.app}\`; once it has settled, run the step again (it does nothing when the machine is already ${init.wanted})`,
      cause: init.cause,
    });
    this.machineId = init.id;
    this.wanted = init.wanted;
    this.state = init.state;
  }
}

/**
 * The machine has settled, but in another resting state than the one asked for (Fly stopped a
 * machine it could not suspend; a started machine exited). Not "still on its way": waiting longer
 * or sending the action again will not get it there, so a person decides.
 */
export class MachineSettledElsewhereError extends MachineWaitError {
  readonly found: string;

  constructor(init: { app: string; id: string; wanted: WaitTarget; found: string }) {
    super(
      { ...init, state: init.found },
      {
        message: `machine ${init.id} of ${init.app} settled in ${init.found}, not ${init.wanted}`,
        hint: `Fly put it in ${init.found} instead; see why with \`flyops fly get machine ${init.id} --app ${init.app}\` before asking for ${init.wanted} again`,
      },
    );
    this.found = init.found;
  }
}

/** Runs one of the six machine actions by name: the catalog's action tools are this and a description. */
export function runMachineAction(
  ctx: ToolContext,
  app: string,
  id: string,
  action: MachineAction,
): Promise<MachineActionResult> {
  if (action === "restart") return restartMachine(ctx, app, id);
  if (action === "cordon" || action === "uncordon") return cordonMachine(ctx, app, id, action);
  return changeMachineState(ctx, app, id, action);
}

/**
 * Start, stop or suspend a machine and wait for it to get there. A machine already in the
 * target state is left alone, and one already on its way there is only waited for. One on its
 * way elsewhere (stopping, when asked to start) is let settle first, since Fly refuses an action
 * mid-transition. A machine that then settles in another resting state than the target is a
 * MachineSettledElsewhereError naming both.
 */
export async function changeMachineState(
  ctx: ToolContext,
  app: string,
  id: string,
  action: StateAction,
): Promise<MachineActionResult> {
  const rest = ctx.fly.rest;
  const { target, via, from } = STATE_ACTIONS[action];
  let before = await rest.getMachine(app, id, ctx.signal);
  if (before.state !== via && !isResting(before.state)) {
    await waitForMachine(ctx, app, id, { state: "settled" });
    before = await rest.getMachine(app, id, ctx.signal);
    // It went somewhere this action does not lead from (stopping, when asked to suspend): say so, send nothing.
    const found = before.state ?? undefined;
    if (found !== undefined && found !== target && !from.includes(found))
      throw new MachineSettledElsewhereError({ app, id, wanted: target, found });
  }
  if (before.state === target) return { action, changed: false, machine: before };
  if (before.state !== via) await SEND[action](rest, app, id, ctx.signal);
  await waitForMachine(ctx, app, id, { state: target, version: before.instance_id ?? undefined });
  return { action, changed: true, machine: await rest.getMachine(app, id, ctx.signal) };
}

/**
 * Restarts a machine and waits for it to run again. Fly answers the restart at once and the
 * machine can still read "started" when a plain wait begins, which would then return before
 * anything happened; so the wait starts from the machine's newest event before the restart and
 * is met only by a start after it (Fly's from_event_id). Then its health checks must pass.
 */
export async function restartMachine(
  ctx: ToolContext,
  app: string,
  id: string,
): Promise<MachineActionResult> {
  const rest = ctx.fly.rest;
  const before = await rest.getMachine(app, id, ctx.signal);
  // Fly restarts only a running machine (412 otherwise); say what to do before sending anything.
  const state = before.state ?? "unknown";
  if (state !== "started") {
    throw new MachineStateError({
      app,
      id,
      state,
      message: "only a running machine can be restarted",
      hint: STARTABLE_STATES.has(state)
        ? `start it with \`flyops fly start machine ${id} --app ${app}\``
        : `see where it is with \`flyops fly get machine ${id} --app ${app}\`, and restart it once it runs`,
    });
  }
  const fromEventId = newestEventId(before);
  await rest.restartMachine(app, id, {}, ctx.signal);
  await waitForMachine(ctx, app, id, { state: "started", fromEventId });
  // Running is not yet serving: flyctl's machine.Restart waits for the checks too (internal/machine/restart.go).
  return { action: "restart", changed: true, machine: await waitForChecks(ctx, app, id) };
}

export async function cordonMachine(
  ctx: ToolContext,
  app: string,
  id: string,
  action: "cordon" | "uncordon",
): Promise<MachineActionResult> {
  const rest = ctx.fly.rest;
  if (action === "cordon") await rest.cordonMachine(app, id, ctx.signal);
  else await rest.uncordonMachine(app, id, ctx.signal);
  return { action, changed: true, machine: await rest.getMachine(app, id, ctx.signal) };
}

/**
 * Waits until the machine reaches `spec.state` (and `spec.version`, when given). A wait that
 * ends anywhere else (Fly's 408 at the deadline, a failed machine, a lost connection) is a
 * MachineWaitError naming the state the machine is in, so a plan step is never journaled done
 * when its machine did not arrive. With `bestEffort` (for a step that has already done
 * something it must not repeat, such as creating a machine) it is only a warning, and the
 * caller reports the machine as it is.
 */
export async function waitForMachine(
  ctx: ToolContext,
  app: string,
  id: string,
  spec: WaitSpec,
  options: { bestEffort?: boolean } = {},
): Promise<void> {
  let failure: unknown;
  for (let poll = 0; poll < WAIT_POLLS; poll++) {
    try {
      const answer = await ctx.fly.rest.waitMachine(
        app,
        id,
        { ...spec, timeoutSeconds: WAIT_SECONDS },
        ctx.signal,
      );
      if (answer.ok !== false && (answer.state == null || inTarget(answer.state, spec.state))) return;
      failure = undefined;
      break;
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      failure = error;
      // Only Fly's own deadline is worth another poll; anything else is read back at once.
      if (!(error instanceof FlyApiError && error.status === 408)) break;
    }
  }
  // The wait itself may have failed while the machine arrived: what it is now decides.
  const now = await ctx.fly.rest.getMachine(app, id, ctx.signal).catch((error: unknown) => {
    if (ctx.signal?.aborted) throw error;
    return undefined;
  });
  const versionOk = spec.version === undefined || now?.instance_id === spec.version;
  if (now?.state != null && inTarget(now.state, spec.state) && versionOk) return;
  const found = now?.state ?? undefined;
  const error =
    found !== undefined && found !== spec.state && spec.state !== "settled" && RESTING_STATES.has(found)
      ? new MachineSettledElsewhereError({ app, id, wanted: spec.state, found })
      : new MachineWaitError({ app, id, wanted: spec.state, state: found, cause: failure });
  if (!options.bestEffort) throw error;
  ctx.log.warn(`${error.message}; ${error.hint ?? ""}`);
}

function inTarget(state: string, target: WaitTarget): boolean {
  return target === "settled" ? RESTING_STATES.has(state) : state === target;
}

/** The id of the machine's newest event, whatever order Fly listed them in. */
function newestEventId(machine: Machine): string | undefined {
  let newest: { id: string; timestamp: number } | undefined;
  for (const event of machine.events ?? []) {
    if (!event.id) continue;
    const timestamp = event.timestamp ?? 0;
    if (newest === undefined || timestamp > newest.timestamp) newest = { id: event.id, timestamp };
  }
  return newest?.id;
}

export function actionView(result: MachineActionResult): Record<string, unknown> {
  return {
    machine_id: result.machine.id,
    name: result.machine.name ?? null,
    action: result.action,
    changed: result.changed,
    state: result.machine.state ?? null,
    region: result.machine.region ?? null,
  };
}
