import type { Machine } from "../src/fly/schemas.js";
import type { ToolContext } from "./define-tool.js";

export type MachineAction = "start" | "stop" | "suspend" | "restart" | "cordon" | "uncordon";

export interface MachineActionResult {
  action: MachineAction;
  /** False when the machine was already where the action leads, so nothing was sent. */
  changed: boolean;
  machine: Machine;
}

const TARGET_STATE = { start: "started", stop: "stopped", suspend: "suspended" } as const;

/** How long a state change may take before the tool reports the machine as it is. */
const WAIT_SECONDS = 60;

/**
 * Start, stop or suspend a machine and wait for it to get there. A machine already in the
 * target state is left alone, so running the same plan twice does nothing the second time.
 */
export async function changeMachineState(
  ctx: ToolContext,
  app: string,
  id: string,
  action: keyof typeof TARGET_STATE,
): Promise<MachineActionResult> {
  const rest = ctx.fly.rest;
  const target = TARGET_STATE[action];
  const before = await rest.getMachine(app, id, ctx.signal);
  if (before.state === target) return { action, changed: false, machine: before };
  if (action === "start") await rest.startMachine(app, id, ctx.signal);
  else if (action === "stop") await rest.stopMachine(app, id, {}, ctx.signal);
  else await rest.suspendMachine(app, id, ctx.signal);
  await waitQuietly(ctx, app, id, target, before.instance_id ?? undefined);
  return { action, changed: true, machine: await rest.getMachine(app, id, ctx.signal) };
}

export async function restartMachine(
  ctx: ToolContext,
  app: string,
  id: string,
): Promise<MachineActionResult> {
  const rest = ctx.fly.rest;
  const before = await rest.getMachine(app, id, ctx.signal);
  await rest.restartMachine(app, id, {}, ctx.signal);
  await waitQuietly(ctx, app, id, "started", before.instance_id ?? undefined);
  return { action: "restart", changed: true, machine: await rest.getMachine(app, id, ctx.signal) };
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

// The action itself succeeded; a wait that times out or fails only means the caller sees the
// machine mid-transition, which the returned state says plainly.
async function waitQuietly(
  ctx: ToolContext,
  app: string,
  id: string,
  state: "started" | "stopped" | "suspended",
  version: string | undefined,
): Promise<void> {
  try {
    await ctx.fly.rest.waitMachine(app, id, { state, version, timeoutSeconds: WAIT_SECONDS }, ctx.signal);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    ctx.log.warn(
      `machine ${id} did not report ${state} yet: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
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
