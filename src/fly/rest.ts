import type { HttpTransport } from "./http.js";
import {
  action,
  call,
  certPath,
  machinePath,
  orgQuery,
  paginate,
  seg,
  volumePath,
  type AssignIpBody,
  type CreateMachineBody,
  type CreateVolumeBody,
  type ListMachinesQuery,
  type OrgListQuery,
  type PageOptions,
  type Paged,
  type Signal,
  type UpdateMachineBody,
  type WaitState,
} from "./rest-support.js";
import {
  AppSchema,
  AppSecretsSchema,
  CertificateDetailSchema,
  CertificatesPageSchema,
  CurrentTokenSchema,
  ExtendVolumeResponseSchema,
  IPAssignmentSchema,
  ListAppsResponseSchema,
  ListIPAssignmentsSchema,
  MachineEventSchema,
  MachineSchema,
  OrgMachinesPageSchema,
  OrgVolumesPageSchema,
  RegionsResponseSchema,
  SecretsVersionSchema,
  VolumeSchema,
  VolumeSnapshotSchema,
  WaitMachineResponseSchema,
  type App,
  type CertificateDetail,
  type CertificateSummary,
  type CurrentToken,
  type ExtendVolumeResponse,
  type IPAssignment,
  type Machine,
  type MachineEvent,
  type OrgMachine,
  type OrgVolume,
  type RegionsResponse,
  type Secret,
  type SecretsVersion,
  type Volume,
  type VolumeSnapshot,
  type WaitMachineResponse,
} from "./schemas.js";

export type {
  AssignIpBody,
  CreateMachineBody,
  CreateVolumeBody,
  ListMachinesQuery,
  MachineState,
  OrgListQuery,
  PageOptions,
  Paged,
  Signal,
  UpdateMachineBody,
  WaitState,
} from "./rest-support.js";

const WAIT_MAX_SECONDS = 60;

/**
 * The Fly Machines REST API, one method per operation, paths and bodies as in Fly's OpenAPI
 * document. Each call names its limiter bucket (action and the machine, volume, app or org it
 * acts on) and whether resending it is harmless. State changes that converge (start, stop,
 * suspend, cordon, set secrets, extend to a size) are idempotent; anything that could create a
 * second thing or act twice (create, restart, allocate, snapshot) is not.
 * Secret values are never requested and never kept: `show_secrets` is never sent.
 */
export class FlyRest {
  constructor(private readonly http: HttpTransport) {}

  // Apps

  async listApps(org: string, signal?: AbortSignal): Promise<App[]> {
    const body = await call(this.http, ListAppsResponseSchema, {
      method: "GET",
      path: "/v1/apps",
      query: { org_slug: org },
      limit: { action: "apps_list", key: org },
      signal,
    });
    return body.apps ?? [];
  }

  getApp(app: string, signal?: AbortSignal): Promise<App> {
    return call(this.http, AppSchema, {
      method: "GET",
      path: `/v1/apps/${seg(app)}`,
      limit: { action: "apps_get", key: app },
      signal,
    });
  }

  async createApp(
    body: { name: string; org_slug: string; network?: string },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.http.request({
      method: "POST",
      path: "/v1/apps",
      body,
      idempotent: false,
      limit: { action: "apps_create", key: body.org_slug },
      signal,
    });
  }

  // Machines

  listMachines(app: string, query: ListMachinesQuery = {}, signal?: AbortSignal): Promise<Machine[]> {
    return call(this.http, MachineSchema.array(), {
      method: "GET",
      path: `/v1/apps/${seg(app)}/machines`,
      query: {
        state: query.state?.length ? query.state.join(",") : undefined,
        region: query.region,
        summary: query.summary,
        include_deleted: query.include_deleted,
      },
      limit: { action: "machines_list", key: app },
      signal,
    });
  }

  getMachine(app: string, id: string, signal?: AbortSignal): Promise<Machine> {
    return call(this.http, MachineSchema, {
      method: "GET",
      path: machinePath(app, id),
      limit: { action: "machines_get", key: id },
      signal,
    });
  }

  createMachine(app: string, body: CreateMachineBody, signal?: AbortSignal): Promise<Machine> {
    return call(this.http, MachineSchema, {
      method: "POST",
      path: `/v1/apps/${seg(app)}/machines`,
      body,
      idempotent: false,
      limit: { action: "machines_create", key: app },
      signal,
    });
  }

  updateMachine(app: string, id: string, body: UpdateMachineBody, signal?: AbortSignal): Promise<Machine> {
    return call(this.http, MachineSchema, {
      method: "POST",
      path: machinePath(app, id),
      body,
      idempotent: false,
      limit: { action: "machines_update", key: id },
      signal,
    });
  }

  startMachine(app: string, id: string, signal?: AbortSignal): Promise<void> {
    return action(this.http, app, id, "start", undefined, signal);
  }

  stopMachine(
    app: string,
    id: string,
    options: { signal?: Signal; timeout?: string } = {},
    signal?: AbortSignal,
  ): Promise<void> {
    const body = options.signal === undefined && options.timeout === undefined ? undefined : options;
    return action(this.http, app, id, "stop", body, signal);
  }

  async restartMachine(
    app: string,
    id: string,
    options: { signal?: Signal; timeout?: string } = {},
    signal?: AbortSignal,
  ): Promise<void> {
    // Not idempotent: a resent restart after a lost answer restarts the machine twice.
    await this.http.request({
      method: "POST",
      path: `${machinePath(app, id)}/restart`,
      query: { signal: options.signal, timeout: options.timeout },
      idempotent: false,
      limit: { action: "machines_restart", key: id },
      signal,
    });
  }

  suspendMachine(app: string, id: string, signal?: AbortSignal): Promise<void> {
    return action(this.http, app, id, "suspend", undefined, signal);
  }

  cordonMachine(app: string, id: string, signal?: AbortSignal): Promise<void> {
    return action(this.http, app, id, "cordon", undefined, signal);
  }

  uncordonMachine(app: string, id: string, signal?: AbortSignal): Promise<void> {
    return action(this.http, app, id, "uncordon", undefined, signal);
  }

  async destroyMachine(
    app: string,
    id: string,
    options: { force?: boolean } = {},
    signal?: AbortSignal,
  ): Promise<void> {
    await this.http.request({
      method: "DELETE",
      path: machinePath(app, id),
      query: { force: options.force },
      limit: { action: "machines_destroy", key: id },
      signal,
    });
  }

  listMachineEvents(
    app: string,
    id: string,
    options: { limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<MachineEvent[]> {
    return call(this.http, MachineEventSchema.array(), {
      method: "GET",
      path: `${machinePath(app, id)}/events`,
      query: { limit: options.limit },
      limit: { action: "machines_events", key: id },
      signal,
    });
  }

  /** Long-polls until the machine reaches `state` or `timeoutSeconds` (at most 60) pass; Fly answers 408 then. */
  waitMachine(
    app: string,
    id: string,
    options: { state: WaitState; version?: string; fromEventId?: string; timeoutSeconds?: number },
    signal?: AbortSignal,
  ): Promise<WaitMachineResponse> {
    const timeout = Math.min(options.timeoutSeconds ?? WAIT_MAX_SECONDS, WAIT_MAX_SECONDS);
    return call(this.http, WaitMachineResponseSchema, {
      method: "GET",
      path: `${machinePath(app, id)}/wait`,
      query: { state: options.state, version: options.version, from_event_id: options.fromEventId, timeout },
      limit: { action: "machines_wait", key: id },
      // The server holds the request for up to `timeout` seconds; the client must outwait it.
      timeoutMs: (timeout + 15) * 1000,
      signal,
    });
  }

  // Org-wide listings

  async listOrgMachines(
    org: string,
    query: OrgListQuery = {},
    pages: PageOptions = {},
    signal?: AbortSignal,
  ): Promise<Paged<OrgMachine>> {
    return paginate(pages, async (cursor, limit) => {
      const page = await call(this.http, OrgMachinesPageSchema, {
        method: "GET",
        path: `/v1/orgs/${seg(org)}/machines`,
        query: { ...orgQuery(query), cursor, limit },
        limit: { action: "org_machines_list", key: org },
        signal,
      });
      return { items: page.machines ?? [], next: page.next_cursor, errorRegions: page.error_regions ?? [] };
    });
  }

  async listOrgVolumes(
    org: string,
    query: OrgListQuery = {},
    pages: PageOptions = {},
    signal?: AbortSignal,
  ): Promise<Paged<OrgVolume>> {
    return paginate(pages, async (cursor, limit) => {
      const page = await call(this.http, OrgVolumesPageSchema, {
        method: "GET",
        path: `/v1/orgs/${seg(org)}/volumes`,
        query: { ...orgQuery(query), cursor, limit },
        limit: { action: "org_volumes_list", key: org },
        signal,
      });
      return { items: page.volumes ?? [], next: page.next_cursor, errorRegions: [] };
    });
  }

  // Volumes

  listVolumes(app: string, options: { summary?: boolean } = {}, signal?: AbortSignal): Promise<Volume[]> {
    return call(this.http, VolumeSchema.array(), {
      method: "GET",
      path: `/v1/apps/${seg(app)}/volumes`,
      query: { summary: options.summary },
      limit: { action: "volumes_list", key: app },
      signal,
    });
  }

  getVolume(app: string, id: string, signal?: AbortSignal): Promise<Volume> {
    return call(this.http, VolumeSchema, {
      method: "GET",
      path: volumePath(app, id),
      limit: { action: "volumes_get", key: id },
      signal,
    });
  }

  createVolume(app: string, body: CreateVolumeBody, signal?: AbortSignal): Promise<Volume> {
    return call(this.http, VolumeSchema, {
      method: "POST",
      path: `/v1/apps/${seg(app)}/volumes`,
      body,
      idempotent: false,
      limit: { action: "volumes_create", key: app },
      signal,
    });
  }

  /** Grows the volume to `sizeGb` (an absolute size, so resending is harmless). */
  extendVolume(app: string, id: string, sizeGb: number, signal?: AbortSignal): Promise<ExtendVolumeResponse> {
    return call(this.http, ExtendVolumeResponseSchema, {
      method: "PUT",
      path: `${volumePath(app, id)}/extend`,
      body: { size_gb: sizeGb },
      idempotent: true,
      limit: { action: "volumes_extend", key: id },
      signal,
    });
  }

  async destroyVolume(app: string, id: string, signal?: AbortSignal): Promise<Volume | undefined> {
    const body = await this.http.request<unknown>({
      method: "DELETE",
      path: volumePath(app, id),
      limit: { action: "volumes_destroy", key: id },
      signal,
    });
    const parsed = VolumeSchema.safeParse(body);
    return parsed.success ? parsed.data : undefined;
  }

  listVolumeSnapshots(app: string, id: string, signal?: AbortSignal): Promise<VolumeSnapshot[]> {
    return call(this.http, VolumeSnapshotSchema.array(), {
      method: "GET",
      path: `${volumePath(app, id)}/snapshots`,
      limit: { action: "volume_snapshots_list", key: id },
      signal,
    });
  }

  async createVolumeSnapshot(app: string, id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: "POST",
      path: `${volumePath(app, id)}/snapshots`,
      idempotent: false,
      limit: { action: "volume_snapshots_create", key: id },
      signal,
    });
  }

  // Secrets: names and digests only

  async listSecrets(app: string, signal?: AbortSignal): Promise<Secret[]> {
    const body = await call(this.http, AppSecretsSchema, {
      method: "GET",
      path: `/v1/apps/${seg(app)}/secrets`,
      limit: { action: "secrets_list", key: app },
      signal,
    });
    return body.secrets ?? [];
  }

  /** Sets every name to its value in one new secrets version; setting the same values again changes nothing. */
  setSecrets(app: string, values: Record<string, string>, signal?: AbortSignal): Promise<SecretsVersion> {
    return call(this.http, SecretsVersionSchema, {
      method: "POST",
      path: `/v1/apps/${seg(app)}/secrets`,
      body: { values },
      idempotent: true,
      limit: { action: "secrets_set", key: app },
      signal,
    });
  }

  async unsetSecret(app: string, name: string, signal?: AbortSignal): Promise<SecretsVersion> {
    const body = await this.http.request<unknown>({
      method: "DELETE",
      path: `/v1/apps/${seg(app)}/secrets/${seg(name)}`,
      limit: { action: "secrets_unset", key: app },
      signal,
    });
    const parsed = SecretsVersionSchema.safeParse(body ?? {});
    return parsed.success ? parsed.data : {};
  }

  // IP assignments

  async listIpAssignments(app: string, signal?: AbortSignal): Promise<IPAssignment[]> {
    const body = await call(this.http, ListIPAssignmentsSchema, {
      method: "GET",
      path: `/v1/apps/${seg(app)}/ip_assignments`,
      limit: { action: "ips_list", key: app },
      signal,
    });
    return body.ips ?? [];
  }

  assignIp(app: string, body: AssignIpBody, signal?: AbortSignal): Promise<IPAssignment> {
    return call(this.http, IPAssignmentSchema, {
      method: "POST",
      path: `/v1/apps/${seg(app)}/ip_assignments`,
      body,
      idempotent: false,
      limit: { action: "ips_allocate", key: app },
      signal,
    });
  }

  async releaseIp(app: string, ip: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: "DELETE",
      path: `/v1/apps/${seg(app)}/ip_assignments/${seg(ip)}`,
      limit: { action: "ips_release", key: app },
      signal,
    });
  }

  // Certificates

  async listCertificates(
    app: string,
    options: { filter?: string } = {},
    pages: PageOptions = {},
    signal?: AbortSignal,
  ): Promise<Paged<CertificateSummary>> {
    return paginate({ pageSize: 500, ...pages }, async (cursor, limit) => {
      const page = await call(this.http, CertificatesPageSchema, {
        method: "GET",
        path: `/v1/apps/${seg(app)}/certificates`,
        query: { filter: options.filter, cursor, limit },
        limit: { action: "certs_list", key: app },
        signal,
      });
      return { items: page.certificates ?? [], next: page.next_cursor, errorRegions: [] };
    });
  }

  addAcmeCertificate(app: string, hostname: string, signal?: AbortSignal): Promise<CertificateDetail> {
    return call(this.http, CertificateDetailSchema, {
      method: "POST",
      path: `/v1/apps/${seg(app)}/certificates/acme`,
      body: { hostname },
      idempotent: false,
      limit: { action: "certs_add", key: app },
      signal,
    });
  }

  getCertificate(app: string, hostname: string, signal?: AbortSignal): Promise<CertificateDetail> {
    return call(this.http, CertificateDetailSchema, {
      method: "GET",
      path: certPath(app, hostname),
      limit: { action: "certs_get", key: app },
      signal,
    });
  }

  /** Asks Fly to re-check DNS and issuance now; it changes nothing but the certificate's status. */
  checkCertificate(app: string, hostname: string, signal?: AbortSignal): Promise<CertificateDetail> {
    return call(this.http, CertificateDetailSchema, {
      method: "POST",
      path: `${certPath(app, hostname)}/check`,
      idempotent: true,
      limit: { action: "certs_check", key: app },
      signal,
    });
  }

  async deleteCertificate(app: string, hostname: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: "DELETE",
      path: certPath(app, hostname),
      limit: { action: "certs_remove", key: app },
      signal,
    });
  }

  // Platform and token

  listRegions(signal?: AbortSignal): Promise<RegionsResponse> {
    return call(this.http, RegionsResponseSchema, {
      method: "GET",
      path: "/v1/platform/regions",
      limit: { action: "regions_list", key: "platform" },
      signal,
    });
  }

  currentToken(signal?: AbortSignal): Promise<CurrentToken> {
    return call(this.http, CurrentTokenSchema, {
      method: "GET",
      path: "/v1/tokens/current",
      limit: { action: "whoami", key: "token" },
      signal,
    });
  }
}
