import type { HttpTransport } from "./http.js";
import { call, seg, volumePath, type CreateVolumeBody } from "./rest-support.js";
import {
  ExtendVolumeResponseSchema,
  VolumeSchema,
  VolumeSnapshotSchema,
  type ExtendVolumeResponse,
  type Volume,
  type VolumeSnapshot,
} from "./schemas.js";

/** Volumes and their snapshots. Part of FlyRest (rest.ts). */
export function volumesRest(http: HttpTransport) {
  const api = {
    listVolumes(app: string, options: { summary?: boolean } = {}, signal?: AbortSignal): Promise<Volume[]> {
      return call(http, VolumeSchema.array(), {
        method: "GET",
        path: `/v1/apps/${seg(app)}/volumes`,
        query: { summary: options.summary },
        limit: { action: "volumes_list", key: app },
        signal,
      });
    },

    getVolume(app: string, id: string, signal?: AbortSignal): Promise<Volume> {
      return call(http, VolumeSchema, {
        method: "GET",
        path: volumePath(app, id),
        limit: { action: "volumes_get", key: id },
        signal,
      });
    },

    createVolume(app: string, body: CreateVolumeBody, signal?: AbortSignal): Promise<Volume> {
      return call(http, VolumeSchema, {
        method: "POST",
        path: `/v1/apps/${seg(app)}/volumes`,
        body,
        idempotent: false,
        limit: { action: "volumes_create", key: app },
        signal,
      });
    },

    /**
     * Grows the volume to `sizeGb`, an absolute size. Fly refuses to "grow" a volume to the size it
     * has (400), so a resend after a lost answer would turn a done extend into a failure: before
     * resending, the volume is read back, and a volume already that large is the answer (with
     * `needs_restart` unknown, since only the lost answer said).
     */
    extendVolume(
      app: string,
      id: string,
      sizeGb: number,
      signal?: AbortSignal,
    ): Promise<ExtendVolumeResponse> {
      return call(http, ExtendVolumeResponseSchema, {
        method: "PUT",
        path: `${volumePath(app, id)}/extend`,
        body: { size_gb: sizeGb },
        idempotent: true,
        limit: { action: "volumes_extend", key: id },
        alreadyDone: async () => {
          const volume = await api.getVolume(app, id, signal);
          return (volume.size_gb ?? 0) >= sizeGb ? { volume } : undefined;
        },
        signal,
      });
    },

    async destroyVolume(
      app: string,
      id: string,
      options: { goneOnRetry?: boolean } = {},
      signal?: AbortSignal,
    ): Promise<Volume | undefined> {
      const body = await http.request<unknown>({
        method: "DELETE",
        path: volumePath(app, id),
        goneOnRetry: options.goneOnRetry,
        limit: { action: "volumes_destroy", key: id },
        signal,
      });
      const parsed = VolumeSchema.safeParse(body);
      return parsed.success ? parsed.data : undefined;
    },

    listVolumeSnapshots(app: string, id: string, signal?: AbortSignal): Promise<VolumeSnapshot[]> {
      return call(http, VolumeSnapshotSchema.array(), {
        method: "GET",
        path: `${volumePath(app, id)}/snapshots`,
        limit: { action: "volume_snapshots_list", key: id },
        signal,
      });
    },

    async createVolumeSnapshot(app: string, id: string, signal?: AbortSignal): Promise<void> {
      await http.request({
        method: "POST",
        path: `${volumePath(app, id)}/snapshots`,
        idempotent: false,
        limit: { action: "volume_snapshots_create", key: id },
        signal,
      });
    },
  };
  return api;
}

export type VolumesRest = ReturnType<typeof volumesRest>;
