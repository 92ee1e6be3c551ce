import { z } from "zod";
import type { Machine, OrgMachine } from "../src/fly/schemas.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import { ToolInputError } from "./invoke.js";
import { actionView, changeMachineState, cordonMachine, restartMachine } from "./machine-actions.js";
import { MACHINE_SORTS, machineDetail, machineRow, sortMachines } from "./machine-view.js";
import { forEachOrg, orgsInScope } from "./org-scope.js";
import { listView, take } from "./view.js";

const ORG_PAGE_SIZE = 500;
const ORG_MAX_PAGES = 20;

const sort = z
  .enum(MACHINE_SORTS)
  .describe("Sort by memory, cpu (performance CPUs count more), created (newest first), name or region");

const machineRef = z.object({ app: f.app, machine_id: f.machineId }).strict();

export const machinesList = defineTool({
  name: "machines_list",
  description:
    "List the Machines of one app: id, name, state, region, CPU kind and count, memory, image, created time. Newest first unless sorted otherwise. Filter by state or region; sort by memory or cpu with a limit to find the largest. For machines across all apps use org_machines_list.",
  access: "read",
  input: z
    .object({
      app: f.app,
      state: f.machineStates.optional(),
      region: f.region.optional(),
      sort: sort.optional(),
      order: f.order.optional(),
      limit: f.limit.optional(),
    })
    .strict(),
  async run(ctx, input): Promise<Machine[]> {
    const machines = await ctx.fly.rest.listMachines(
      input.app,
      { state: input.state, region: input.region },
      ctx.signal,
    );
    return take(
      sortMachines(filterMachines(machines, input), input.sort ?? "created", input.order),
      input.limit,
    );
  },
  view: (machines, input) =>
    listView(machines.map(machineRow), {
      noun: "machines",
      limit: input.limit,
      narrow: "filter by state or region",
    }),
});

export const orgMachinesList = defineTool({
  name: "org_machines_list",
  description:
    "List Machines across every app of an organization (or of every organization the token can see): app, id, name, state, region, CPU, memory, image. Use it for fleet-wide questions such as which machines use the most memory, how many machines run per region, or which are stopped. Filter by app, state or region; sort and limit.",
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
    })
    .strict(),
  async run(ctx, input): Promise<OrgMachine[]> {
    const orgs = await orgsInScope(ctx, input.org);
    const machines = await forEachOrg(orgs, async (org) => {
      const page = await ctx.fly.rest.listOrgMachines(
        org,
        { state: input.state, region: input.region },
        { pageSize: ORG_PAGE_SIZE, maxPages: ORG_MAX_PAGES },
        ctx.signal,
      );
      if (page.truncated)
        ctx.log.warn(`org ${org}: stopped after ${ORG_MAX_PAGES} pages of machines; filter to see the rest`);
      if (page.errorRegions.length > 0) {
        ctx.log.warn(
          `org ${org}: Fly could not list machines in ${page.errorRegions.join(", ")}; those are missing`,
        );
      }
      return page.items;
    });
    const mine = machines.filter(
      (m) => (input.app === undefined || m.app_name === input.app) && m.state !== "destroyed",
    );
    return take(sortMachines(filterMachines(mine, input), input.sort ?? "created", input.order), input.limit);
  },
  view: (machines, input) =>
    listView(machines.map(machineRow), {
      noun: "machines",
      limit: input.limit,
      narrow: "filter by app, state or region",
    }),
});

export const machinesGet = defineTool({
  name: "machines_get",
  description:
    "Show one Machine in detail: state, region, size, image, process group, private IP, mounted volumes, services and ports, health checks, names of its env variables (never values) and its latest events.",
  access: "read",
  input: machineRef,
  run: (ctx, input) => ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal),
  view: (machine) => machineDetail(machine),
});

export const machinesCreate = defineTool({
  name: "machines_create",
  description:
    "Create and start a new Machine in an app with a given size and region. Without `image` it uses the image of the app's newest machine that has one. Returns the new machine.",
  access: "write",
  input: z
    .object({
      app: f.app,
      region: f.region,
      name: z
        .string()
        .trim()
        .min(1)
        .max(63)
        .optional()
        .describe("Machine name; Fly generates one when omitted"),
      image: z
        .string()
        .trim()
        .min(1)
        .optional()
        .describe(
          'Docker image, e.g. "registry.fly.io/my-app:deployment-01H..."; defaults to the app\'s current image',
        ),
      guest: f.guest,
    })
    .strict(),
  async run(ctx, input): Promise<Machine> {
    const image = input.image ?? (await currentImage(ctx, input.app));
    if (image === undefined) {
      throw new ToolInputError("machines_create", [
        `image: required, because app ${input.app} has no machine to copy it from`,
      ]);
    }
    return ctx.fly.rest.createMachine(
      input.app,
      { name: input.name, region: input.region, config: { image, guest: input.guest } },
      ctx.signal,
    );
  },
  view: (machine) => machineRow(machine),
});

export const machinesUpdate = defineTool({
  name: "machines_update",
  description:
    "Change a Machine's image and/or size (cpu_kind, cpus, memory_mb; give only what changes). The rest of its configuration is kept; Fly restarts a running machine to apply it. Does nothing when the machine already has that image and size.",
  access: "write",
  input: z
    .object({
      app: f.app,
      machine_id: f.machineId,
      image: z.string().trim().min(1).optional().describe("New Docker image"),
      guest: f.guest.partial().optional().describe('Size fields to change, e.g. {"memory_mb": 1024}'),
    })
    .strict(),
  async run(ctx, input) {
    if (input.image === undefined && (input.guest === undefined || Object.keys(input.guest).length === 0)) {
      throw new ToolInputError("machines_update", [
        "input: give image or guest (cpu_kind, cpus, memory_mb) to change",
      ]);
    }
    const machine = await ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal);
    const config = machine.config ?? {};
    const guest = { ...config.guest, ...input.guest };
    const image = input.image ?? config.image;
    const unchanged =
      image === config.image && Object.entries(input.guest ?? {}).every(([k, v]) => config.guest?.[k] === v);
    if (unchanged) return { changed: false, machine };
    const updated = await ctx.fly.rest.updateMachine(
      input.app,
      input.machine_id,
      { config: { ...config, image, guest }, current_version: machine.instance_id ?? undefined },
      ctx.signal,
    );
    return { changed: true, machine: updated };
  },
  view: (result) => ({ ...machineRow(result.machine), changed: result.changed }),
});

export const machinesStart = defineTool({
  name: "machines_start",
  description:
    "Start a stopped or suspended Machine and wait until it runs. Does nothing if it is already started.",
  access: "write",
  input: machineRef,
  run: (ctx, input) => changeMachineState(ctx, input.app, input.machine_id, "start"),
  view: actionView,
});

export const machinesStop = defineTool({
  name: "machines_stop",
  description: "Stop a running Machine and wait until it is stopped. Does nothing if it is already stopped.",
  access: "write",
  input: machineRef,
  run: (ctx, input) => changeMachineState(ctx, input.app, input.machine_id, "stop"),
  view: actionView,
});

export const machinesRestart = defineTool({
  name: "machines_restart",
  description: "Restart a running Machine in place (same id, same config) and wait until it runs again.",
  access: "write",
  input: machineRef,
  run: (ctx, input) => restartMachine(ctx, input.app, input.machine_id),
  view: actionView,
});

export const machinesSuspend = defineTool({
  name: "machines_suspend",
  description:
    "Suspend a running Machine (its memory is snapshotted so it resumes fast) and wait until it is suspended.",
  access: "write",
  input: machineRef,
  run: (ctx, input) => changeMachineState(ctx, input.app, input.machine_id, "suspend"),
  view: actionView,
});

export const machinesCordon = defineTool({
  name: "machines_cordon",
  description: "Cordon a Machine: Fly Proxy stops routing new requests to it; it keeps running.",
  access: "write",
  input: machineRef,
  run: (ctx, input) => cordonMachine(ctx, input.app, input.machine_id, "cordon"),
  view: actionView,
});

export const machinesUncordon = defineTool({
  name: "machines_uncordon",
  description: "Uncordon a Machine so Fly Proxy routes requests to it again.",
  access: "write",
  input: machineRef,
  run: (ctx, input) => cordonMachine(ctx, input.app, input.machine_id, "uncordon"),
  view: actionView,
});

export const machinesDestroy = defineTool({
  name: "machines_destroy",
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
  async run(ctx, input) {
    await ctx.fly.rest.destroyMachine(input.app, input.machine_id, { force: input.force }, ctx.signal);
    return { app: input.app, machine_id: input.machine_id, destroyed: true };
  },
  view: (result) => result,
});

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

function filterMachines<T extends Machine | OrgMachine>(
  machines: readonly T[],
  filter: { state?: readonly string[]; region?: string },
): T[] {
  return machines.filter(
    (m) =>
      (filter.state === undefined || filter.state.includes(m.state ?? "")) &&
      (filter.region === undefined || m.region === filter.region),
  );
}

async function currentImage(ctx: ToolContext, app: string): Promise<string | undefined> {
  const machines = await ctx.fly.rest.listMachines(app, {}, ctx.signal);
  const newest = sortMachines(
    machines.filter((m) => m.config?.image),
    "created",
    "desc",
  );
  return newest[0]?.config?.image ?? undefined;
}
