import { z } from "zod";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import { ToolInputError } from "./invoke.js";
import { machinePreconditions } from "./machine-steps.js";
import { verdict } from "./step-knowledge.js";

/**
 * One key of a machine's metadata (POST and DELETE …/metadata/{key}; the spec's
 * upsertMetadataKeyRequest). Keys that start with `fly_` are Fly's own: `fly_process_group`,
 * `fly_platform_version`, `fly_release_id`… decide which group a machine is in and whether
 * `fly deploy` and `fly scale` manage it (fly-go machine_types.go), so they are refused here.
 */

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

const metadataKey = z
  .string()
  .regex(KEY, 'expected a metadata key: letters, digits, "_", "." and "-", e.g. "role"')
  .describe('Metadata key, e.g. "role"');

function notFlys(tool: string, key: string): void {
  if (key.toLowerCase().startsWith("fly_")) {
    throw new ToolInputError(
      tool,
      [`key: ${key} is one of Fly's own keys, which decide how flyctl manages the machine`],
      "change a machine's process group or release through a deploy; other keys may be set freely",
    );
  }
}

interface MetadataResult {
  app: string;
  machine_id: string;
  key: string;
  changed: boolean;
}

export const machinesMetadataSet = defineTool({
  name: "machines_metadata_set",
  description:
    "Set one metadata key of a Machine to a value (keys starting with fly_ are Fly's and refused). Does nothing when it already has that value.",
  access: "write",
  input: z
    .object({
      app: f.app,
      machine_id: f.machineId,
      key: metadataKey,
      value: z
        .string()
        .regex(
          /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{0,1024}$/u,
          'expected a value of up to 1024 printable characters, e.g. "primary"',
        )
        .describe('The value, e.g. "primary"'),
    })
    .strict(),
  async run(ctx, input): Promise<MetadataResult> {
    notFlys("machines_metadata_set", input.key);
    const now = await ctx.fly.rest.getMachineMetadata(input.app, input.machine_id, ctx.signal);
    if (now[input.key] === input.value) return { ...pick(input), changed: false };
    await ctx.fly.rest.setMachineMetadata(input.app, input.machine_id, input.key, input.value, ctx.signal);
    return { ...pick(input), changed: true };
  },
  view: (r) => r,
  step: {
    describe: (i) =>
      `set metadata ${i.key}=${JSON.stringify(i.value)} on machine ${i.machine_id} of ${i.app}`,
    effect: (input, r) => ({ ...pick(input), changed: r.changed }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const now = await ctx.fly.rest.getMachineMetadata(input.app, input.machine_id, ctx.signal);
        return verdict(
          now[input.key] === input.value,
          "the key has the value",
          "the key does not have the value yet; setting it",
        );
      },
    },
    preconditions: (input) => machinePreconditions(input),
  },
});

export const machinesMetadataUnset = defineTool({
  name: "machines_metadata_unset",
  description:
    "Remove one metadata key from a Machine (keys starting with fly_ are Fly's and refused). Does nothing when it has no such key.",
  access: "destructive",
  input: z.object({ app: f.app, machine_id: f.machineId, key: metadataKey }).strict(),
  async run(ctx, input): Promise<MetadataResult> {
    notFlys("machines_metadata_unset", input.key);
    const now = await ctx.fly.rest.getMachineMetadata(input.app, input.machine_id, ctx.signal);
    if (!Object.hasOwn(now, input.key)) return { ...pick(input), changed: false };
    await ctx.fly.rest.deleteMachineMetadata(input.app, input.machine_id, input.key, ctx.signal);
    return { ...pick(input), changed: true };
  },
  view: (r) => r,
  step: {
    describe: (i) => `remove metadata key ${i.key} from machine ${i.machine_id} of ${i.app}`,
    effect: (input, r) => ({ ...pick(input), changed: r.changed }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const now = await ctx.fly.rest.getMachineMetadata(input.app, input.machine_id, ctx.signal);
        return verdict(
          !Object.hasOwn(now, input.key),
          "the key is gone",
          "the key is still there; removing it",
        );
      },
    },
    preconditions: (input) => machinePreconditions(input),
  },
});

function pick(input: { app: string; machine_id: string; key: string }) {
  return { app: input.app, machine_id: input.machine_id, key: input.key };
}
