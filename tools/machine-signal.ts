import { z } from "zod";
import { SIGNALS, type MachineSignal } from "../src/platform/signals.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { MachineStateError } from "./machine-actions.js";
import { machineEffect, machinePreconditions } from "./machine-steps.js";
import type { StepKnowledge } from "./step-knowledge.js";

/**
 * Sending a signal to a machine's main process (POST …/signal, the spec's SignalRequest). SIGKILL
 * is `fly machine kill` (flyctl internal/command/machine/kill.go → flaps Kill): no chance to
 * finish what it was doing, so it is its own, destructive tool. Any other signal is a write, like
 * a stop: a process that does not handle it ends, and Fly stops or restarts the machine by its
 * restart policy.
 */

const OTHER_SIGNALS = SIGNALS.filter((s): s is Exclude<MachineSignal, "SIGKILL"> => s !== "SIGKILL");

interface SignalResult {
  app: string;
  machine_id: string;
  signal: MachineSignal;
  state: string | null;
}

async function sendSignal(
  ctx: ToolContext,
  app: string,
  id: string,
  name: MachineSignal,
): Promise<SignalResult> {
  const machine = await ctx.fly.rest.getMachine(app, id, ctx.signal);
  const state = machine.state ?? "unknown";
  // Only a running machine has a process to signal; Fly's behaviour otherwise is not documented, so refuse.
  if (state !== "started") {
    throw new MachineStateError({
      app,
      id,
      state,
      message: `only a running machine's process can be sent ${name}`,
      hint: `see where it is with \`flyops fly get machine ${id} --app ${app}\``,
    });
  }
  await ctx.fly.rest.signalMachine(app, id, name, ctx.signal);
  const after = await ctx.fly.rest.getMachine(app, id, ctx.signal);
  return { app, machine_id: id, signal: name, state: after.state ?? null };
}

function signalStep<I extends { app: string; machine_id: string; signal?: string }>(
  verb: string,
): StepKnowledge<I, SignalResult> {
  return {
    describe: (i) => `${verb} machine ${i.machine_id} of ${i.app}${i.signal ? ` (${i.signal})` : ""}`,
    effect: (input, result) => ({
      ...machineEffect({ id: input.machine_id, state: result.state }),
      app: input.app,
      signal: result.signal,
    }),
    // A signal leaves no trace a read can find: whether it was delivered only a person can tell.
    reconcile: { kind: "ask", why: "a delivered signal leaves no trace in the machine's state" },
    preconditions: (input) => machinePreconditions(input),
  };
}

export const machinesSignal = defineTool({
  name: "machines_signal",
  description:
    "Send a signal to the main process of a running Machine, e.g. SIGHUP or SIGUSR1 to make it reload. A process that does not handle the signal ends (SIGTERM, SIGINT end it on purpose), and Fly then stops or restarts the machine by its restart policy. SIGKILL is machines_kill.",
  access: "write",
  input: z
    .object({
      app: f.app,
      machine_id: f.machineId,
      signal: z.enum(OTHER_SIGNALS as [string, ...string[]]).describe('Signal name, e.g. "SIGHUP"'),
    })
    .strict(),
  run: (ctx, input) => sendSignal(ctx, input.app, input.machine_id, input.signal as MachineSignal),
  view: (r) => r,
  step: signalStep<{ app: string; machine_id: string; signal: string }>("send a signal to"),
});

export const machinesKill = defineTool({
  name: "machines_kill",
  command: { verb: "kill", noun: "machine", id: "machine_id" },
  description:
    "Kill the main process of a running Machine with SIGKILL, as `fly machine kill` does: it gets no chance to finish or save anything. Fly then stops or restarts the machine by its restart policy.",
  access: "destructive",
  input: z.object({ app: f.app, machine_id: f.machineId }).strict(),
  run: (ctx, input) => sendSignal(ctx, input.app, input.machine_id, "SIGKILL"),
  view: (r) => r,
  step: signalStep<{ app: string; machine_id: string }>("kill (SIGKILL) the process of"),
});
