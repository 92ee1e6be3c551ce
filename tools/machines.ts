import { z } from "zod";
import { FlyApiError } from "../src/fly/errors.js";
import type { Machine, OrgMachine } from "../src/fly/schemas.js";
import { RUNNING_STATES } from "../src/platform/machine-states.js";
import { defineTool, nowOf } from "./define-tool.js";
import * as f from "./fields.js";
import { machinesCreate, machinesUpdate } from "./machine-create-update.js";
import { MachineStateError, actionView, runMachineAction, type MachineAction } from "./machine-actions.js";
import { actionStep, destroyStep } from "./machine-steps.js";
import {
  MACHINE_COUNTS,
  MACHINE_SORTS,
  filterMachines,
  listOrCount,
  machineDetail,
  machinesView,
  stateQuery,
  type MachineListing,
} from "./machine-view.js";
import { ORG_PAGES, forEachOrg, orgsInScope, pageGaps } from "./org-scope.js";
import { createdFilters, filterByTime, updatedAfter, updatedFilters } from "./time-fields.js";
import { markIncomplete } from "./view.js";

const sort = z
  .enum(MACHINE_SORTS)
  .describe("Sort by memory, cpu (performance CPUs count more), created (newest first), name or region");

const SIZE_GROUPS =
  'size is the CPU preset with memory, e.g. "shared-cpu-1x:512MB" or "performance-2x:4096MB"';

const machineRef = z.object({ app: f.app, machine_id: f.machineId }).strict();

export const machinesList = defineTool({
  name: "machines_list",
  command: { verb: "list", noun: "machines" },
  description:
    'List the Machines of one app: id, name, state, region, CPU kind and count, memory, image, created and updated time. Newest first unless sorted otherwise. Filter by state, region, or when they were created or updated (e.g. updated_since "7d"); sort by memory or cpu with a limit to find the largest. To count them ("how many machines per region?") set count_by instead of reading rows. For machines across all apps use org_machines_list.',
  access: "read",
  input: z
    .object({
      app: f.app,
      state: f.machineStates.optional(),
      region: f.region.optional(),
      sort: sort.optional(),
      order: f.order.optional(),
      limit: f.limit.optional(),
      ...createdFilters,
      ...updatedFilters,
      count_by: z
        .enum(["region", "state", "size"])
        .optional()
        .describe(
          `Count instead of listing: how many of the app's machines there are per region, state or size (${SIZE_GROUPS}), over every machine that matches the other filters. ${f.COUNT_BY_RESULT}`,
        ),
    })
    .strict(),
  async run(ctx, input): Promise<MachineListing<Machine>> {
    const machines = await ctx.fly.rest.listMachines(
      input.app,
      { ...stateQuery(input.state), region: input.region },
      ctx.signal,
    );
    return listOrCount(filterByTime(filterMachines(machines, input), input, nowOf(ctx)), input);
  },
  view: (listing, input) => machinesView(listing, input.limit, "filter by state or region"),
});

export const orgMachinesList = defineTool({
  name: "org_machines_list",
  command: { verb: "list", noun: "machines", across: true },
  description:
    'List Machines across every app of an organization (or of every organization the token can see): app, id, name, state, region, CPU, memory, image, created and updated time. Use it for fleet-wide questions such as which machines use the most memory, which are stopped, or which were updated in the last 7 days (updated_since "7d"). Filter by app, state, region or time; sort and limit. For counting questions ("how many machines per region?", "how many are stopped in each app?") set count_by: one call counts the whole fleet, however large, where rows show only a page.',
  access: "read",
  input: z
    .object({
      org: f.org.optional(),
      app: f.app.optional().describe("Only machines of this app"),
      state: f.machineStates.optional(),
      region: f.region.optional(),
      sort: sort.optional(),
      order: f.order.optional(),
      limit: f.limit.optional(),
      ...createdFilters,
      ...updatedFilters,
      count_by: z
        .enum(MACHINE_COUNTS)
        .optional()
        .describe(
          `Count instead of listing: how many machines there are per region, state, app or size (${SIZE_GROUPS}), over every machine that matches the other filters, not just one page. "how many machines per region?" → count_by "region". ${f.COUNT_BY_RESULT}`,
        ),
    })
    .strict(),
  async run(ctx, input): Promise<MachineListing<OrgMachine>> {
    const orgs = await orgsInScope(ctx, input.org);
    const gaps: string[] = [];
    const machines = await forEachOrg(orgs, async (org) => {
      const page = await ctx.fly.rest.listOrgMachines(
        org,
        // Counting by region, state or app needs no machine config: `summary` leaves it out of every page.
        {
          ...stateQuery(input.state),
          region: input.region,
          summary: countsWithoutConfig(input.count_by),
          updated_after: updatedAfter(input, nowOf(ctx)),
        },
        ORG_PAGES,
        ctx.signal,
      );
      gaps.push(...pageGaps(ctx, org, "machines", page));
      return page.items;
    });
    const wantsDestroyed = input.state?.includes("destroyed") ?? false;
    const mine = machines.filter(
      (m) =>
        (input.app === undefined || m.app_name === input.app) && (wantsDestroyed || m.state !== "destroyed"),
    );
    return markIncomplete(
      listOrCount(filterByTime(filterMachines(mine, input), input, nowOf(ctx)), input),
      gaps.sort(),
    );
  },
  view: (listing, input) => machinesView(listing, input.limit, "filter by app, state or region"),
});

function countsWithoutConfig(countBy: string | undefined): true | undefined {
  return countBy === undefined || countBy === "size" ? undefined : true;
}

export const machinesGet = defineTool({
  name: "machines_get",
  command: { verb: "get", noun: "machine", id: "machine_id" },
  description:
    "Show one Machine in detail: state, region, size, image, process group, private IP, mounted volumes, services and ports, health checks, names of its env variables (never values) and its latest events.",
  access: "read",
  input: machineRef,
  run: (ctx, input) => ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal),
  view: (machine) => machineDetail(machine),
});

/** One of the six machine actions: a name, a description, and the action it runs. */
function machineActionTool<N extends string>(name: N, action: MachineAction, description: string) {
  return defineTool({
    name,
    description,
    access: "write",
    command: { verb: action, noun: "machine", id: "machine_id" },
    input: machineRef,
    run: (ctx, input) => runMachineAction(ctx, input.app, input.machine_id, action),
    view: actionView,
    step: actionStep(action),
  });
}

export const machinesStart = machineActionTool(
  "machines_start",
  "start",
  "Start a stopped or suspended Machine and wait until it runs. Does nothing if it is already started.",
);

export const machinesStop = machineActionTool(
  "machines_stop",
  "stop",
  "Stop a running Machine and wait until it is stopped. Does nothing if it is already stopped.",
);

export const machinesRestart = machineActionTool(
  "machines_restart",
  "restart",
  "Restart a running Machine in place (same id, same config) and wait until it runs again.",
);

export const machinesSuspend = machineActionTool(
  "machines_suspend",
  "suspend",
  "Suspend a running Machine (its memory is snapshotted so it resumes fast) and wait until it is suspended.",
);

export const machinesCordon = machineActionTool(
  "machines_cordon",
  "cordon",
  "Cordon a Machine: Fly Proxy stops routing new requests to it; it keeps running.",
);

export const machinesUncordon = machineActionTool(
  "machines_uncordon",
  "uncordon",
  "Uncordon a Machine so Fly Proxy routes requests to it again.",
);

interface DestroyResult {
  app: string;
  machine_id: string;
  destroyed: true;
  /** True when it was destroyed before this call, which then sent nothing. */
  already: boolean;
}

export const machinesDestroy = defineTool({
  name: "machines_destroy",
  command: { verb: "destroy", noun: "machine", id: "machine_id" },
  description:
    "Destroy a Machine permanently. A running machine is refused unless force is true. Its volumes are kept (detached).",
  access: "destructive",
  input: z
    .object({
      app: f.app,
      machine_id: f.machineId,
      force: z.boolean().optional().describe("Kill the machine first if it is running"),
    })
    .strict(),
  async run(ctx, input): Promise<DestroyResult> {
    // Read first: a machine that is not there is a not-found error and nothing is sent, and only
    // a machine seen here may count a 404 on a resent DELETE as its own earlier destroy.
    const machine = await ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal);
    const state = machine.state ?? "unknown";
    if (state === "destroyed")
      return { app: input.app, machine_id: input.machine_id, destroyed: true, already: true };
    if (RUNNING_STATES.has(state) && input.force !== true) {
      throw new MachineStateError({
        app: input.app,
        id: input.machine_id,
        state,
        message:
          'destroying a running machine needs --force (in a plan step, "force": true), which kills it first',
        hint: `stop it first with \`flyops fly stop machine ${input.machine_id} --app ${input.app}\`, or pass --force`,
      });
    }
    await ctx.fly.rest.destroyMachine(
      input.app,
      input.machine_id,
      { force: input.force, goneOnRetry: true },
      ctx.signal,
    );
    // Fly answers the DELETE while the machine is still `destroying`; "destroyed" is said only once
    // it is (the spec's wait takes state=destroyed). A machine already gone from the API is destroyed too.
    await ctx.fly.rest
      .waitMachine(input.app, input.machine_id, { state: "destroyed" }, ctx.signal)
      .catch((error: unknown) => {
        if (!(error instanceof FlyApiError && error.status === 404)) throw error;
      });
    return { app: input.app, machine_id: input.machine_id, destroyed: true, already: false };
  },
  view: (result) =>
    result.already ? { ...result, note: "it was already destroyed; nothing was sent" } : result,
  step: destroyStep<DestroyResult>(),
});

export { machinesCreate, machinesUpdate };

export const machineTools = [
  machinesList,
  machinesGet,
  machinesCreate,
  machinesUpdate,
  machinesStart,
  machinesStop,
  machinesRestart,
  machinesSuspend,
  machinesCordon,
  machinesUncordon,
  machinesDestroy,
  orgMachinesList,
] as const;
