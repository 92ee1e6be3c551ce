import { z } from "zod";
import type { OrgVolume, Volume } from "../src/fly/schemas.js";
import { defineTool, nowOf } from "./define-tool.js";
import * as f from "./fields.js";
import * as ids from "./id-fields.js";
import { ToolInputError } from "./invoke.js";
import { ORG_PAGES, forEachOrg, orgsInScope, pageGaps } from "./org-scope.js";
import {
  appExists,
  identity,
  orMissing,
  pick,
  verdict,
  volumeAsNow,
  type StepEffect,
} from "./step-knowledge.js";
import { createdFilters, filterByTime, updatedFilters, type TimeFilters } from "./time-fields.js";
import {
  countGroups,
  countView,
  limitGroups,
  listView,
  markIncomplete,
  sortBy,
  take,
  type Counts,
  type CountView,
  type Limited,
  type ListView,
  type Row,
} from "./view.js";

const VOLUME_SORTS = ["size", "created", "name", "region"] as const;

const listFilters = {
  region: f.region.optional(),
  state: ids.volumeState.optional().describe('Only volumes in this state, e.g. "created" (in use or ready)'),
  attached: f.attached.optional(),
  sort: z
    .enum(VOLUME_SORTS)
    .optional()
    .describe("Sort by size (largest first), created (newest first), name or region"),
  order: f.order.optional(),
  limit: f.limit.optional(),
};

const VOLUME_COUNTS = ["region", "app", "attached"] as const;
type VolumeCountBy = (typeof VOLUME_COUNTS)[number];
type VolumeCounts = Counts<VolumeCountBy, { size_gb: number }>;

/** A listing of volumes, or their counts when `count_by` was given. */
type VolumeListing<V extends Volume> = Limited<V> | VolumeCounts;

const countBy = (groups: readonly [VolumeCountBy, ...VolumeCountBy[]], per: string) =>
  z
    .enum(groups)
    .optional()
    .describe(
      `Count instead of listing: how many volumes there are ${per}, with their total size_gb, over every volume that matches the other filters. "how many volumes per region?" → count_by "region"; "attached" groups into true and false. ${f.COUNT_BY_RESULT}`,
    );

type ListFilters = z.infer<z.ZodObject<typeof listFilters>> & TimeFilters & { count_by?: VolumeCountBy };

const volumeRef = z.object({ app: f.app, volume_id: f.volumeId }).strict();

export const volumesList = defineTool({
  name: "volumes_list",
  command: { verb: "list", noun: "volumes" },
  description:
    "List the volumes of one app: id, name, region, size in GB, state, attached machine (empty when unattached), encryption, created time. Filter by region, state, attached or created time; sort by size. To count them per region or attachment, set count_by.",
  access: "read",
  input: z
    .object({
      app: f.app,
      ...listFilters,
      // Fly's Volume (machines-openapi.json) has created_at but no updated_at; the org listing has both.
      ...createdFilters,
      count_by: countBy(["region", "attached"], "per region or by attachment"),
    })
    .strict(),
  async run(ctx, input): Promise<VolumeListing<Volume>> {
    return select(await ctx.fly.rest.listVolumes(input.app, {}, ctx.signal), input, nowOf(ctx));
  },
  view: (listing, input) => volumesView(listing, input, "filter by region or attached"),
});

export const orgVolumesList = defineTool({
  name: "org_volumes_list",
  command: { verb: "list", noun: "volumes", across: true },
  description:
    'List volumes across every app of an organization (or of every organization the token can see), with app, size, region and attached machine. Use attached=false to find unattached volumes that still cost money. For counting questions ("how many volumes per region?") set count_by: one call counts every volume, where rows show only a page.',
  access: "read",
  input: z
    .object({
      org: f.org.optional(),
      app: f.app.optional().describe("Only volumes of this app"),
      ...listFilters,
      ...createdFilters,
      ...updatedFilters,
      count_by: countBy(VOLUME_COUNTS, "per region, per app or by attachment"),
    })
    .strict(),
  async run(ctx, input): Promise<VolumeListing<OrgVolume>> {
    const orgs = await orgsInScope(ctx, input.org);
    const gaps: string[] = [];
    const volumes = await forEachOrg(orgs, async (org) => {
      const page = await ctx.fly.rest.listOrgVolumes(
        org,
        { region: input.region, state: input.state ? [input.state] : undefined },
        ORG_PAGES,
        ctx.signal,
      );
      gaps.push(...pageGaps(ctx, org, "volumes", page));
      return page.items;
    });
    const listing = select(
      volumes.filter((v) => input.app === undefined || v.app_name === input.app),
      input,
      nowOf(ctx),
    );
    return markIncomplete(listing, gaps.sort());
  },
  view: (listing, input) => volumesView(listing, input, "filter by app, region or attached"),
});

export const volumesGet = defineTool({
  name: "volumes_get",
  command: { verb: "get", noun: "volume", id: "volume_id" },
  description:
    "Show one volume: size, used bytes, region, zone, state, attached machine, encryption, snapshot retention.",
  access: "read",
  input: volumeRef,
  run: (ctx, input) => ctx.fly.rest.getVolume(input.app, input.volume_id, ctx.signal),
  view: (v) => ({
    ...volumeRow(v),
    zone: v.zone ?? null,
    bytes_used: v.bytes_used ?? null,
    bytes_total: v.bytes_total ?? null,
    snapshot_retention_days: v.snapshot_retention ?? null,
    auto_backup_enabled: v.auto_backup_enabled ?? null,
  }),
});

export const volumesCreate = defineTool({
  name: "volumes_create",
  description: "Create a new volume for an app in a region. Returns the new volume with its id.",
  access: "write",
  input: z
    .object({
      app: f.app,
      name: ids.volumeName.describe('Volume name: lowercase letters, digits and underscores, e.g. "data"'),
      region: f.region,
      size_gb: f.sizeGb,
      encrypted: z.boolean().optional().describe("Encrypt at rest (Fly's default is true)"),
      snapshot_id: ids.snapshotId.optional().describe("Restore from this snapshot"),
      require_unique_zone: z
        .boolean()
        .optional()
        .describe("Place it on a different host than the app's other volumes"),
    })
    .strict(),
  run: (ctx, { app, ...body }) => ctx.fly.rest.createVolume(app, body, ctx.signal),
  view: (v) => volumeRow(v),
  step: {
    describe: (i) => `create volume ${i.name} in ${i.app}, ${i.region}, ${i.size_gb} GB`,
    effect: (input, volume) => ({ ...identity(input), ...volumeEffect(volume) }),
    // Volume names are not unique in an app: the journal's snapshot of those that existed tells the new one.
    reconcile: {
      kind: "create",
      effectKey: "volume_id",
      existing: (ctx, input) => ctx.fly.rest.listVolumes(input.app, {}, ctx.signal),
      name: (input) => input.name,
    },
    preconditions: (input) => [appExists(input.app)],
  },
});

export const volumesExtend = defineTool({
  name: "volumes_extend",
  description:
    "Grow a volume to size_gb (volumes cannot shrink). Does nothing when it already has that size. Says whether the attached machine needs a restart.",
  access: "write",
  input: z
    .object({ app: f.app, volume_id: f.volumeId, size_gb: f.sizeGb.describe("New total size in GB") })
    .strict(),
  async run(ctx, input) {
    const volume = await ctx.fly.rest.getVolume(input.app, input.volume_id, ctx.signal);
    const current = volume.size_gb ?? 0;
    if (current === input.size_gb) return { changed: false, needs_restart: false as boolean | null, volume };
    if (current > input.size_gb) {
      throw new ToolInputError("volumes_extend", [
        `size_gb: volume ${volume.id} is ${current} GB and volumes cannot shrink`,
      ]);
    }
    const result = await ctx.fly.rest.extendVolume(input.app, input.volume_id, input.size_gb, ctx.signal);
    // null: Fly's answer was lost and the volume read back instead, so whether it needs a restart is unknown.
    return { changed: true, needs_restart: result.needs_restart ?? null, volume: result.volume ?? volume };
  },
  view: (r) => ({ ...volumeRow(r.volume), changed: r.changed, needs_restart: r.needs_restart }),
  step: {
    describe: (i) => `extend volume ${i.volume_id} of ${i.app} to ${i.size_gb} GB`,
    effect: (input, r) => ({ ...identity(input), ...volumeEffect(r.volume), changed: r.changed }),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const size = (await ctx.fly.rest.getVolume(input.app, input.volume_id, ctx.signal)).size_gb ?? 0;
        return verdict(
          size >= input.size_gb,
          `the volume already has ${size} GB`,
          `the volume has ${size} GB; extending it now`,
        );
      },
    },
    preconditions: (input) => [appExists(input.app), volumeAsNow(input.app, input.volume_id)],
  },
});

export const volumesDestroy = defineTool({
  name: "volumes_destroy",
  description: "Destroy a volume and all its data permanently. Fly refuses while a machine uses it.",
  access: "destructive",
  input: volumeRef,
  async run(ctx, input) {
    // Read first: see machines_destroy.
    await ctx.fly.rest.getVolume(input.app, input.volume_id, ctx.signal);
    await ctx.fly.rest.destroyVolume(input.app, input.volume_id, { goneOnRetry: true }, ctx.signal);
    return { app: input.app, volume_id: input.volume_id, destroyed: true };
  },
  view: (r) => r,
  step: {
    describe: (i) => `destroy volume ${i.volume_id} of ${i.app} and its data`,
    effect: (input) => identity(input),
    reconcile: {
      kind: "check",
      async check(ctx, input) {
        const volume = await orMissing(ctx.fly.rest.getVolume(input.app, input.volume_id, ctx.signal));
        return verdict(
          volume === undefined || isGone(volume),
          "the volume is already destroyed",
          "the volume still exists; destroying it now",
        );
      },
    },
    preconditions: (input) => [appExists(input.app), volumeAsNow(input.app, input.volume_id)],
  },
});

export const volumeSnapshotsList = defineTool({
  name: "volume_snapshots_list",
  description:
    "List the snapshots of one volume, newest first: id, created time, size, status, retention days.",
  access: "read",
  input: z.object({ app: f.app, volume_id: f.volumeId, limit: f.limit.optional() }).strict(),
  async run(ctx, input) {
    const snapshots = await ctx.fly.rest.listVolumeSnapshots(input.app, input.volume_id, ctx.signal);
    return take(
      sortBy(snapshots, (s) => s.created_at, "desc"),
      input.limit,
    );
  },
  view: (snapshots, input) =>
    listView(
      snapshots.map((s) => ({
        id: s.id,
        created_at: s.created_at ?? null,
        size_bytes: s.size ?? null,
        status: s.status ?? null,
        retention_days: s.retention_days ?? null,
      })),
      { noun: "snapshots", limit: input.limit },
    ),
});

export const volumeSnapshotsCreate = defineTool({
  name: "volume_snapshots_create",
  description:
    "Take a snapshot of a volume now (in addition to Fly's daily ones). It appears in volume_snapshots_list when done.",
  access: "write",
  input: volumeRef,
  async run(ctx, input) {
    await ctx.fly.rest.createVolumeSnapshot(input.app, input.volume_id, ctx.signal);
    return { app: input.app, volume_id: input.volume_id, snapshot_requested: true };
  },
  view: (r) => r,
  step: {
    describe: (i) => `snapshot volume ${i.volume_id} of ${i.app}`,
    effect: (input) => identity(input),
    // Snapshots have no name to find this one by, and a second one is not harmless (it is billed).
    reconcile: { kind: "ask", why: "a snapshot carries no name to tell this step's from another" },
    preconditions: (input) => [appExists(input.app), volumeAsNow(input.app, input.volume_id)],
  },
});

export const volumeTools = [
  volumesList,
  volumesGet,
  volumesCreate,
  volumesExtend,
  volumesDestroy,
  volumeSnapshotsList,
  volumeSnapshotsCreate,
  orgVolumesList,
] as const;

function volumeEffect(v: Volume | undefined): StepEffect {
  return pick(v, { id: "volume_id", name: "name", state: "state", region: "region", size_gb: "size_gb" });
}

function isGone(v: Volume): boolean {
  return v.state === "destroyed" || v.state === "destroying" || v.state === "pending_destroy";
}

function isAttached(v: Volume): boolean {
  return typeof v.attached_machine_id === "string" && v.attached_machine_id !== "";
}

/** Volumes that match the filters, counted when `count_by` is set, else sorted and cut to `limit`. */
function select<T extends Volume>(volumes: readonly T[], filter: ListFilters, now: number): VolumeListing<T> {
  const kept = filterByTime(volumes, filter, now).filter(
    (v) =>
      (filter.region === undefined || v.region === filter.region) &&
      (filter.state === undefined ? !isGone(v) : v.state === filter.state) &&
      (filter.attached === undefined || isAttached(v) === filter.attached),
  );
  if (filter.count_by !== undefined)
    return limitGroups(countVolumes(kept, filter.count_by, filter.order), filter.limit);
  const sort = filter.sort ?? "created";
  const order = filter.order ?? (sort === "name" || sort === "region" ? "asc" : "desc");
  const key = (v: T): string | number | null | undefined =>
    sort === "size" ? v.size_gb : sort === "created" ? v.created_at : sort === "name" ? v.name : v.region;
  return take(sortBy(kept, key, order), filter.limit);
}

const VOLUME_GROUP: Record<VolumeCountBy, (v: Volume | OrgVolume) => string | boolean> = {
  region: (v) => v.region ?? "unknown",
  app: (v) => ("app_name" in v && typeof v.app_name === "string" ? v.app_name : "unknown"),
  attached: isAttached,
};

function countVolumes(volumes: readonly Volume[], by: VolumeCountBy, order?: "asc" | "desc"): VolumeCounts {
  const sizeGb = (group: readonly Volume[]) => ({
    size_gb: group.reduce((sum, v) => sum + (v.size_gb ?? 0), 0),
  });
  return countGroups(volumes, by, VOLUME_GROUP[by], sizeGb, order);
}

function volumesView(
  listing: VolumeListing<Volume>,
  input: ListFilters,
  narrow: string,
): ListView | CountView {
  if (!Array.isArray(listing)) {
    const groupNoun = { region: "regions", app: "apps", attached: "groups" }[listing.count_by];
    const size_gb = listing.groups.reduce((sum, g) => sum + g.size_gb, 0);
    return countView(listing, {
      noun: "volumes",
      groupNoun,
      limit: input.limit,
      cells: (g) => ({ size_gb: g.size_gb }),
      sums: { size_gb },
    });
  }
  return listView(listing.map(volumeRow), {
    noun: "volumes",
    limit: input.limit,
    matched: listing.matched,
    narrow: `${narrow}, or count them with count_by`,
    incomplete: listing.incomplete,
  });
}

function volumeRow(v: Volume | OrgVolume): Row {
  const app: Row = "app_name" in v && typeof v.app_name === "string" ? { app: v.app_name } : {};
  return {
    id: v.id,
    name: v.name ?? null,
    ...app,
    region: v.region ?? null,
    size_gb: v.size_gb ?? null,
    state: v.state ?? null,
    attached_machine_id: isAttached(v) ? (v.attached_machine_id ?? null) : null,
    encrypted: v.encrypted ?? null,
    created_at: v.created_at ?? null,
  };
}
