import { z } from "zod";
import type { HttpTransport } from "./http.js";
import { call, seg } from "./rest-support.js";

/**
 * Managed Postgres on api.fly.io, as flyctl calls it (superfly/flyctl internal/uiex/mpg/v1 and
 * v2, commit ad0172f): the org's clusters are listed at GET /api/v1/organizations/{org}/postgres
 * (each carries its `version`, 2 being the default now); a v2 cluster is read at
 * /api/v1/postgresv2/{id}, created at POST /api/v1/organizations/{org}/postgresv2 and destroyed
 * at DELETE /api/v1/organizations/{org}/postgresv2/{id}; databases, users, backups and
 * attachments hang under /api/v1/postgresv2/{id}. The spec in spec/fly does not describe this
 * API, so these paths and shapes are cited from that source. The `credentials` block of a
 * cluster (user, password, connection URI) is dropped when read, except by `connectionUri`,
 * whose value goes straight into an app's secrets and is never returned to a caller's output.
 */

const str = z.string().nullish();
const int = z.number().nullish();

// flyctl internal/uiex/mpg/v2/client.go ManagedCluster; `version` from mpg/v1/client.go.
export const MpgClusterSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: str,
  plan: str,
  region: str,
  version: int,
  disk: int,
  replicas: int,
  organization: z.object({ slug: str, name: str }).partial().nullish(),
  attached_apps: z.array(z.object({ name: z.string() })).nullish(),
});
export type MpgCluster = z.infer<typeof MpgClusterSchema>;

const ListSchema = z.object({ data: z.array(MpgClusterSchema) });
const OneSchema = z.object({ data: MpgClusterSchema });
const CredentialsSchema = z.object({ credentials: z.object({ pgbouncer_uri: z.string().min(1) }) });

export const MpgDatabaseSchema = z.object({ name: z.string() });
export const MpgUserSchema = z.object({ name: z.string(), role: str });
export const MpgBackupSchema = z.object({ id: z.string(), status: str, type: str, start: str, stop: str });
export type MpgDatabase = z.infer<typeof MpgDatabaseSchema>;
export type MpgUser = z.infer<typeof MpgUserSchema>;
export type MpgBackup = z.infer<typeof MpgBackupSchema>;

const dataOf = <S extends z.ZodTypeAny>(schema: S) => z.object({ data: z.array(schema) });
const Empty = z.unknown();

// flyctl mpg/v2/client.go CreateClusterInput.
export interface CreateMpgClusterBody {
  name: string;
  region: string;
  org_slug: string;
  plan: string;
  pg_major_version: string;
  storage_in_gb: number;
  postgis_enabled: boolean;
}

/** The Managed Postgres client; `http` points at FLY_UIEX_BASE_URL, else FLY_API_BASE_URL. */
export function mpgRest(http: HttpTransport) {
  const cluster = (id: string): string => `/api/v1/postgresv2/${seg(id)}`;
  return {
    async listMpgClusters(org: string, signal?: AbortSignal): Promise<MpgCluster[]> {
      const body = await call(http, ListSchema, {
        method: "GET",
        path: `/api/v1/organizations/${seg(org)}/postgres`,
        signal,
      });
      return body.data;
    },

    async getMpgCluster(id: string, signal?: AbortSignal): Promise<MpgCluster> {
      return (await call(http, OneSchema, { method: "GET", path: cluster(id), signal })).data;
    },

    /** The cluster's pooled connection URI, with its password: for an app's secrets only. */
    async mpgConnectionUri(id: string, signal?: AbortSignal): Promise<string> {
      return (await call(http, CredentialsSchema, { method: "GET", path: cluster(id), signal })).credentials
        .pgbouncer_uri;
    },

    async createMpgCluster(body: CreateMpgClusterBody, signal?: AbortSignal): Promise<MpgCluster> {
      const created = await call(http, OneSchema, {
        method: "POST",
        path: `/api/v1/organizations/${seg(body.org_slug)}/postgresv2`,
        body,
        signal,
      });
      return created.data;
    },

    async destroyMpgCluster(org: string, id: string, signal?: AbortSignal): Promise<void> {
      await call(http, Empty, {
        method: "DELETE",
        path: `/api/v1/organizations/${seg(org)}/postgresv2/${seg(id)}`,
        idempotent: true,
        signal,
      });
    },

    async listMpgDatabases(id: string, signal?: AbortSignal): Promise<MpgDatabase[]> {
      return (
        await call(http, dataOf(MpgDatabaseSchema), {
          method: "GET",
          path: `${cluster(id)}/databases`,
          signal,
        })
      ).data;
    },

    async createMpgDatabase(id: string, name: string, signal?: AbortSignal): Promise<void> {
      await call(http, Empty, { method: "POST", path: `${cluster(id)}/databases`, body: { name }, signal });
    },

    async listMpgUsers(id: string, signal?: AbortSignal): Promise<MpgUser[]> {
      return (
        await call(http, dataOf(MpgUserSchema), { method: "GET", path: `${cluster(id)}/users`, signal })
      ).data;
    },

    async createMpgUser(id: string, username: string, role: string, signal?: AbortSignal): Promise<MpgUser> {
      const body = await call(http, z.object({ data: MpgUserSchema }), {
        method: "POST",
        path: `${cluster(id)}/users`,
        body: { username, role },
        signal,
      });
      return body.data;
    },

    async listMpgBackups(id: string, signal?: AbortSignal): Promise<MpgBackup[]> {
      return (
        await call(http, dataOf(MpgBackupSchema), { method: "GET", path: `${cluster(id)}/backups`, signal })
      ).data;
    },

    async attachMpgCluster(id: string, app: string, signal?: AbortSignal): Promise<void> {
      await call(http, Empty, {
        method: "POST",
        path: `${cluster(id)}/attachments`,
        body: { app_name: app },
        signal,
      });
    },

    async detachMpgCluster(id: string, app: string, signal?: AbortSignal): Promise<void> {
      await call(http, Empty, {
        method: "DELETE",
        path: `${cluster(id)}/attachments/${seg(app)}`,
        idempotent: true,
        signal,
      });
    },
  };
}

export type MpgRest = ReturnType<typeof mpgRest>;
