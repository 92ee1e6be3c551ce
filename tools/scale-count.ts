import { z } from "zod";
import type { Machine } from "../src/fly/schemas.js";
import { RUNNING_STATES } from "../src/platform/machine-states.js";
import {
  chooseGroup,
  countArg,
  countAsNow,
  expansionView,
  fleetMachines,
  inGroup,
  runExpansion,
  scaleState,
  type ExpansionRun,
} from "./app-fleet.js";
import { defineTool, type AnyWriteTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { ToolInputError } from "./invoke.js";
import { machinesClone } from "./machine-clone.js";
import { machinesDestroy } from "./machines.js";
import { sortMachines } from "./machine-view.js";
import { appExists, type ExpandedStep, type Expansion } from "./step-knowledge.js";

/**
 * `fly scale count` as explicit steps: one clone per machine to add, one destroy per machine to
 * remove, with the count they start from as a precondition. How many machines a group has, where
 * new ones go and which ones go first follow flyctl (internal/command/scale/count_machines.go).
 */

const MAX_COUNT = 100;

const scaleCountInput = z
  .object({
    app: f.app,
    count: countArg(z.number().int().min(0).max(MAX_COUNT)).describe(
      "How many machines the process group (in the region, when given) should have, e.g. 3",
    ),
    process_group: ids.processGroup
      .optional()
      .describe('Process group, e.g. "app"; default the app\'s only one'),
    region: f.region.optional().describe("Scale only this region; new machines go here"),
  })
  .strict();

type ScaleCountInput = z.infer<typeof scaleCountInput>;

export const appsScaleCount = defineTool({
  name: "apps_scale_count",
  command: { verb: "scale", noun: "count", id: "count" },
  description:
    "Scale an app's process group to a number of machines, as `fly scale count` does. Stopped and suspended machines count. In a plan it becomes one machines_clone step per machine to add (a copy of the group's newest running machine) and one machines_destroy step per machine to remove (stopped ones first, then the newest), so the plan names every machine; removing machines is destructive.",
  // It may destroy machines: the front confirms before it runs.
  access: "destructive",
  input: scaleCountInput,
  async run(ctx, input): Promise<ExpansionRun> {
    return runExpansion(ctx, await expandScaleCount(ctx, input), STEP_TOOLS);
  },
  view: expansionView,
  step: {
    describe: (i) =>
      `scale ${i.app}${i.process_group ? ` group ${i.process_group}` : ""}${i.region ? ` in ${i.region}` : ""} to ${i.count} machine(s)`,
    effect: (input) => ({ app: input.app, count: input.count }),
    // Run again, it converges on the same count: what exists now decides what is left to do.
    reconcile: { kind: "idempotent" },
    preconditions: (input) => [appExists(input.app)],
    expand: expandScaleCount,
  },
});

const STEP_TOOLS: readonly AnyWriteTool[] = [machinesClone, machinesDestroy] as unknown as AnyWriteTool[];

export async function expandScaleCount(ctx: ToolContext, input: ScaleCountInput): Promise<Expansion> {
  const machines = await fleetMachines(ctx, input.app);
  const group = chooseGroup("apps_scale_count", input.app, machines, input.process_group);
  const state = scaleState(input.app, group, input.region, machines);
  const mine = inGroup(machines, group).filter(
    (m) => input.region === undefined || m.region === input.region,
  );
  const where = `${input.app} (process group ${group}${input.region ? `, ${input.region}` : ""})`;
  const delta = input.count - mine.length;
  const base = { preconditions: [appExists(input.app), countAsNow(state)] };
  if (delta === 0)
    return { ...base, steps: [], summary: `${where} already has ${input.count} machine(s); nothing to do` };
  const steps =
    delta > 0
      ? addSteps(input, group, mine, inGroup(machines, group), delta)
      : removeSteps(input, mine, -delta);
  return {
    ...base,
    steps,
    summary: `${where} has ${mine.length} machine(s); ${delta > 0 ? `add ${delta}` : `remove ${-delta}`} for ${input.count}`,
  };
}

/** New machines copy the group's newest running machine (else its newest), spread over its regions in turn as flyctl's convergeGroupCounts does. */
function addSteps(
  input: ScaleCountInput,
  group: string,
  mine: Machine[],
  wholeGroup: Machine[],
  delta: number,
): ExpandedStep[] {
  const candidates = wholeGroup.length > 0 ? wholeGroup : mine;
  const running = candidates.filter((m) => m.state === "started");
  const [source] = sortMachines(running.length > 0 ? running : candidates, "created", "desc");
  if (source === undefined) {
    throw new ToolInputError("apps_scale_count", [
      `process_group: app ${input.app} has no machine in group ${group} to copy; create the first one with machines_create`,
    ]);
  }
  const regions = input.region
    ? [input.region]
    : [...new Set(wholeGroup.map((m) => m.region).filter((r): r is string => typeof r === "string"))];
  const per: Record<string, number> = {};
  for (const m of mine) if (m.region) per[m.region] = (per[m.region] ?? 0) + 1;
  const steps: ExpandedStep[] = [];
  for (let i = 0; i < delta; i++) {
    const region = regions[i % Math.max(regions.length, 1)] ?? source.region ?? undefined;
    steps.push({
      tool: "machines_clone",
      input: { app: input.app, machine_id: source.id, ...(region ? { region } : {}) },
      reason: `machine ${mine.length + i + 1} of ${input.count}: a copy of ${source.name ?? source.id} (${source.id})${region ? ` in ${region}` : ""}`,
    });
  }
  return steps;
}

/** Which machines go: those not running first (nothing is serving on them), then the newest, as few running ones as possible. */
function removeSteps(input: ScaleCountInput, mine: Machine[], count: number): ExpandedStep[] {
  const idle = sortMachines(
    mine.filter((m) => !RUNNING_STATES.has(m.state ?? "")),
    "created",
    "desc",
  );
  const busy = sortMachines(
    mine.filter((m) => RUNNING_STATES.has(m.state ?? "")),
    "created",
    "desc",
  );
  return [...idle, ...busy].slice(0, count).map((m) => {
    const running = RUNNING_STATES.has(m.state ?? "");
    return {
      tool: "machines_destroy",
      // flyctl's scale destroys with kill (count_machines.go destroyMachine): a running one is forced.
      input: { app: input.app, machine_id: m.id, ...(running ? { force: true } : {}) },
      reason: `scale ${input.app} to ${input.count}: destroy ${m.name ?? m.id} (${m.id}, ${m.region ?? "?"}, ${m.state ?? "?"})`,
    };
  });
}
