import { z } from "zod";
import type { Machine } from "../src/fly/schemas.js";
import {
  GUEST_PRESETS,
  describeGuestProblem,
  guestProblems,
  isPresetName,
  type Guest,
} from "../src/platform/guest-sizes.js";
import {
  chooseGroup,
  countArg,
  expansionView,
  fleetMachines,
  inGroup,
  runExpansion,
  type ExpansionRun,
} from "./app-fleet.js";
import { defineTool, type AnyWriteTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { ToolInputError } from "./invoke.js";
import { guestText, machinesUpdate } from "./machine-create-update.js";
import { appExists, type ExpandedStep, type Expansion } from "./step-knowledge.js";

/**
 * `fly scale vm` and `fly scale memory` as explicit steps: one machines_update per machine of the
 * group whose size differs, one after another (Fly replaces a running machine to resize it, and
 * each update waits until it runs again), as flyctl's v2ScaleVM does
 * (internal/command/scale/machines.go): a size sets CPU kind, CPUs and that size's memory; a
 * memory setting changes only memory.
 */

interface SizeChange {
  app: string;
  process_group?: string | undefined;
  size?: string | undefined;
  memory_mb?: number | undefined;
}

const group = ids.processGroup.optional().describe('Process group, e.g. "app"; default the app\'s only one');

export const appsScaleVm = defineTool({
  name: "apps_scale_vm",
  command: { verb: "scale", noun: "vm", id: "size" },
  description:
    'Resize every machine of an app\'s process group to a Fly size preset (e.g. "shared-cpu-2x", "performance-1x"), as `fly scale vm` does, optionally with memory_mb. In a plan it becomes one machines_update step per machine whose size differs; running machines are replaced one at a time.',
  access: "write",
  input: z
    .object({
      app: f.app,
      size: z
        .string()
        .refine(isPresetName, 'expected a Fly size preset, e.g. "shared-cpu-2x" or "performance-1x"')
        .describe('Size preset, e.g. "shared-cpu-2x"'),
      memory_mb: f.guestFields.shape.memory_mb.optional(),
      process_group: group,
    })
    .strict(),
  run: async (ctx, input): Promise<ExpansionRun> =>
    runExpansion(ctx, await expandSize(ctx, input), STEP_TOOLS),
  view: expansionView,
  step: sizeStep(),
});

export const appsScaleMemory = defineTool({
  name: "apps_scale_memory",
  command: { verb: "scale", noun: "memory", id: "memory_mb" },
  description:
    "Set the memory of every machine of an app's process group, as `fly scale memory` does (CPU kind and count stay). In a plan it becomes one machines_update step per machine whose memory differs; running machines are replaced one at a time.",
  access: "write",
  input: z
    .object({
      app: f.app,
      memory_mb: countArg(f.guestFields.shape.memory_mb),
      process_group: group,
    })
    .strict(),
  run: async (ctx, input): Promise<ExpansionRun> =>
    runExpansion(ctx, await expandSize(ctx, input), STEP_TOOLS),
  view: expansionView,
  step: sizeStep(),
});

const STEP_TOOLS: readonly AnyWriteTool[] = [machinesUpdate] as unknown as AnyWriteTool[];

function sizeStep() {
  return {
    describe: (i: SizeChange) =>
      `resize the machines of ${i.app}${i.process_group ? ` group ${i.process_group}` : ""} to ${[i.size, i.memory_mb === undefined ? undefined : `${i.memory_mb}MB`].filter(Boolean).join(" ")}`,
    effect: (input: SizeChange) => ({ app: input.app }),
    // Updating a machine to the size it has sends nothing: a rerun finishes what is left.
    reconcile: { kind: "idempotent" as const },
    preconditions: (input: SizeChange) => [appExists(input.app)],
    expand: expandSize,
  };
}

/** The size a machine gets: a preset sets kind, CPUs and its memory; memory_mb wins over both. */
function targetGuest(current: Guest, change: SizeChange): Guest {
  const preset =
    change.size !== undefined && isPresetName(change.size) ? GUEST_PRESETS[change.size] : undefined;
  const guest: Guest = { ...current, ...preset };
  if (change.memory_mb !== undefined) guest.memory_mb = change.memory_mb;
  return guest;
}

function guestOf(machine: Machine): Guest | undefined {
  const g = machine.config?.guest;
  if (typeof g?.cpu_kind !== "string" || typeof g.cpus !== "number" || typeof g.memory_mb !== "number")
    return undefined;
  return { cpu_kind: g.cpu_kind, cpus: g.cpus, memory_mb: g.memory_mb } as Guest;
}

export async function expandSize(ctx: ToolContext, input: SizeChange): Promise<Expansion> {
  const tool = input.size === undefined ? "apps_scale_memory" : "apps_scale_vm";
  const machines = await fleetMachines(ctx, input.app);
  const chosen = chooseGroup(tool, input.app, machines, input.process_group);
  const mine = inGroup(machines, chosen);
  if (mine.length === 0)
    throw new ToolInputError(tool, [`app: ${input.app} has no active machine in process group ${chosen}`]);
  const steps: ExpandedStep[] = [];
  for (const machine of mine) {
    const current = guestOf(machine);
    if (current === undefined) continue;
    const next = targetGuest(current, input);
    const problems = guestProblems(next).map(describeGuestProblem);
    if (problems.length > 0)
      throw new ToolInputError(tool, [
        `machine ${machine.id} would be ${guestText(next)}: ${problems.join("; ")}`,
      ]);
    const changed = (Object.keys(next) as (keyof Guest)[]).filter((k) => next[k] !== current[k]);
    if (changed.length === 0) continue;
    steps.push({
      tool: "machines_update",
      input: {
        app: input.app,
        machine_id: machine.id,
        guest: Object.fromEntries(changed.map((k) => [k, next[k]])),
      },
      reason: `${machine.name ?? machine.id} (${machine.id}, ${machine.state ?? "?"}) is ${guestText(current)}; make it ${guestText(next)}`,
    });
  }
  const where = `${input.app} (process group ${chosen})`;
  return {
    steps,
    preconditions: [appExists(input.app)],
    summary:
      steps.length === 0
        ? `every machine of ${where} already has that size; nothing to do`
        : `resize ${steps.length} of ${mine.length} machine(s) of ${where}, one at a time`,
  };
}
