import { z } from "zod";
import type { Machine, MachineConfig } from "../src/fly/schemas.js";
import { STARTABLE_STATES, isResting } from "../src/platform/machine-states.js";
import { describeGuestProblem, guestProblems } from "../src/platform/guest-sizes.js";
import { defineTool, type ToolContext } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { ToolInputError } from "./invoke.js";
import { waitForMachine } from "./machine-actions.js";
import { machineEffect, machinePreconditions } from "./machine-steps.js";
import { machineRow, sortMachines } from "./machine-view.js";
import { appExists, identity, type PreconditionRead } from "./step-knowledge.js";

/** The two tools that write a machine's configuration: create (from scratch or as a copy) and update. */

const createInput = z
  .object({
    app: f.app,
    region: f.region,
    name: ids.machineName.optional().describe("Machine name; Fly generates one when omitted"),
    image: ids.imageRef
      .optional()
      .describe(
        "Docker image, e.g. \"registry.fly.io/my-app:deployment-01H...\"; defaults to the source machine's or the app's current image",
      ),
    guest: f.guest,
    from_machine_id: f.machineId
      .optional()
      .describe(
        "Copy the configuration of this machine of the same app (services, env, metadata, checks; not its volumes), like `fly machine clone`",
      ),
    process_group: ids.processGroup
      .optional()
      .describe(
        'Process group of the new machine (fly.toml [processes]), e.g. "worker"; a plan copies a machine of that group. Default "app"',
      ),
  })
  .strict();

type CreateInput = z.infer<typeof createInput>;

export const machinesCreate = defineTool({
  name: "machines_create",
  description:
    "Create and start a new Machine in an app with a given size and region. Give from_machine_id to copy a machine of the app, as `fly machine clone` does: its services, env, metadata (process group) and checks, so the copy gets traffic and `fly deploy` manages it; volumes are not copied. Without from_machine_id the machine gets only an image and a size: no services (so no traffic), no env or metadata, and `fly deploy` will not manage it. `image` defaults to the source machine's, else to that of the app's newest machine. Returns the new machine.",
  access: "write",
  input: createInput,
  async run(ctx, input): Promise<Machine> {
    const source = input.from_machine_id
      ? await ctx.fly.rest.getMachine(input.app, input.from_machine_id, ctx.signal)
      : undefined;
    const image = input.image ?? source?.config?.image ?? (await currentImage(ctx, input.app));
    if (!image) {
      throw new ToolInputError("machines_create", [
        `image: required, because app ${input.app} has no machine to copy it from`,
      ]);
    }
    const config = withGroup({ ...cloneableConfig(source), image, guest: input.guest }, input.process_group);
    return createStarted(ctx, input.app, { name: input.name, region: input.region, config });
  },
  view: (machine) => machineRow(machine),
  step: {
    describe: (i) =>
      `create machine ${i.name ?? "(unnamed)"} in ${i.app}, ${i.region}, ${guestText(i.guest)}${i.image ? `, image ${i.image}` : ""}${
        i.from_machine_id
          ? `, with the configuration of machine ${i.from_machine_id} (services, env, process group, checks), as \`fly machine clone\` does`
          : ", with an image and a size only: no services (so no traffic), no env, not managed by `fly deploy`"
      }`,
    complete: copySameGroup,
    effect: (input, machine) => ({ ...identity(input), ...machineEffect(machine) }),
    reconcile: {
      kind: "create",
      effectKey: "machine_id",
      async existing(ctx, input) {
        return ctx.fly.rest.listMachines(input.app, {}, ctx.signal);
      },
      name: (input) => input.name,
      autoName: (input, suffix) => machineAutoName(input.app, input.region, suffix),
    },
    preconditions(input): PreconditionRead[] {
      const source = input.from_machine_id;
      return source === undefined
        ? [appExists(input.app)]
        : machinePreconditions({ app: input.app, machine_id: source });
    },
  },
});

export const machinesUpdate = defineTool({
  name: "machines_update",
  description:
    "Change a Machine's image and/or size (cpu_kind, cpus, memory_mb; give only what changes). The rest of its configuration is kept; Fly replaces a running machine to apply it, and the tool waits until the new version runs; a stopped, suspended or never-started machine stays down; a machine in the middle of a change (starting, replacing, stopping) is waited for first. Does nothing when the machine already has that image and size.",
  access: "write",
  input: z
    .object({
      app: f.app,
      machine_id: f.machineId,
      image: ids.imageRef.optional().describe("New Docker image"),
      guest: f.guestFields.partial().optional().describe('Size fields to change, e.g. {"memory_mb": 1024}'),
    })
    .strict(),
  async run(ctx, input) {
    if (input.image === undefined && (input.guest === undefined || Object.keys(input.guest).length === 0)) {
      throw new ToolInputError("machines_update", [
        "input: give image or guest (cpu_kind, cpus, memory_mb) to change",
      ]);
    }
    let machine = await ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal);
    if (!isResting(machine.state)) {
      // Starting, replacing, stopping...: what it is about to be decides whether Fly may launch it.
      await waitForMachine(ctx, input.app, input.machine_id, { state: "settled" });
      machine = await ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal);
    }
    const config = machine.config ?? {};
    const guest = { ...config.guest, ...input.guest };
    // A field alone can be valid and the size it makes not ("memory_mb": 32768 on one shared CPU):
    // the merged size is held to Fly's rules before anything is sent.
    if (config.guest && input.guest) {
      const merged = {
        cpu_kind: guest.cpu_kind ?? "",
        cpus: guest.cpus ?? 0,
        memory_mb: guest.memory_mb ?? 0,
      };
      const problems = guestProblems(merged);
      if (problems.length > 0)
        throw new ToolInputError(
          "machines_update",
          problems.map(
            (p) =>
              `guest: ${describeGuestProblem(p)} (machine ${input.machine_id} would be ${guestText(merged)})`,
          ),
        );
    }
    const image = input.image ?? config.image;
    const unchanged =
      image === config.image && Object.entries(input.guest ?? {}).every(([k, v]) => config.guest?.[k] === v);
    if (unchanged) return { changed: false, machine };
    // A machine resting down (stopped, suspended, never started) would be launched by the update unless told not to.
    const keepDown = STARTABLE_STATES.has(machine.state ?? "");
    const updated = await ctx.fly.rest.updateMachine(
      input.app,
      input.machine_id,
      {
        config: { ...config, image, guest },
        current_version: machine.instance_id ?? undefined,
        // Fly starts a machine it updates unless told not to; one that was down stays so.
        ...(keepDown ? { skip_launch: true } : {}),
      },
      ctx.signal,
    );
    // Fly answers while the new version is still being put in place ("replacing").
    const version = updated.instance_id ?? undefined;
    if (!keepDown) await waitForMachine(ctx, input.app, input.machine_id, { state: "started", version });
    else if (!isResting(updated.state))
      await waitForMachine(ctx, input.app, input.machine_id, { state: "settled", version });
    return { changed: true, machine: await ctx.fly.rest.getMachine(input.app, input.machine_id, ctx.signal) };
  },
  view: (result) => ({ ...machineRow(result.machine), changed: result.changed }),
  step: {
    describe: (i) =>
      `update machine ${i.machine_id} of ${i.app}:${i.image ? ` image ${i.image}` : ""}${i.guest ? ` size ${JSON.stringify(i.guest)}` : ""}`,
    effect: (input, result) => ({
      ...identity(input),
      ...machineEffect(result.machine),
      changed: result.changed,
    }),
    // Setting the same image and size again changes nothing: the tool sees it and sends nothing.
    reconcile: { kind: "idempotent" },
    // A config change is made against one version of the machine's config.
    preconditions: (input) => machinePreconditions(input, { version: true }),
  },
});

/** Creates a machine and waits, best effort, until it runs; returns it as Fly has it then. */
export async function createStarted(
  ctx: ToolContext,
  app: string,
  body: { name?: string; region?: string; config: MachineConfig },
): Promise<Machine> {
  const created = await ctx.fly.rest.createMachine(app, body, ctx.signal);
  // Best effort: the machine exists now, and failing the step would make a rerun create a second one.
  await waitForMachine(
    ctx,
    app,
    created.id,
    { state: "started", version: created.instance_id ?? undefined },
    { bestEffort: true },
  );
  return ctx.fly.rest.getMachine(app, created.id, ctx.signal);
}

/** A name for an unnamed new machine, so that `--resume` can find it: app, region and a plan-stable suffix. */
export function machineAutoName(app: string, region: string, suffix: string): string {
  const prefix = `${app}-${region}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  return `${prefix.slice(0, MACHINE_NAME_MAX - suffix.length - 1)}-${suffix}`;
}

/** Fly's limit on a machine name. */
export const MACHINE_NAME_MAX = 63;

export function guestText(g: { cpu_kind: string; cpus: number; memory_mb: number }): string {
  return `${g.cpu_kind}-cpu-${g.cpus}x ${g.memory_mb}MB`;
}

/** A machine's process group, as fly-go's MachineConfig.ProcessGroup() reads it (the older key second). */
export function groupOf(machine: Machine): string | undefined {
  const metadata = machine.config?.metadata;
  return metadata?.fly_process_group || metadata?.process_group || undefined;
}

/** The metadata that puts a machine made from scratch into a process group. */
function withGroup(config: MachineConfig, group: string | undefined): MachineConfig {
  return group === undefined
    ? config
    : { ...config, metadata: { ...config.metadata, fly_process_group: group } };
}

/**
 * A new machine of an app that has machines copies the newest machine of its process group, as
 * `fly machine clone` does: without services, env and process group it would get no traffic. The
 * group is the request's, else the app's default, chosen as flyctl's DefaultProcessName does
 * ("app" when there is one, else the first name in order; internal/appconfig/processgroups.go),
 * and a machine with no group belongs to the default one. The request's size, region and image
 * still win: they are the tool's own inputs.
 */
async function copySameGroup(ctx: ToolContext, input: CreateInput): Promise<CreateInput> {
  if (input.from_machine_id !== undefined) return input;
  const machines = (await ctx.fly.rest.listMachines(input.app, {}, ctx.signal)).filter(
    (m) => m.state !== "destroyed" && m.state !== "destroying",
  );
  if (machines.length === 0) return input;
  const groups = [...new Set(machines.map(groupOf).filter((g): g is string => g !== undefined))].sort();
  const fallback = groups.length === 0 || groups.includes(DEFAULT_GROUP) ? DEFAULT_GROUP : groups[0];
  const group = input.process_group ?? fallback;
  const inGroup = (m: Machine) => (groupOf(m) ?? fallback) === group;
  const [source] = sortMachines(machines.filter(inGroup), "created", "desc");
  if (source === undefined) {
    throw new ToolInputError("machines_create", [
      `process_group: app ${input.app} has no machine in process group ${group}; its groups: ${groups.join(", ") || DEFAULT_GROUP}`,
    ]);
  }
  return { ...input, from_machine_id: source.id };
}

/** fly-go's MachineProcessGroupApp: the group of an app without [processes]. */
export const DEFAULT_GROUP = "app";

async function currentImage(ctx: ToolContext, app: string): Promise<string | undefined> {
  const machines = await ctx.fly.rest.listMachines(app, {}, ctx.signal);
  const newest = sortMachines(
    machines.filter((m) => m.config?.image),
    "created",
    "desc",
  );
  return newest[0]?.config?.image ?? undefined;
}

/**
 * What a copy of `source` keeps, as `fly machine clone` does: everything that makes it part of
 * the app (services, env, metadata with its process group, checks, restart policy, ...), but no
 * mounts, since a volume belongs to one machine. Image and size are the caller's.
 */
export function cloneableConfig(source: Machine | undefined): Omit<MachineConfig, "image" | "guest"> {
  const copy: MachineConfig = { ...source?.config };
  delete copy.mounts;
  delete copy.image;
  delete copy.guest;
  return copy;
}
