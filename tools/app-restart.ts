import { z } from "zod";
import {
  chooseGroup,
  expansionView,
  fleetMachines,
  inGroup,
  runExpansion,
  type ExpansionRun,
} from "./app-fleet.js";
import { defineTool, type AnyWriteTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { machinesRestart } from "./machines.js";
import { appExists, type Expansion } from "./step-knowledge.js";

/**
 * `fly apps restart`: a rolling restart of the app's running machines, one at a time, each
 * waited on until it runs again and its health checks pass before the next is touched, so that
 * no two machines of the app are ever down together (flyctl internal/command/apps/restart.go:
 * started machines only, in turn, machine.Restart waiting for checks). In a plan it is one
 * machines_restart step per machine; the apply stops at the first that fails.
 */

interface RestartInput {
  app: string;
  process_group?: string | undefined;
}

export const appsRestart = defineTool({
  name: "apps_restart",
  command: { verb: "restart", noun: "app", id: "app" },
  description:
    "Rolling restart of all running machines of an app (or of one process group), one at a time: each is restarted and waited on until it runs and its health checks pass before the next. Stopped and suspended machines are left alone. In a plan it becomes one machines_restart step per machine.",
  access: "write",
  input: z
    .object({
      app: f.app,
      process_group: ids.processGroup
        .optional()
        .describe('Only machines of this process group, e.g. "web"; default every group'),
    })
    .strict(),
  run: async (ctx, input): Promise<ExpansionRun> =>
    runExpansion(ctx, await expandRestart(ctx, input), STEP_TOOLS),
  view: expansionView,
  step: {
    describe: (i) =>
      `restart every running machine of ${i.app}${i.process_group ? ` group ${i.process_group}` : ""}, one at a time`,
    effect: (input) => ({ app: input.app }),
    // Which machines a cut-short rolling restart already restarted leaves no trace: a person decides.
    reconcile: { kind: "ask", why: "a restart leaves no trace in the machines' state" },
    preconditions: (input) => [appExists(input.app)],
    expand: expandRestart,
  },
});

const STEP_TOOLS: readonly AnyWriteTool[] = [machinesRestart] as unknown as AnyWriteTool[];

export async function expandRestart(ctx: ToolContext, input: RestartInput): Promise<Expansion> {
  const machines = await fleetMachines(ctx, input.app);
  const scope =
    input.process_group === undefined
      ? machines
      : inGroup(machines, chooseGroup("apps_restart", input.app, machines, input.process_group));
  const started = scope.filter((m) => m.state === "started");
  const skipped = scope.length - started.length;
  return {
    steps: started.map((m, i) => ({
      tool: "machines_restart",
      input: { app: input.app, machine_id: m.id },
      reason: `rolling restart, machine ${i + 1} of ${started.length}: ${m.name ?? m.id} (${m.id}, ${m.region ?? "?"}); the next waits until it runs and its checks pass`,
    })),
    preconditions: [appExists(input.app)],
    summary:
      started.length === 0
        ? `${input.app} has no running machine to restart`
        : `restart ${started.length} running machine(s) of ${input.app} one at a time${skipped > 0 ? `; ${skipped} not running, left alone` : ""}`,
  };
}
