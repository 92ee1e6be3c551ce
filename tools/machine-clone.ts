import { z } from "zod";
import type { Machine, MachineConfig } from "../src/fly/schemas.js";
import { guestProblems, describeGuestProblem } from "../src/platform/guest-sizes.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { ToolInputError } from "./invoke.js";
import { cloneableConfig, createStarted, guestText, machineAutoName } from "./machine-create-update.js";
import { machineEffect, machinePreconditions } from "./machine-steps.js";
import { machineRow } from "./machine-view.js";

/**
 * `fly machine clone` through the Machines API: Fly has no clone endpoint, so the source machine
 * is read and a new machine is created with its configuration (flyctl does the same,
 * internal/command/machine/clone.go: GET the source, then Launch with its config).
 */

const cloneInput = z
  .object({
    app: f.app,
    machine_id: f.machineId.describe('The machine to copy, e.g. "148ed123a45678"'),
    region: f.region.optional().describe("Region of the copy; default the source machine's region"),
    name: ids.machineName.optional().describe("Name of the copy; a plan names it when omitted"),
    image: ids.imageRef.optional().describe("Image of the copy; default the source machine's image"),
    guest: f.guestFields
      .partial()
      .optional()
      .describe('Size fields that differ from the source, e.g. {"memory_mb": 1024}'),
  })
  .strict();

type CloneInput = z.infer<typeof cloneInput>;

export const machinesClone = defineTool({
  name: "machines_clone",
  command: { verb: "clone", noun: "machine", id: "machine_id" },
  description:
    'Add a machine to an app as a copy of one of its machines, as `fly machine clone` does: same services, env, metadata (process group), checks, image and size, so the copy gets traffic and `fly deploy` manages it. Override region, name, image or size. The usual way to "add a machine to APP". A machine with volumes is not cloned (a volume belongs to one machine). Returns the new machine.',
  access: "write",
  input: cloneInput,
  async run(ctx, input): Promise<Machine> {
    const source = await ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal);
    const sourceConfig = source.config ?? {};
    if ((sourceConfig.mounts ?? []).length > 0) {
      throw new ToolInputError(
        "machines_clone",
        [`machine_id: machine ${input.machine_id} mounts a volume, and a volume belongs to one machine`],
        "create a volume in the region first (volumes_create or volumes_fork), then a machine that mounts it",
      );
    }
    const guest = { ...sourceConfig.guest, ...input.guest };
    const problems = guestProblemsOf(guest);
    if (problems.length > 0) throw new ToolInputError("machines_clone", problems);
    const config: MachineConfig = {
      ...cloneableConfig(source),
      image: input.image ?? sourceConfig.image ?? undefined,
      guest,
    };
    // A standby watches one machine; its copy would watch the same one (flyctl's scale and clone drop it).
    delete config.standbys;
    return createStarted(ctx, input.app, {
      name: input.name,
      region: input.region ?? source.region ?? undefined,
      config,
    });
  },
  view: (machine) => machineRow(machine),
  step: {
    describe: (i) =>
      `create machine ${i.name ?? "(unnamed)"} in ${i.app} as a copy of machine ${i.machine_id} (services, env, process group, checks)${
        i.region ? `, in ${i.region}` : ", in its region"
      }${i.image ? `, image ${i.image}` : ""}${i.guest ? `, size ${sizeText(i.guest)}` : ""}`,
    effect: (input, machine) => ({
      app: input.app,
      source_machine_id: input.machine_id,
      ...machineEffect(machine),
      ...(input.name === undefined ? {} : { name: input.name }),
    }),
    reconcile: {
      kind: "create",
      effectKey: "machine_id",
      existing: (ctx, input) => ctx.fly.rest.listMachines(input.app, {}, ctx.signal),
      name: (input) => input.name,
      autoName: (input, suffix) => machineAutoName(input.app, input.region ?? "copy", suffix),
    },
    // The copy is made of the source as it is now: it must still be there, in the same state and version.
    preconditions: (input: CloneInput) =>
      machinePreconditions({ app: input.app, machine_id: input.machine_id }, { version: true }),
  },
});

function guestProblemsOf(guest: Record<string, unknown>): string[] {
  const { cpu_kind, cpus, memory_mb } = guest;
  if (typeof cpu_kind !== "string" || typeof cpus !== "number" || typeof memory_mb !== "number") return [];
  return guestProblems({ cpu_kind, cpus, memory_mb }).map((p) => `guest: ${describeGuestProblem(p)}`);
}

function sizeText(guest: Partial<{ cpu_kind: string; cpus: number; memory_mb: number }>): string {
  const { cpu_kind, cpus, memory_mb } = guest;
  if (cpu_kind !== undefined && cpus !== undefined && memory_mb !== undefined)
    return guestText({ cpu_kind, cpus, memory_mb });
  return JSON.stringify(guest);
}
