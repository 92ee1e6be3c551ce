import { GUEST_PRESETS, type PresetName } from "../platform/guest-sizes.js";
import { hexDigestOf, privateIpFor, snapshotIdFor, ulidFor } from "./ids.js";
import { imageRefFor } from "./image-ref.js";
import { httpCheck } from "./machine-checks.js";
import type {
  AppRecord,
  CertRecord,
  IpKind,
  IpRecord,
  MachineEvent,
  MachineGuest,
  MachineRecord,
  MachineState,
  OrgRecord,
  SecretRecord,
  SnapshotRecord,
  UserRecord,
  VolumeRecord,
} from "./types.js";

/** A machine size by Fly's preset name, with other memory when given. */
export function guest(preset: PresetName, memoryMb?: number): MachineGuest {
  return { ...GUEST_PRESETS[preset], ...(memoryMb === undefined ? {} : { memory_mb: memoryMb }) };
}

export function seedUser(
  id: string,
  email: string,
  name: string,
  username: string,
  createdAt: string,
): UserRecord {
  return { id, email, name, username, createdAt };
}

export function seedOrg(fields: Omit<OrgRecord, "members">, members: OrgRecord["members"]): OrgRecord {
  return { ...fields, members };
}

export function seedApp(
  fields: Omit<AppRecord, "network" | "secretsVersion"> & { secretsVersion?: number },
): AppRecord {
  return { network: "default", secretsVersion: 1, ...fields };
}

export interface SeedMachineSpec {
  app: string;
  id: string;
  name: string;
  region: string;
  state: Extract<MachineState, "created" | "started" | "stopped" | "suspended">;
  guest: MachineGuest;
  image: string;
  createdAt: string;
  updatedAt: string;
  env?: Record<string, string>;
  metadata?: Record<string, string>;
  mounts?: { volume: string; path: string }[];
  services?: unknown[];
  schedule?: string;
  processGroup?: string;
  /** The release the machine runs (metadata fly_release_version, as flyctl deploy sets it). */
  releaseVersion?: number;
}

function event(machineId: string, type: string, status: string, source: string, at: string): MachineEvent {
  return { id: ulidFor(`event:${machineId}:${type}:${at}`), type, status, source, timestamp: Date.parse(at) };
}

/** The events Fly would have recorded to bring a machine to its seeded state, newest first. */
function seedEvents(spec: SeedMachineSpec): MachineEvent[] {
  const events = [event(spec.id, "launch", "created", "user", spec.createdAt)];
  if (spec.state !== "created") events.unshift(event(spec.id, "start", "started", "flyd", spec.createdAt));
  if (spec.state === "stopped") events.unshift(event(spec.id, "exit", "stopped", "flyd", spec.updatedAt));
  if (spec.state === "suspended")
    events.unshift(event(spec.id, "suspend", "suspended", "user", spec.updatedAt));
  return events;
}

export function seedMachine(spec: SeedMachineSpec): MachineRecord {
  const metadata = {
    fly_platform_version: "v2",
    fly_process_group: spec.processGroup ?? "app",
    fly_release_id: `release-${hexDigestOf(`${spec.app}:${spec.image}`, 8)}`,
    ...(spec.releaseVersion === undefined ? {} : { fly_release_version: String(spec.releaseVersion) }),
    ...spec.metadata,
  };
  return {
    app: spec.app,
    id: spec.id,
    name: spec.name,
    state: spec.state,
    region: spec.region,
    instanceId: ulidFor(`instance:${spec.id}:${spec.updatedAt}`),
    privateIp: privateIpFor(`machine:${spec.id}`),
    config: {
      image: spec.image,
      guest: { ...spec.guest },
      init: {},
      restart: spec.schedule ? { policy: "no" } : { policy: "on-failure", max_retries: 10 },
      metadata,
      ...(spec.env ? { env: { ...spec.env } } : {}),
      ...(spec.mounts ? { mounts: spec.mounts.map((m) => ({ ...m })) } : {}),
      ...(spec.services ? { services: structuredClone(spec.services) } : {}),
      ...(spec.schedule ? { schedule: spec.schedule } : {}),
    },
    imageRef: imageRefFor(spec.image),
    createdAt: spec.createdAt,
    updatedAt: spec.updatedAt,
    events: seedEvents(spec),
    cordoned: false,
  };
}

/** The services block of an HTTP app listening on 8080 behind ports 80 and 443, with an HTTP check. */
export function httpServices(internalPort = 8080): unknown[] {
  return [
    {
      protocol: "tcp",
      internal_port: internalPort,
      checks: [httpCheck()],
      autostart: true,
      autostop: "stop",
      min_machines_running: 1,
      ports: [
        { port: 80, handlers: ["http"], force_https: true },
        { port: 443, handlers: ["tls", "http"] },
      ],
    },
  ];
}

export interface SeedVolumeSpec {
  app: string;
  id: string;
  name: string;
  region: string;
  sizeGb: number;
  createdAt: string;
  updatedAt?: string;
  attachedMachineId?: string;
  usedPercent?: number;
  snapshots?: { id?: string; createdAt: string }[];
}

export function seedVolume(spec: SeedVolumeSpec): VolumeRecord {
  const bytesTotal = spec.sizeGb * 1024 ** 3;
  const bytesUsed = Math.round((bytesTotal * (spec.usedPercent ?? 10)) / 100);
  return {
    app: spec.app,
    id: spec.id,
    name: spec.name,
    state: "created",
    region: spec.region,
    zone: hexDigestOf(`zone:${spec.region}:${spec.id}`, 4),
    sizeGb: spec.sizeGb,
    encrypted: true,
    fstype: "ext4",
    ...(spec.attachedMachineId ? { attachedMachineId: spec.attachedMachineId } : {}),
    createdAt: spec.createdAt,
    updatedAt: spec.updatedAt ?? spec.createdAt,
    autoBackupEnabled: true,
    snapshotRetention: 5,
    bytesUsed,
    snapshots: (spec.snapshots ?? []).map((s): SnapshotRecord => ({
      id: s.id ?? snapshotIdFor(`snapshot:${spec.id}:${s.createdAt}`),
      createdAt: s.createdAt,
      digest: hexDigestOf(`snapshot-digest:${spec.id}:${s.createdAt}`, 32),
      retentionDays: 5,
      size: bytesUsed,
      status: "created",
      volumeSize: bytesTotal,
    })),
  };
}

/** Secret values of seeded apps are built here, never written out in the source. */
export function seedSecret(app: string, name: string, at: string): SecretRecord {
  const value = `sandbox-${app}-${name.toLowerCase().replace(/_/g, "-")}-value`;
  return { app, name, value, digest: hexDigestOf(value), createdAt: at, updatedAt: at };
}

export function seedIp(
  app: string,
  ip: string,
  kind: IpKind,
  createdAt: string,
  region = "global",
): IpRecord {
  return { app, ip, kind, region, shared: kind === "shared_v4", createdAt };
}

export function seedCert(app: string, hostname: string, createdAt: string, issued: boolean): CertRecord {
  const base: CertRecord = { app, hostname, createdAt, updatedAt: createdAt, dnsConfigured: issued };
  if (!issued) return base;
  const expires = new Date(Date.parse(createdAt) + 90 * 24 * 3600 * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
  return { ...base, issuedAt: createdAt, expiresAt: expires };
}
