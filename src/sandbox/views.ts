import { checksView } from "./machine-checks.js";
import type { SandboxStore } from "./store.js";
import type {
  AppRecord,
  IpRecord,
  MachineRecord,
  SecretRecord,
  SnapshotRecord,
  VolumeRecord,
} from "./types.js";

/**
 * Records as the Machines API shows them, field for field from the OpenAPI schemas. An unattached
 * volume's machine and allocation are null, as Fly sends them: fly-go's Volume declares both as
 * pointers without omitempty (volume_types.go: `AttachedMachine *string json:"attached_machine_id"`).
 */

const EVENTS_ON_MACHINE = 5;
const BLOCK_SIZE = 4096;

export function appView(store: SandboxStore, app: AppRecord): Record<string, unknown> {
  const org = store.org(app.org);
  const machines = store.machines(app.name).filter((m) => m.state !== "destroyed");
  const status =
    machines.length === 0
      ? "pending"
      : machines.some((m) => m.state === "started")
        ? "deployed"
        : "suspended";
  return {
    id: app.id,
    name: app.name,
    internal_numeric_id: app.internalNumericId,
    machine_count: machines.length,
    volume_count: store.volumes(app.name).filter((v) => v.state !== "destroyed").length,
    network: app.network,
    organization: {
      name: org?.name ?? app.org,
      slug: app.org,
      internal_numeric_id: org?.internalNumericId ?? 0,
    },
    status,
  };
}

export function machineView(machine: MachineRecord, summary = false): Record<string, unknown> {
  const base = {
    id: machine.id,
    name: machine.name,
    state: machine.state,
    region: machine.region,
    instance_id: machine.instanceId,
    private_ip: machine.privateIp,
    image_ref: { ...machine.imageRef },
    created_at: machine.createdAt,
    updated_at: machine.updatedAt,
  };
  if (summary) return base;
  return {
    ...base,
    config: structuredClone(machine.config),
    events: machine.events.slice(0, EVENTS_ON_MACHINE).map((e) => structuredClone(e)),
    checks: checksView(machine),
    host_status: machine.hostStatus ?? "ok",
  };
}

export function orgMachineView(machine: MachineRecord, summary = false): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: machine.id,
    name: machine.name,
    app_name: machine.app,
    state: machine.state,
    region: machine.region,
    private_ip: machine.privateIp,
    instance_id: machine.instanceId,
    version: machine.instanceId,
    created_at: machine.createdAt,
    updated_at: machine.updatedAt,
  };
  if (!summary) {
    const { guest, image, metadata } = machine.config;
    view.config = { guest: { ...guest }, image, ...(metadata ? { metadata: { ...metadata } } : {}) };
  }
  return view;
}

export function volumeView(volume: VolumeRecord, summary = false): Record<string, unknown> {
  const bytesTotal = volume.sizeGb * 1024 ** 3;
  const view: Record<string, unknown> = {
    id: volume.id,
    name: volume.name,
    state: volume.state,
    region: volume.region,
    zone: volume.zone,
    size_gb: volume.sizeGb,
    encrypted: volume.encrypted,
    fstype: volume.fstype,
    type: "local",
    created_at: volume.createdAt,
    auto_backup_enabled: volume.autoBackupEnabled,
    snapshot_retention: volume.snapshotRetention,
    host_status: "ok",
    bytes_total: bytesTotal,
    bytes_used: volume.bytesUsed,
    attached_machine_id: volume.attachedMachineId ?? null,
    attached_alloc_id: volume.attachedMachineId ?? null,
  };
  if (!summary) {
    const blocks = bytesTotal / BLOCK_SIZE;
    const free = Math.floor((bytesTotal - volume.bytesUsed) / BLOCK_SIZE);
    Object.assign(view, { block_size: BLOCK_SIZE, blocks, blocks_free: free, blocks_avail: free });
  }
  return view;
}

export function orgVolumeView(volume: VolumeRecord, summary = false): Record<string, unknown> {
  return { ...volumeView(volume, summary), app_name: volume.app, updated_at: volume.updatedAt };
}

export function snapshotView(snapshot: SnapshotRecord): Record<string, unknown> {
  return {
    id: snapshot.id,
    created_at: snapshot.createdAt,
    digest: snapshot.digest,
    retention_days: snapshot.retentionDays,
    size: snapshot.size,
    status: snapshot.status,
    volume_size: snapshot.volumeSize,
  };
}

/** Name and digest only: there is no code path from a SecretRecord's value to a response. */
export function secretView(secret: SecretRecord): Record<string, unknown> {
  return {
    name: secret.name,
    digest: secret.digest,
    created_at: secret.createdAt,
    updated_at: secret.updatedAt,
  };
}

export function ipView(ip: IpRecord): Record<string, unknown> {
  return {
    ip: ip.ip,
    region: ip.region,
    shared: ip.shared,
    created_at: ip.createdAt,
    ...(ip.serviceName ? { service_name: ip.serviceName } : {}),
  };
}
