import { RUNNING_STATES, STARTABLE_STATES } from "../platform/machine-states.js";
import { ApiError, badRequest, failedPrecondition, notFound } from "./http-error.js";
import { hexDigestOf, machineIdFor, privateIpFor, ulidFor } from "./ids.js";
import { imageRefFor } from "./image-ref.js";
import type { MachineRequestInput } from "./machine-config.js";
import { NEAREST_REGION } from "./regions.js";
import type { RouteDeps } from "./route-deps.js";
import type { SandboxStore } from "./store.js";
import type { AppRecord, MachineMount, MachineRecord, VolumeRecord } from "./types.js";

const ADJECTIVES = ["quiet", "bold", "misty", "young", "ancient", "silent", "wild", "polished"];
const NOUNS = ["river", "meadow", "sun", "forest", "thunder", "frost", "dew", "glade"];
const MAX_VERSIONS = 20;

/** Fly names an unnamed machine like "misty-river-4821"; here the name follows from the id. */
function generatedName(id: string): string {
  const hex = hexDigestOf(id, 8);
  const n = Number.parseInt(hex, 16);
  return `${ADJECTIVES[n % ADJECTIVES.length]}-${NOUNS[(n >>> 3) % NOUNS.length]}-${1000 + (n % 9000)}`;
}

/** A machine that was destroyed is gone for every action: 404, as on Fly. */
export function requireLiveMachine(store: SandboxStore, app: string, id: string): MachineRecord {
  const machine = store.requireMachine(app, id);
  if (machine.state === "destroyed") throw notFound("machine");
  return machine;
}

/**
 * Machine names are unique within an app (the docs' machine properties: "name: Unique name for
 * the Machine"); Fly refuses a second one with 409 and "already_exists: unique machine name
 * violation" (fly-go flaps/flaps_error_test.go, "409 name collision is not a capacity error"),
 * naming the machine that holds the name.
 */
function requireFreeName(store: SandboxStore, app: string, name: string, self?: string): void {
  const holder = store
    .machines(app)
    .find((m) => m.name === name && m.id !== self && m.state !== "destroyed" && m.state !== "destroying");
  if (holder) {
    throw new ApiError(
      409,
      `already_exists: unique machine name violation, machine ID ${holder.id} already exists with name "${name}"`,
    );
  }
}

/** The version a create or update made, newest first, for GET …/versions. */
function recordVersion(machine: MachineRecord): void {
  machine.versions = [
    { version: machine.instanceId, config: structuredClone(machine.config) },
    ...(machine.versions ?? []),
  ].slice(0, MAX_VERSIONS);
}

/** A machine seeded without history has one version so far: the one it runs. */
function historyOf(machine: MachineRecord): void {
  machine.versions ??= [{ version: machine.instanceId, config: structuredClone(machine.config) }];
}

/** The volumes named by `mounts`, each in the app, unattached (or attached to `self`), in one region. */
function resolveMounts(
  store: SandboxStore,
  app: string,
  self: string | undefined,
  mounts: MachineMount[],
): VolumeRecord[] {
  const volumes = mounts.map((mount) => {
    if (!mount.volume) throw badRequest(`invalid config.mounts: mount at ${mount.path} names no volume`);
    const volume = store.volume(mount.volume);
    if (!volume || volume.app !== app || volume.state === "destroyed")
      throw badRequest(`invalid config.mounts: volume ${mount.volume} not found in app ${app}`);
    if (volume.attachedMachineId && volume.attachedMachineId !== self) {
      throw failedPrecondition(
        `volume ${volume.id} is already attached to machine ${volume.attachedMachineId}`,
      );
    }
    return volume;
  });
  const regions = new Set(volumes.map((v) => v.region));
  if (regions.size > 1) throw badRequest("invalid config.mounts: volumes are in different regions");
  return volumes;
}

function checkVolumeRegion(volumes: VolumeRecord[], region: string): void {
  const elsewhere = volumes.find((v) => v.region !== region);
  if (elsewhere)
    throw badRequest(
      `invalid config.mounts: volume ${elsewhere.id} is in ${elsewhere.region}, not ${region}`,
    );
}

/**
 * The secrets version a create or update gives the machine: the app's newest. The request's
 * `min_secrets_version` (spec UpdateMachineRequest; flyctl sends the version its last secrets
 * change returned, internal/appsecrets) may not be newer than that: what Fly does then is not
 * documented, so the sandbox refuses it.
 */
function secretsVersionFor(app: AppRecord, input: MachineRequestInput): number {
  const wanted = input.minSecretsVersion;
  if (wanted !== undefined && wanted > app.secretsVersion)
    throw badRequest(
      `invalid min_secrets_version ${wanted}: app ${app.name}'s newest secrets version is ${app.secretsVersion}`,
    );
  return app.secretsVersion;
}

export function createMachine(
  { store, lifecycle }: RouteDeps,
  app: AppRecord,
  input: MachineRequestInput,
): MachineRecord {
  const secretsVersion = secretsVersionFor(app, input);
  const volumes = resolveMounts(store, app.name, undefined, input.config.mounts ?? []);
  const region = input.region ?? volumes[0]?.region ?? store.machines(app.name)[0]?.region ?? NEAREST_REGION;
  checkVolumeRegion(volumes, region);
  if (input.name !== undefined) requireFreeName(store, app.name, input.name);
  const label = store.nextLabel("machine");
  let id = machineIdFor(`${app.name}:${label}`);
  while (store.machine(id)) id = machineIdFor(`${id}:${label}`);
  const now = store.now();
  const machine: MachineRecord = {
    app: app.name,
    id,
    name: input.name ?? generatedName(id),
    state: "created",
    region,
    instanceId: ulidFor(`instance:${id}:${label}`),
    privateIp: privateIpFor(`machine:${id}`),
    config: input.config,
    imageRef: imageRefFor(input.config.image),
    createdAt: now,
    updatedAt: now,
    events: [],
    cordoned: false,
    secretsVersion,
  };
  recordVersion(machine);
  store.addMachine(machine);
  for (const volume of volumes) {
    volume.attachedMachineId = id;
    volume.updatedAt = now;
  }
  lifecycle.event(machine, "launch", "created", "user");
  store.changed(machine);
  if (!input.skipLaunch) lifecycle.launch(machine);
  return machine;
}

/** Replaces the machine's config (Fly's update is a full replacement) and gives it a new version. */
export function updateMachine(
  { store, lifecycle }: RouteDeps,
  machine: MachineRecord,
  input: MachineRequestInput,
): void {
  lifecycle.requireSettled(machine, "update");
  if (input.currentVersion !== undefined && input.currentVersion !== machine.instanceId) {
    throw failedPrecondition(
      `machine ${machine.id} is at version ${machine.instanceId}, not ${input.currentVersion}`,
    );
  }
  // The docs' "Update a Machine": "`region` and `name` are immutable and cannot be updated".
  if (input.region !== undefined && input.region !== machine.region) {
    throw badRequest(
      `a machine cannot move from ${machine.region} to ${input.region}; create a new machine there instead`,
    );
  }
  if (input.name !== undefined && input.name !== machine.name)
    throw badRequest(`a machine's name cannot change (it is ${machine.name}); create a new machine instead`);
  const secretsVersion = secretsVersionFor(store.requireApp(machine.app), input);
  const volumes = resolveMounts(store, machine.app, machine.id, input.config.mounts ?? []);
  checkVolumeRegion(volumes, machine.region);
  const now = store.now();
  historyOf(machine);
  for (const volume of store.volumes(machine.app)) {
    if (volume.attachedMachineId === machine.id && !volumes.includes(volume)) {
      delete volume.attachedMachineId;
      volume.updatedAt = now;
    }
  }
  for (const volume of volumes) {
    volume.attachedMachineId = machine.id;
    volume.updatedAt = now;
  }
  machine.config = input.config;
  machine.imageRef = imageRefFor(input.config.image);
  machine.instanceId = ulidFor(`instance:${machine.id}:${store.nextLabel("version")}`);
  machine.updatedAt = now;
  machine.secretsVersion = secretsVersion;
  recordVersion(machine);
  if (machine.state === "started") {
    lifecycle.transition(machine, "update", "replacing", input.skipLaunch ? "stopped" : "started");
    return;
  }
  // A suspended machine's memory snapshot belongs to the old config; it boots cold next time.
  if (machine.state === "suspended") machine.state = "stopped";
  lifecycle.event(machine, "update", machine.state, "user");
  store.changed(machine);
  // The docs' "Update a Machine": "if the Machine isn't running, and you don't want it to start
  // up, set `skip_launch`": without it, a stopped machine boots on its new version.
  if (!input.skipLaunch && STARTABLE_STATES.has(machine.state))
    lifecycle.transition(machine, "start", "starting", "started");
}

/** Fly refuses to destroy a running machine unless forced; a destroyed machine frees its volumes. */
export function destroyMachine(
  { store, lifecycle }: RouteDeps,
  machine: MachineRecord,
  force: boolean,
): void {
  if (!force && RUNNING_STATES.has(machine.state)) {
    throw failedPrecondition(
      `unable to destroy machine from current state: '${machine.state}'; stop it first or pass force=true`,
    );
  }
  if (force) lifecycle.completePending(machine.id);
  else lifecycle.requireSettled(machine, "destroy");
  lifecycle.transition(machine, "destroy", "destroying", "destroyed", () => {
    for (const volume of store.volumes(machine.app)) {
      if (volume.attachedMachineId === machine.id) {
        delete volume.attachedMachineId;
        volume.updatedAt = machine.updatedAt;
      }
    }
  });
}
