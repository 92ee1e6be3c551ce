import type { ReleaseNode } from "../fly/graphql-releases.js";
import type {
  App,
  CertificateDetail,
  CertificateSummary,
  IPAssignment,
  Machine,
  Secret,
  Volume,
  VolumeSnapshot,
} from "../fly/schemas.js";
import { z } from "zod";
import {
  appName,
  hostname,
  ipAddress,
  machineId,
  machineName,
  secretName,
  snapshotId,
  volumeId,
  volumeName,
} from "../../tools/id-fields.js";
import { FlyopsError } from "../errors.js";
import { MACHINE_STATES, type MachineState } from "../platform/machine-states.js";
import type {
  AppRecord,
  CertRecord,
  CheckResult,
  IpKind,
  IpRecord,
  MachineConfig,
  MachineEvent,
  MachineRecord,
  ReleaseRecord,
  SecretRecord,
  SnapshotRecord,
  VolumeRecord,
} from "../sandbox/types.js";

/**
 * Live records as the sandbox keeps them (src/sandbox/types.ts), from what Fly's read endpoints
 * return: the inverse of the sandbox's views (views.ts, cert-views.ts). A field Fly does not show
 * gets the sandbox's neutral value; a record the sandbox cannot hold faithfully (a machine in a
 * state Fly's docs do not name, one without a size) stops the copy rather than guess.
 */

const text = (value: string | null | undefined, fallback = ""): string => value ?? fallback;

function untranslatable(what: string, why: string): FlyopsError {
  return new FlyopsError(`cannot copy ${what} into a rehearsal: ${why}`, {
    hint: "this live record has a shape the sandbox does not model; rehearse a plan that does not touch it",
  });
}

/**
 * An id or name as the copy keeps it, once it has Fly's shape (tools/id-fields.ts): a record Fly
 * returned with another ("..", a slash, a control character) would name something else in the
 * sandbox's paths and in the diff, so the copy stops there, naming the record, not the value.
 */
export function shaped(shape: z.ZodType<string>, value: string, what: string): string {
  const parsed = shape.safeParse(value);
  if (!parsed.success)
    throw untranslatable(
      what,
      `its id or name does not have Fly's shape (${parsed.error.issues[0]?.message ?? "invalid"})`,
    );
  return value;
}

// Fly documents no shape for a release's GraphQL id; every one it gives is letters, digits, "_" and "-".
const releaseId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "expected letters, digits, _ and -");

export function appRecord(app: App, org: string, now: string): AppRecord {
  shaped(appName, app.name, "an app");
  const numeric = (app as { internal_numeric_id?: unknown }).internal_numeric_id;
  return {
    id: text(app.id, app.name),
    name: app.name,
    org,
    network: text(app.network, "default"),
    internalNumericId: typeof numeric === "number" ? numeric : 0,
    // Fly's Machines API shows neither; the copy was made now and starts its own secrets count.
    createdAt: now,
    secretsVersion: 0,
  };
}

function machineState(machine: Machine): MachineState {
  const state = (MACHINE_STATES as readonly string[]).find((s) => s === machine.state);
  if (state === undefined)
    throw untranslatable(`machine ${machine.id}`, `its state "${machine.state}" is unknown`);
  return state as MachineState;
}

function machineConfig(machine: Machine): MachineConfig {
  const config = machine.config ?? {};
  const guest = config.guest;
  if (
    typeof guest?.cpu_kind !== "string" ||
    typeof guest.cpus !== "number" ||
    typeof guest.memory_mb !== "number"
  ) {
    throw untranslatable(`machine ${machine.id}`, "its config has no complete guest size");
  }
  const { cpu_kind, cpus, memory_mb, ...guestRest } = guest;
  const copy = structuredClone(config) as Record<string, unknown>;
  return { ...copy, image: text(config.image), guest: { ...guestRest, cpu_kind, cpus, memory_mb } };
}

function events(machine: Machine): MachineEvent[] {
  return (machine.events ?? []).map((e, index) => ({
    id: text(e.id, `event-${index}`),
    type: text(e.type),
    status: text(e.status),
    source: text(e.source),
    timestamp: e.timestamp ?? 0,
    ...(e.request?.exit_event
      ? {
          request: {
            exit_event: {
              exit_code: e.request.exit_event.exit_code ?? 0,
              oom_killed: e.request.exit_event.oom_killed ?? false,
              requested_stop: e.request.exit_event.requested_stop ?? false,
              restarting: e.request.exit_event.restarting ?? false,
              exited_at: text(e.request.exit_event.exited_at),
            },
            ...(typeof e.request.restart_count === "number"
              ? { restart_count: e.request.restart_count }
              : {}),
          },
        }
      : {}),
  }));
}

/** Checks that do not pass: the sandbox shows every other defined check as passing (machine-checks.ts). */
function checkResults(machine: Machine): Record<string, CheckResult> | undefined {
  const results: Record<string, CheckResult> = {};
  for (const check of machine.checks ?? []) {
    if (!check.name || (check.status !== "warning" && check.status !== "critical")) continue;
    results[check.name] = {
      status: check.status,
      output: text(check.output),
      updatedAt: text(check.updated_at),
    };
  }
  return Object.keys(results).length > 0 ? results : undefined;
}

export function machineRecord(app: string, machine: Machine): MachineRecord {
  const what = `a machine of app ${app}`;
  shaped(machineId, machine.id, what);
  if (machine.name) shaped(machineName, machine.name, what);
  const host = machine.host_status;
  const results = checkResults(machine);
  const record: MachineRecord = {
    app,
    id: machine.id,
    name: text(machine.name, machine.id),
    state: machineState(machine),
    region: text(machine.region),
    instanceId: text(machine.instance_id, text(machine.version)),
    privateIp: text(machine.private_ip),
    config: machineConfig(machine),
    imageRef: {
      registry: text(machine.image_ref?.registry),
      repository: text(machine.image_ref?.repository),
      tag: text(machine.image_ref?.tag),
      digest: text(machine.image_ref?.digest),
    },
    createdAt: text(machine.created_at),
    updatedAt: text(machine.updated_at),
    events: events(machine),
    cordoned: false,
  };
  if (results) record.checkResults = results;
  if (host === "unknown" || host === "unreachable") record.hostStatus = host;
  return record;
}

export function snapshotRecord(s: VolumeSnapshot): SnapshotRecord {
  shaped(snapshotId, s.id, "a volume snapshot");
  return {
    id: s.id,
    createdAt: text(s.created_at),
    digest: text(s.digest),
    retentionDays: s.retention_days ?? 0,
    size: s.size ?? 0,
    status: text(s.status),
    volumeSize: s.volume_size ?? 0,
  };
}

export function volumeRecord(app: string, volume: Volume, snapshots: VolumeSnapshot[]): VolumeRecord {
  const what = `a volume of app ${app}`;
  shaped(volumeId, volume.id, what);
  if (volume.name) shaped(volumeName, volume.name, what);
  if (volume.attached_machine_id) shaped(machineId, volume.attached_machine_id, what);
  const fstype = (volume as { fstype?: unknown }).fstype;
  const record: VolumeRecord = {
    app,
    id: volume.id,
    name: text(volume.name),
    state: text(volume.state, "created"),
    region: text(volume.region),
    zone: text(volume.zone),
    sizeGb: volume.size_gb ?? 1,
    // Volumes are encrypted unless created with --no-encryption (fly.io/docs/volumes/volume-manage).
    encrypted: volume.encrypted ?? true,
    fstype: typeof fstype === "string" ? fstype : "ext4",
    createdAt: text(volume.created_at),
    updatedAt: text(volume.created_at),
    autoBackupEnabled: volume.auto_backup_enabled ?? false,
    // Fly keeps snapshots 5 days unless set (fly.io/docs/volumes/snapshots).
    snapshotRetention: volume.snapshot_retention ?? 5,
    bytesUsed: volume.bytes_used ?? 0,
    snapshots: snapshots.map(snapshotRecord),
  };
  if (volume.attached_machine_id) record.attachedMachineId = volume.attached_machine_id;
  return record;
}

/** Name and digest: the value is never read (Fly's list has none), so the copy holds an empty one. */
export function secretRecord(app: string, secret: Secret): SecretRecord {
  shaped(secretName, secret.name, `a secret of app ${app}`);
  return {
    app,
    name: secret.name,
    value: "",
    digest: text(secret.digest),
    createdAt: text(secret.created_at),
    updatedAt: text(secret.updated_at),
  };
}

/**
 * The kind of an address, which the Machines API does not name: shared is a shared IPv4; 6PN
 * private addresses are in fdaa::/16 (fly.io/docs/networking/private-networking).
 */
function ipKind(ip: IPAssignment): IpKind {
  if (ip.shared === true) return "shared_v4";
  if (!ip.ip.includes(":")) return "v4";
  return ip.ip.toLowerCase().startsWith("fdaa:") ? "private_v6" : "v6";
}

export function ipRecord(app: string, ip: IPAssignment): IpRecord {
  shaped(ipAddress, ip.ip, `an IP address of app ${app}`);
  return {
    app,
    ip: ip.ip,
    kind: ipKind(ip),
    region: text(ip.region, "global"),
    shared: ip.shared ?? false,
    ...(ip.service_name ? { serviceName: ip.service_name } : {}),
    createdAt: text(ip.created_at),
  };
}

export function certRecord(app: string, summary: CertificateSummary, detail: CertificateDetail): CertRecord {
  shaped(hostname, summary.hostname, `a certificate of app ${app}`);
  const issued = detail.certificates?.find((c) => c.status === "active") ?? detail.certificates?.[0];
  const record: CertRecord = {
    app,
    hostname: summary.hostname,
    createdAt: text(summary.created_at),
    updatedAt: text(summary.updated_at),
    dnsConfigured: summary.configured === true,
  };
  if (summary.status === "active" || issued) {
    record.issuedAt = text(issued?.created_at, text(summary.created_at));
    if (issued?.expires_at) record.expiresAt = issued.expires_at;
  }
  return record;
}

export function releaseRecord(app: string, release: ReleaseNode): ReleaseRecord {
  shaped(releaseId, release.id, `a release of app ${app}`);
  return {
    app,
    id: release.id,
    version: release.version,
    status: release.status,
    description: release.description,
    reason: release.reason,
    imageRef: text(release.imageRef),
    stable: release.stable,
    // Who made a release is kept by id only: a copy of live state holds no one's email.
    userId: text(release.user?.id),
    createdAt: release.createdAt,
  };
}
