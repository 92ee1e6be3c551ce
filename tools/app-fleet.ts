import { z } from "zod";
import type { Machine } from "../src/fly/schemas.js";
import { defineTool, type AnyWriteTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { ToolInputError, invokeTool } from "./invoke.js";
import { DEFAULT_GROUP, groupOf } from "./machine-create-update.js";
import { sortMachines } from "./machine-view.js";
import type { Expansion, PreconditionRead } from "./step-knowledge.js";

/**
 * The machines of an app that scale, restart and rollback act on, counted as flyctl counts them
 * (fly-go flaps/flaps_machines.go ListFlyAppsMachines): machines of the Fly Apps platform
 * (metadata fly_platform_version "v2") that are not destroyed, without release-command and
 * console machines. Stopped and suspended machines count: Fly Proxy starts them on demand.
 */

/** fly-go's MachineFlyPlatformVersion2 and the groups flyctl leaves out (machine_types.go). */
const PLATFORM_V2 = "v2";
const NOT_SCALED = new Set(["fly_app_release_command", "fly_app_console", "release_command"]);

/**
 * A number that a static command's argument gives as text (`fly scale count 3`): digits only are
 * read as a number, anything else is left for the schema to refuse (z.coerce would read "" as 0).
 */
export function countArg<T extends z.ZodTypeAny>(schema: T) {
  return z.preprocess((v) => (typeof v === "string" && /^[0-9]{1,6}$/.test(v) ? Number(v) : v), schema);
}

export async function fleetMachines(ctx: ToolContext, app: string): Promise<Machine[]> {
  const machines = await ctx.fly.rest.listMachines(app, {}, ctx.signal);
  return sortMachines(
    machines.filter(
      (m) =>
        m.config != null &&
        m.config.metadata?.fly_platform_version === PLATFORM_V2 &&
        m.state !== "destroyed" &&
        m.state !== "destroying" &&
        !NOT_SCALED.has(groupOf(m) ?? ""),
    ),
    "created",
    "asc",
  );
}

/** The group a request means: the one named, else the app's only or default group, as flyctl's DefaultProcessName chooses. */
export function chooseGroup(tool: string, app: string, machines: readonly Machine[], asked?: string): string {
  const groups = [...new Set(machines.map((m) => groupOf(m) ?? DEFAULT_GROUP))].sort();
  if (asked !== undefined) {
    if (groups.length > 0 && !groups.includes(asked))
      throw new ToolInputError(tool, [
        `process_group: app ${app} has no process group ${asked}; its groups: ${groups.join(", ")}`,
      ]);
    return asked;
  }
  if (groups.length <= 1) return groups[0] ?? DEFAULT_GROUP;
  // flyctl refuses to guess between several groups (internal/command/scale/machines.go).
  throw new ToolInputError(tool, [
    `process_group: app ${app} has several process groups (${groups.join(", ")}); name one`,
  ]);
}

export function inGroup(machines: readonly Machine[], group: string): Machine[] {
  return machines.filter((m) => (groupOf(m) ?? DEFAULT_GROUP) === group);
}

export interface ScaleState {
  app: string;
  process_group: string;
  region: string | null;
  count: number;
  /** Sorted: a precondition compares the list as a whole. */
  machine_ids: string[];
  by_region: Record<string, number>;
  by_state: Record<string, number>;
}

export function scaleState(
  app: string,
  group: string,
  region: string | undefined,
  machines: Machine[],
): ScaleState {
  const mine = inGroup(machines, group).filter((m) => region === undefined || m.region === region);
  const tally = (key: (m: Machine) => string) => {
    const counts: Record<string, number> = {};
    for (const m of mine) counts[key(m)] = (counts[key(m)] ?? 0) + 1;
    return counts;
  };
  return {
    app,
    process_group: group,
    region: region ?? null,
    count: mine.length,
    machine_ids: mine.map((m) => m.id).sort(),
    by_region: tally((m) => m.region ?? "unknown"),
    by_state: tally((m) => m.state ?? "unknown"),
  };
}

export const appsScaleShow = defineTool({
  name: "apps_scale_get",
  description:
    "How an app is scaled, as `fly scale show` counts it: the number of machines of one process group (optionally in one region), stopped and suspended ones included, with their ids and counts per region and state.",
  access: "read",
  input: z
    .object({
      app: f.app,
      process_group: ids.processGroup
        .optional()
        .describe('Process group, e.g. "app"; default the app\'s only one'),
      region: f.region.optional().describe("Count only this region"),
    })
    .strict(),
  async run(ctx, input): Promise<ScaleState> {
    const machines = await fleetMachines(ctx, input.app);
    const group = chooseGroup("apps_scale_get", input.app, machines, input.process_group);
    return scaleState(input.app, group, input.region, machines);
  },
  view: (state) => state,
});

/** The count precondition a scale stands on: exactly these machines, now. */
export function countAsNow(state: ScaleState): PreconditionRead {
  return {
    tool: "apps_scale_get",
    input: {
      app: state.app,
      process_group: state.process_group,
      ...(state.region === null ? {} : { region: state.region }),
    },
    expect: { count: state.count, machine_ids: state.machine_ids },
  };
}

export interface ExpansionRun {
  summary: string;
  steps: { tool: string; input: Record<string, unknown>; result: unknown }[];
}

/**
 * Runs an expansion's steps one after another, as apply would, for a front that runs the
 * many-machine tool itself (a static command): the first failure stops it.
 */
export async function runExpansion(
  ctx: ToolContext,
  expansion: Expansion,
  tools: readonly AnyWriteTool[],
): Promise<ExpansionRun> {
  const done: ExpansionRun["steps"] = [];
  for (const step of expansion.steps) {
    const tool = tools.find((t) => t.name === step.tool);
    if (!tool) throw new Error(`an expansion named ${step.tool}, which it does not run`);
    done.push({ ...step, result: await invokeTool(ctx, tool, step.input) });
  }
  return { summary: expansion.summary, steps: done };
}

export function expansionView(run: ExpansionRun): Record<string, unknown> {
  return {
    summary: run.summary,
    steps: run.steps.map((s) => `${s.tool} ${JSON.stringify(s.input)}`),
  };
}
