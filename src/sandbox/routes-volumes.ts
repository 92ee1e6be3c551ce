import { z } from "zod";
import { BOOTED_STATES } from "../platform/machine-states.js";
import { isRegion } from "../platform/regions.js";
import { queryFlag, readBody } from "./body.js";
import { badRequest, failedPrecondition, notFound } from "./http-error.js";
import { hexDigestOf, snapshotIdFor, volumeIdFor } from "./ids.js";
import { ok, per, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import type { SandboxStore } from "./store.js";
import type { VolumeRecord } from "./types.js";
import { snapshotView, volumeView } from "./views.js";

const VOLUME_NAME = /^[a-z0-9_]{1,30}$/;
const MAX_SIZE_GB = 500;

const CreateVolume = z.object({
  name: z.string(),
  region: z.string(),
  size_gb: z.number().int().optional(),
  encrypted: z.boolean().optional(),
  fstype: z.string().optional(),
  snapshot_id: z.string().optional(),
  source_volume_id: z.string().optional(),
  snapshot_retention: z.number().int().optional(),
  auto_backup_enabled: z.boolean().optional(),
  require_unique_zone: z.boolean().optional(),
  unique_zone_app_wide: z.boolean().optional(),
  compute: z.record(z.unknown()).optional(),
  compute_image: z.string().optional(),
});
const UpdateVolume = z.object({
  auto_backup_enabled: z.boolean().optional(),
  snapshot_retention: z.number().int().optional(),
});
const ExtendVolume = z.object({ size_gb: z.number().int() });

/** The smallest size a new volume may have: its source's, when restored from a snapshot or forked. */
function sourceSize(store: SandboxStore, app: string, input: z.infer<typeof CreateVolume>): number {
  if (input.source_volume_id) return store.requireVolume(app, input.source_volume_id).sizeGb;
  if (!input.snapshot_id) return 1;
  const owner = store.volumes(app).find((v) => v.snapshots.some((s) => s.id === input.snapshot_id));
  if (!owner) throw notFound(`snapshot ${input.snapshot_id}`);
  return owner.sizeGb;
}

export function volumeRoutes({ store }: RouteDeps): Route[] {
  const volumeOf = (params: Record<string, string>): VolumeRecord =>
    store.requireVolume(params.app_name ?? "", params.volume_id ?? "");
  return [
    {
      method: "GET",
      path: "/v1/apps/:app_name/volumes",
      limit: per("volumes_list", "app_name"),
      handle: ({ params, query }) => {
        const app = store.requireApp(params.app_name ?? "");
        const summary = queryFlag(query, "summary");
        return ok(
          store
            .volumes(app.name)
            .filter((v) => v.state !== "destroyed")
            .map((v) => volumeView(v, summary)),
        );
      },
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/volumes",
      limit: per("volumes_create", "app_name"),
      handle: ({ params, body }) => {
        const app = store.requireApp(params.app_name ?? "");
        const input = readBody(CreateVolume, body);
        if (!VOLUME_NAME.test(input.name))
          throw badRequest(
            `invalid volume name "${input.name}": use up to 30 lowercase letters, digits and underscores`,
          );
        if (!isRegion(input.region)) throw badRequest(`invalid region "${input.region}": not a Fly region`);
        const minimum = sourceSize(store, app.name, input);
        const size = input.size_gb ?? minimum;
        if (size < minimum || size > MAX_SIZE_GB)
          throw badRequest(`invalid size_gb ${size}: must be between ${minimum} and ${MAX_SIZE_GB}`);
        const label = store.nextLabel("volume");
        const now = store.now();
        const volume: VolumeRecord = {
          app: app.name,
          id: volumeIdFor(`${app.name}:${label}`),
          name: input.name,
          state: "created",
          region: input.region,
          zone: hexDigestOf(`zone:${input.region}:${label}`, 4),
          sizeGb: size,
          encrypted: input.encrypted ?? true,
          fstype: input.fstype ?? "ext4",
          createdAt: now,
          updatedAt: now,
          autoBackupEnabled: input.auto_backup_enabled ?? true,
          snapshotRetention: input.snapshot_retention ?? 5,
          bytesUsed: 0,
          snapshots: [],
        };
        store.addVolume(volume);
        store.changed();
        return ok(volumeView(volume));
      },
    },
    {
      method: "GET",
      path: "/v1/apps/:app_name/volumes/:volume_id",
      limit: per("volumes_get", "volume_id"),
      handle: ({ params }) => ok(volumeView(volumeOf(params))),
    },
    {
      method: "PUT",
      path: "/v1/apps/:app_name/volumes/:volume_id",
      limit: per("volumes_update", "volume_id"),
      handle: ({ params, body }) => {
        const volume = volumeOf(params);
        const input = readBody(UpdateVolume, body);
        if (input.auto_backup_enabled !== undefined) volume.autoBackupEnabled = input.auto_backup_enabled;
        if (input.snapshot_retention !== undefined) volume.snapshotRetention = input.snapshot_retention;
        volume.updatedAt = store.now();
        store.changed();
        return ok(volumeView(volume));
      },
    },
    {
      method: "DELETE",
      path: "/v1/apps/:app_name/volumes/:volume_id",
      limit: per("volumes_destroy", "volume_id"),
      handle: ({ params }) => {
        const volume = volumeOf(params);
        if (volume.attachedMachineId) {
          throw failedPrecondition(
            `volume ${volume.id} is attached to machine ${volume.attachedMachineId}; destroy the machine or remove the mount first`,
          );
        }
        volume.state = "destroyed";
        volume.updatedAt = store.now();
        store.changed();
        return ok(volumeView(volume));
      },
    },
    {
      method: "PUT",
      path: "/v1/apps/:app_name/volumes/:volume_id/extend",
      limit: per("volumes_extend", "volume_id"),
      handle: ({ params, body }) => {
        const volume = volumeOf(params);
        const { size_gb: size } = readBody(ExtendVolume, body);
        if (size <= volume.sizeGb)
          throw badRequest(
            `invalid size_gb ${size}: a volume can only grow, and it is ${volume.sizeGb} GB now`,
          );
        if (size > MAX_SIZE_GB) throw badRequest(`invalid size_gb ${size}: at most ${MAX_SIZE_GB}`);
        volume.sizeGb = size;
        volume.updatedAt = store.now();
        store.changed();
        // The block device grows now; a running machine sees the new size after a restart.
        const machine = volume.attachedMachineId ? store.machine(volume.attachedMachineId) : undefined;
        const needsRestart = machine !== undefined && BOOTED_STATES.has(machine.state);
        return ok({ needs_restart: needsRestart, volume: volumeView(volume) });
      },
    },
    {
      method: "GET",
      path: "/v1/apps/:app_name/volumes/:volume_id/snapshots",
      limit: per("volume_snapshots_list", "volume_id"),
      handle: ({ params }) => ok(volumeOf(params).snapshots.map(snapshotView)),
    },
    {
      method: "POST",
      path: "/v1/apps/:app_name/volumes/:volume_id/snapshots",
      limit: per("volume_snapshots_create", "volume_id"),
      handle: ({ params }) => {
        const volume = volumeOf(params);
        const label = store.nextLabel("snapshot");
        volume.snapshots.push({
          id: snapshotIdFor(`${volume.id}:${label}`),
          createdAt: store.now(),
          digest: hexDigestOf(`snapshot-digest:${volume.id}:${label}`, 32),
          retentionDays: volume.snapshotRetention,
          size: volume.bytesUsed,
          status: "created",
          volumeSize: volume.sizeGb * 1024 ** 3,
        });
        store.changed();
        return ok(undefined);
      },
    },
  ];
}
