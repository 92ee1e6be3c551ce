import { z } from "zod";
import type { Volume } from "../src/fly/schemas.js";
import { defineTool } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { ToolInputError } from "./invoke.js";
import { appExists, pick, volumeAsNow } from "./step-knowledge.js";

/**
 * `fly volumes fork`: a new volume with a copy of another volume's data, optionally in another
 * region, made by Fly from `source_volume_id` on create (the spec's CreateVolumeRequest: "fork
 * from remote volume"; flyctl internal/command/volumes/fork.go sends name, source and region, and
 * refuses a volume whose host is not ok).
 */

export const volumesFork = defineTool({
  name: "volumes_fork",
  description:
    "Fork a volume: a new volume of the same app holding a copy of its data, in the same region or another one, as `fly volumes fork` does. It is not attached to any machine. Returns the new volume.",
  access: "write",
  input: z
    .object({
      app: f.app,
      volume_id: f.volumeId.describe('The volume to copy, e.g. "vol_9vw681egy1jj5xm4"'),
      region: f.region.optional().describe("Region of the copy; default the source volume's"),
      name: ids.volumeName.optional().describe("Name of the copy; default the source volume's name"),
    })
    .strict(),
  async run(ctx, input): Promise<Volume> {
    const source = await ctx.fly.rest.getVolume(input.app, input.volume_id, ctx.signal);
    const host = (source as { host_status?: unknown }).host_status;
    if (typeof host === "string" && host !== "ok") {
      throw new ToolInputError(
        "volumes_fork",
        [`volume_id: volume ${input.volume_id} is on a host that is ${host}, so it cannot be forked`],
        "restore a recent snapshot of it into a new volume instead (volumes_create with snapshot_id)",
      );
    }
    const name = input.name ?? source.name ?? undefined;
    if (!name) throw new ToolInputError("volumes_fork", ["name: the source volume has none; give one"]);
    return ctx.fly.rest.createVolume(
      input.app,
      { name, region: input.region ?? source.region ?? "", source_volume_id: input.volume_id },
      ctx.signal,
    );
  },
  view: (v) => ({
    id: v.id,
    name: v.name ?? null,
    region: v.region ?? null,
    size_gb: v.size_gb ?? null,
    state: v.state ?? null,
  }),
  step: {
    describe: (i) =>
      `fork volume ${i.volume_id} of ${i.app} into a new volume${i.name ? ` ${i.name}` : ""}${i.region ? ` in ${i.region}` : " in its region"}`,
    // The copy's name is written into the plan, so that `--resume` can look for it.
    async complete(ctx, input) {
      if (input.name !== undefined) return input;
      const source = await ctx.fly.rest.getVolume(input.app, input.volume_id, ctx.signal);
      return source.name ? { ...input, name: source.name } : input;
    },
    effect: (input, v) => ({
      app: input.app,
      source_volume_id: input.volume_id,
      ...pick(v, { id: "volume_id", name: "name", region: "region", size_gb: "size_gb" }),
    }),
    // Volume names are not unique in an app: the journal's snapshot of those that existed tells the new one.
    reconcile: {
      kind: "create",
      effectKey: "volume_id",
      existing: (ctx, input) => ctx.fly.rest.listVolumes(input.app, {}, ctx.signal),
      name: (input) => input.name,
    },
    preconditions: (input) => [appExists(input.app), volumeAsNow(input.app, input.volume_id)],
  },
});
