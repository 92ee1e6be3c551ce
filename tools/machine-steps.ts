import type { Machine } from "../src/fly/schemas.js";
import { STATE_ACTIONS, isResting } from "../src/platform/machine-states.js";
import type { MachineAction, MachineActionResult } from "./machine-actions.js";
import {
  appExists,
  identity,
  machineAsNow,
  orMissing,
  pick,
  verdict,
  type StepEffect,
  type StepKnowledge,
} from "./step-knowledge.js";

/** What machine tools know about themselves as plan steps (step-knowledge.ts). */

interface MachineRef {
  app: string;
  machine_id: string;
}

/** A machine's id, name, state, region and version: what a journal keeps of it. */
export function machineEffect(machine: Machine | undefined): StepEffect {
  return pick(machine, {
    id: "machine_id",
    name: "name",
    state: "state",
    region: "region",
    instance_id: "instance_id",
  });
}

/** The app exists and the machine is in the state it is in now (and, for config changes, at its version). */
export function machinePreconditions(input: MachineRef, options: { version?: boolean } = {}) {
  return [appExists(input.app), machineAsNow(input.app, input.machine_id, options)];
}

/** Start, stop and suspend: live state says whether the machine got there, or settled elsewhere. */
function stateCheck(action: "start" | "stop" | "suspend"): StepKnowledge<MachineRef, unknown>["reconcile"] {
  return {
    kind: "check",
    async check(ctx, input) {
      const { target, from } = STATE_ACTIONS[action];
      const machine = await orMissing(ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal));
      const state = machine?.state ?? undefined;
      // Resting where this action does not lead from: Fly put it there (a suspend that ended
      // stopped), and sending the action again may fail the same way forever.
      if (state !== undefined && state !== target && isResting(state) && !from.includes(state)) {
        return {
          outcome: "ask",
          note: `the machine settled in ${state}, not ${target}, and ${action} is not sent again without your word`,
        };
      }
      return verdict(
        state === target,
        `the machine is already ${state ?? target}`,
        `the machine is ${state ?? "missing"}; running the step again`,
      );
    },
  };
}

const ACTION_RECONCILE: Record<MachineAction, StepKnowledge<MachineRef, unknown>["reconcile"]> = {
  start: stateCheck("start"),
  stop: stateCheck("stop"),
  suspend: stateCheck("suspend"),
  // A restart leaves the machine as it found it: nothing read afterwards tells whether it happened.
  restart: { kind: "ask", why: "a restart leaves no trace in the machine's state" },
  cordon: { kind: "idempotent" },
  uncordon: { kind: "idempotent" },
};

export function actionStep(action: MachineAction): StepKnowledge<MachineRef, MachineActionResult> {
  return {
    describe: (input) => `${action} machine ${input.machine_id} of ${input.app}`,
    effect: (input, result) => ({
      ...identity(input),
      ...machineEffect(result.machine),
      changed: result.changed,
    }),
    reconcile: ACTION_RECONCILE[action],
    preconditions: (input) => machinePreconditions(input),
  };
}

/** Typed by the tool's result, which the effect does not read. */
export function destroyStep<O>(): StepKnowledge<MachineRef & { force?: boolean | undefined }, O> {
  return {
    describe: (input) =>
      `destroy machine ${input.machine_id} of ${input.app}${input.force === true ? " (forced)" : ""}`,
    effect: (input) => identity(input),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const machine = await orMissing(ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal));
        const gone = !machine || machine.state === "destroyed" || machine.state === "destroying";
        return verdict(
          gone,
          "the machine is already destroyed",
          `the machine is still ${machine?.state ?? "there"}; destroying it now`,
        );
      },
    },
    preconditions: (input) => machinePreconditions(input),
  };
}
