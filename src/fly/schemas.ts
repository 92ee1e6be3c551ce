import { z } from "zod";

/**
 * Response shapes of the Machines API, as loose as Fly is: every field the spec marks optional
 * is optional (and may be null, which Fly sends for e.g. an unattached volume), and unknown
 * fields pass through untouched so that callers and plan preconditions see what Fly sent.
 * Only secrets are stripped to a fixed shape: a secret's value must never be held.
 */

const str = z.string().nullish();
const int = z.number().nullish();
const bool = z.boolean().nullish();
const stringMap = z.record(z.string()).nullish();

export const GuestSchema = z
  .object({ cpu_kind: str, cpus: int, memory_mb: int, gpu_kind: str, gpus: int })
  .passthrough();
export type Guest = z.infer<typeof GuestSchema>;

export const MachineConfigSchema = z
  .object({
    image: str,
    guest: GuestSchema.nullish(),
    env: stringMap,
    metadata: stringMap,
    mounts: z.array(z.object({ volume: str, path: str, name: str }).passthrough()).nullish(),
    services: z.array(z.object({ protocol: str, internal_port: int }).passthrough()).nullish(),
    auto_destroy: bool,
  })
  .passthrough();
export type MachineConfig = z.infer<typeof MachineConfigSchema>;

/**
 * An exit's details, as fly-go's MachineExitEvent (machine_types.go) reads them: under
 * `request.exit_event`, or `request.MonitorEvent.exit_event` (fly-go's GetExitCode looks there first).
 */
export const MachineExitEventSchema = z
  .object({ exit_code: int, oom_killed: bool, requested_stop: bool, restarting: bool, exited_at: str })
  .passthrough();
export type MachineExitEvent = z.infer<typeof MachineExitEventSchema>;

export const MachineEventSchema = z
  .object({
    id: str,
    type: str,
    status: str,
    source: str,
    timestamp: int,
    request: z
      .object({
        exit_event: MachineExitEventSchema.nullish(),
        MonitorEvent: z.object({ exit_event: MachineExitEventSchema.nullish() }).passthrough().nullish(),
        restart_count: int,
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type MachineEvent = z.infer<typeof MachineEventSchema>;

export const CheckStatusSchema = z
  .object({ name: str, status: str, output: str, updated_at: str })
  .passthrough();

export const MachineSchema = z
  .object({
    id: z.string(),
    name: str,
    state: str,
    region: str,
    instance_id: str,
    private_ip: str,
    created_at: str,
    updated_at: str,
    host_status: str,
    /** Sent by Fly though not in the spec's Machine; fly-go's Machine has it (machine_types.go). */
    version: str,
    config: MachineConfigSchema.nullish(),
    image_ref: z.object({ registry: str, repository: str, tag: str, digest: str }).passthrough().nullish(),
    checks: z.array(CheckStatusSchema).nullish(),
    events: z.array(MachineEventSchema).nullish(),
  })
  .passthrough();
export type Machine = z.infer<typeof MachineSchema>;

export const OrgMachineSchema = z
  .object({
    id: z.string(),
    app_name: str,
    name: str,
    state: str,
    region: str,
    private_ip: str,
    created_at: str,
    updated_at: str,
    version: str,
    config: z
      .object({ guest: GuestSchema.nullish(), image: str, metadata: stringMap })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type OrgMachine = z.infer<typeof OrgMachineSchema>;

export const OrgMachinesPageSchema = z
  .object({
    machines: z.array(OrgMachineSchema).nullish(),
    next_cursor: str,
    last_machine_id: str,
    last_updated_at: str,
    error_regions: z.array(z.string()).nullish(),
  })
  .passthrough();
export type OrgMachinesPage = z.infer<typeof OrgMachinesPageSchema>;

export const WaitMachineResponseSchema = z
  .object({ ok: bool, state: str, event_id: str, version: str })
  .passthrough();
export type WaitMachineResponse = z.infer<typeof WaitMachineResponseSchema>;

export const AppSchema = z
  .object({
    id: str,
    name: z.string(),
    status: str,
    network: str,
    machine_count: int,
    volume_count: int,
    organization: z.object({ slug: str, name: str }).passthrough().nullish(),
  })
  .passthrough();
export type App = z.infer<typeof AppSchema>;

export const ListAppsResponseSchema = z
  .object({ apps: z.array(AppSchema).nullish(), total_apps: int })
  .passthrough();

export const VolumeSchema = z
  .object({
    id: z.string(),
    name: str,
    state: str,
    region: str,
    zone: str,
    size_gb: int,
    encrypted: bool,
    attached_machine_id: str,
    attached_alloc_id: str,
    created_at: str,
    snapshot_retention: int,
    auto_backup_enabled: bool,
    bytes_used: int,
    bytes_total: int,
  })
  .passthrough();
export type Volume = z.infer<typeof VolumeSchema>;

export const OrgVolumeSchema = VolumeSchema.extend({ app_name: str, updated_at: str });
export type OrgVolume = z.infer<typeof OrgVolumeSchema>;

export const OrgVolumesPageSchema = z
  .object({
    volumes: z.array(OrgVolumeSchema).nullish(),
    next_cursor: str,
    last_volume_id: str,
    last_updated_at: str,
  })
  .passthrough();
export type OrgVolumesPage = z.infer<typeof OrgVolumesPageSchema>;

export const ExtendVolumeResponseSchema = z
  .object({ needs_restart: bool, volume: VolumeSchema.nullish() })
  .passthrough();
export type ExtendVolumeResponse = z.infer<typeof ExtendVolumeResponseSchema>;

export const VolumeSnapshotSchema = z
  .object({
    id: z.string(),
    created_at: str,
    digest: str,
    retention_days: int,
    size: int,
    status: str,
    volume_size: int,
  })
  .passthrough();
export type VolumeSnapshot = z.infer<typeof VolumeSnapshotSchema>;

// No passthrough: whatever else Fly sends with a secret (a `value`, above all) is dropped on parse.
export const SecretSchema = z.object({ name: z.string(), digest: str, created_at: str, updated_at: str });
export type Secret = z.infer<typeof SecretSchema>;

export const AppSecretsSchema = z.object({ secrets: z.array(SecretSchema).nullish() });

export const SecretsVersionSchema = z.object({ version: int, Version: int });
export type SecretsVersion = z.infer<typeof SecretsVersionSchema>;

export const IPAssignmentSchema = z
  .object({ ip: z.string(), region: str, service_name: str, shared: bool, created_at: str })
  .passthrough();
export type IPAssignment = z.infer<typeof IPAssignmentSchema>;

export const ListIPAssignmentsSchema = z.object({ ips: z.array(IPAssignmentSchema).nullish() }).passthrough();

export const CertificateSummarySchema = z
  .object({
    hostname: z.string(),
    status: str,
    configured: bool,
    acme_requested: bool,
    dns_provider: str,
    has_custom_certificate: bool,
    has_fly_certificate: bool,
    created_at: str,
    updated_at: str,
  })
  .passthrough();
export type CertificateSummary = z.infer<typeof CertificateSummarySchema>;

export const CertificatesPageSchema = z
  .object({ certificates: z.array(CertificateSummarySchema).nullish(), next_cursor: str, total_count: int })
  .passthrough();

const DnsRequirementsSchema = z
  .object({
    a: z.array(z.string()).nullish(),
    aaaa: z.array(z.string()).nullish(),
    cname: str,
    acme_challenge: z.object({ name: str, target: str }).passthrough().nullish(),
  })
  .passthrough();

export const CertificateDetailSchema = z
  .object({
    hostname: z.string(),
    status: str,
    configured: bool,
    acme_requested: bool,
    dns_provider: str,
    dns_requirements: DnsRequirementsSchema.nullish(),
    certificates: z
      .array(
        z.object({ source: str, status: str, issuer: str, expires_at: str, created_at: str }).passthrough(),
      )
      .nullish(),
    validation_errors: z.array(z.object({ code: str, message: str }).passthrough()).nullish(),
    rate_limited_until: str,
  })
  .passthrough();
export type CertificateDetail = z.infer<typeof CertificateDetailSchema>;

export const RegionSchema = z
  .object({
    code: z.string(),
    name: str,
    geo_region: str,
    deprecated: bool,
    requires_paid_plan: bool,
    gateway_available: bool,
    latitude: int,
    longitude: int,
  })
  .passthrough();
export type Region = z.infer<typeof RegionSchema>;

export const RegionsResponseSchema = z
  .object({ nearest: str, regions: z.array(RegionSchema).nullish() })
  .passthrough();
export type RegionsResponse = z.infer<typeof RegionsResponseSchema>;

export const TokenInfoSchema = z
  .object({
    token_id: str,
    org_slug: str,
    organization: str,
    user: str,
    apps: z.array(z.string()).nullish(),
    restricted_to_machine: str,
    source_machine_id: str,
  })
  .passthrough();
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

export const CurrentTokenSchema = z.object({ tokens: z.array(TokenInfoSchema).nullish() }).passthrough();
export type CurrentToken = z.infer<typeof CurrentTokenSchema>;
