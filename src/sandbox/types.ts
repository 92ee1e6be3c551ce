import type { WpAccount } from "./flywp-seed.js";
/**
 * The sandbox's state: plain JSON records, so the whole fleet can be written to a state file and
 * read back. Field names follow Fly's API where a record is shown as-is; bookkeeping that Fly keeps
 * on its side (sequence numbers, secret values) stays here and is never sent over HTTP.
 */

import type { MachineState } from "../platform/machine-states.js";
import type { AddonState } from "./types-addons.js";

export type { MachineState };

export type OrgType = "PERSONAL" | "SHARED";
export type MemberRole = "ADMIN" | "MEMBER";

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  username: string;
  createdAt: string;
}

export interface OrgRecord {
  id: string;
  slug: string;
  name: string;
  type: OrgType;
  internalNumericId: number;
  members: { userId: string; role: MemberRole; joinedAt: string }[];
}

export interface AppRecord {
  id: string;
  name: string;
  /** Slug of the owning organization. */
  org: string;
  network: string;
  internalNumericId: number;
  createdAt: string;
  secretsVersion: number;
}

export interface MachineGuest {
  cpu_kind: string;
  cpus: number;
  memory_mb: number;
  [key: string]: unknown;
}

export interface MachineMount {
  volume: string;
  path: string;
  [key: string]: unknown;
}

/** fly.MachineConfig: only the keys of the spec are kept; image and guest are always present. */
export interface MachineConfig {
  image: string;
  guest: MachineGuest;
  env?: Record<string, string>;
  metadata?: Record<string, string>;
  mounts?: MachineMount[];
  [key: string]: unknown;
}

export interface MachineEvent {
  id: string;
  type: string;
  status: string;
  source: string;
  timestamp: number;
  /** An exit's details as fly-go's MachineRequest carries them (`exit_event`, `restart_count`). */
  request?: {
    exit_event?: {
      exit_code: number;
      oom_killed: boolean;
      requested_stop: boolean;
      restarting: boolean;
      exited_at: string;
    };
    restart_count?: number;
  };
}

/** A health check's last result, by the check's name (fly-go MachineCheckStatus). */
export interface CheckResult {
  status: "passing" | "warning" | "critical";
  output: string;
  updatedAt: string;
}

export interface ImageRef {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
}

export interface MachineRecord {
  app: string;
  id: string;
  name: string;
  state: MachineState;
  region: string;
  instanceId: string;
  privateIp: string;
  config: MachineConfig;
  imageRef: ImageRef;
  createdAt: string;
  updatedAt: string;
  /** Newest first, at most MAX_EVENTS. */
  events: MachineEvent[];
  cordoned: boolean;
  /** The configs it ran, newest first (GET …/versions); absent for a machine seeded without history. */
  versions?: { version: string; config: MachineConfig }[];
  /** A memory limit set through PUT …/memory (the balloon), below guest.memory_mb. */
  memoryLimitMb?: number;
  /** Checks whose last result is not the default (passing while started); see machine-checks.ts. */
  checkResults?: Record<string, CheckResult>;
  /** machines-openapi.json Machine.host_status; "ok" when unset. */
  hostStatus?: "ok" | "unknown" | "unreachable";
  /**
   * The app secrets version its current config version was created or updated with. Fly does
   * not show it; the sandbox keeps it so tests can see what a secrets deploy did. Absent for a
   * seeded machine.
   */
  secretsVersion?: number;
}

/** A release as Fly's GraphQL ReleaseUnprocessed shows it (spec/fly/fly-schema.graphql). */
export interface ReleaseRecord {
  app: string;
  id: string;
  version: number;
  status: string;
  description: string;
  reason: string;
  imageRef: string;
  stable: boolean;
  userId: string;
  createdAt: string;
}

export interface SnapshotRecord {
  id: string;
  createdAt: string;
  digest: string;
  retentionDays: number;
  size: number;
  status: string;
  volumeSize: number;
}

export interface VolumeRecord {
  app: string;
  id: string;
  name: string;
  state: string;
  region: string;
  zone: string;
  sizeGb: number;
  encrypted: boolean;
  fstype: string;
  attachedMachineId?: string;
  createdAt: string;
  updatedAt: string;
  autoBackupEnabled: boolean;
  snapshotRetention: number;
  bytesUsed: number;
  snapshots: SnapshotRecord[];
}

/** The value is kept so that an applied plan really sets something; no endpoint ever returns it. */
export interface SecretRecord {
  app: string;
  name: string;
  value: string;
  digest: string;
  createdAt: string;
  updatedAt: string;
}

export type IpKind = "v4" | "shared_v4" | "v6" | "private_v6";

export interface IpRecord {
  app: string;
  ip: string;
  kind: IpKind;
  region: string;
  shared: boolean;
  serviceName?: string;
  createdAt: string;
}

export interface CertRecord {
  app: string;
  hostname: string;
  createdAt: string;
  updatedAt: string;
  /** Whether the hostname's DNS points at the app: a check issues the certificate only then. */
  dnsConfigured: boolean;
  issuedAt?: string;
  expiresAt?: string;
}

export interface SandboxState {
  version: 1;
  /** Feeds generated ids, so the same operations on the same seed give the same ids. */
  counter: number;
  viewer: string;
  users: UserRecord[];
  orgs: OrgRecord[];
  apps: AppRecord[];
  machines: MachineRecord[];
  volumes: VolumeRecord[];
  secrets: SecretRecord[];
  ips: IpRecord[];
  certs: CertRecord[];
  /** Databases, add-ons, tokens, WireGuard peers; absent in state files written before they existed. */
  addons?: AddonState;
  /** Absent in state files written before releases existed. */
  releases?: ReleaseRecord[];
  /** The FlyWP demo account; absent in state files written before FlyWP was served. */
  flywp?: WpAccount;
}
