import { hexDigestOf, isoSeconds, nodeIdFor, ulidFor } from "./ids.js";
import { imageRefFor } from "./image-ref.js";
import type { MachineEvent, MachineRecord, ReleaseRecord, SandboxState } from "./types.js";

/**
 * The demo seed's one incident, placed relative to the sandbox's start (`now`), so "the last
 * hour" always holds it: 25 minutes before start, release v8 of acme-api (by lee@example.com)
 * moved its machines from the seed's image to INCIDENT_IMAGE. Since then api-sin-1 was OOM-killed
 * three times (20, 12 and 4 minutes before start; exit_code 137, oom_killed, each followed by a
 * restart) and its HTTP service check is critical. Everything else stays healthy.
 *
 * Event shapes follow fly-go machine_types.go (MachineEvent, MachineRequest.exit_event,
 * restart_count); an update made by a deploy is an "update" by the user, then flyd's "start".
 */

export const INCIDENT = {
  app: "acme-api",
  org: "acme-corp",
  machine: { id: "5683d920b1e48e", name: "api-sin-1", region: "sin" },
  check: "servicecheck-00-http-3000",
  release: { version: 8, previous: 7, user: "lee@example.com", minutesAgo: 25 },
  image: "registry.fly.io/acme-api:deployment-01JB7Q4X9Z2K5M8N1P3R6T0V2W",
  oomMinutesAgo: [20, 12, 4],
  /** How long a killed machine takes to start again; its logs and metrics show the same gap. */
  restartSeconds: 10,
} as const;

const MINUTE = 60_000;
const RESTART_DELAY_MS = INCIDENT.restartSeconds * 1000;

function event(
  machine: MachineRecord,
  type: string,
  status: string,
  source: string,
  at: number,
  request?: MachineEvent["request"],
): MachineEvent {
  return {
    id: ulidFor(`event:${machine.id}:${type}:${at}`),
    type,
    status,
    source,
    timestamp: at,
    ...(request ? { request } : {}),
  };
}

function deploy(machine: MachineRecord, at: number): void {
  machine.config.image = INCIDENT.image;
  machine.imageRef = imageRefFor(INCIDENT.image);
  machine.config.metadata = {
    ...machine.config.metadata,
    fly_release_id: releaseId(INCIDENT.app, INCIDENT.release.version),
    fly_release_version: String(INCIDENT.release.version),
  };
  machine.instanceId = ulidFor(`instance:${machine.id}:${at}`);
  machine.updatedAt = isoSeconds(new Date(at));
  // A deploy updates a stopped machine without starting it (flyctl deploy, skip_launch).
  const events = [event(machine, "update", "replacing", "user", at)];
  if (machine.state === "started")
    events.push(event(machine, "start", "started", "flyd", at + RESTART_DELAY_MS));
  machine.events.unshift(...events.reverse());
}

function oomKills(machine: MachineRecord, now: number): void {
  INCIDENT.oomMinutesAgo.forEach((minutes, index) => {
    const at = now - minutes * MINUTE;
    const exit = event(machine, "exit", "stopped", "flyd", at, {
      exit_event: {
        exit_code: 137,
        oom_killed: true,
        requested_stop: false,
        restarting: true,
        exited_at: new Date(at).toISOString(),
      },
      restart_count: index + 1,
    });
    const restart = event(machine, "restart", "started", "flyd", at + RESTART_DELAY_MS);
    machine.events.unshift(exit, restart);
    machine.events.sort((a, b) => b.timestamp - a.timestamp);
    machine.updatedAt = isoSeconds(new Date(at + RESTART_DELAY_MS));
  });
  machine.checkResults = {
    [INCIDENT.check]: {
      status: "critical",
      output: `Get "http://[${machine.privateIp}]:3000/healthz": connect: connection refused`,
      updatedAt: isoSeconds(new Date(now - MINUTE)),
    },
  };
}

export function releaseId(app: string, version: number): string {
  return nodeIdFor(`release:${app}:v${version}`);
}

/**
 * Each demo app's release history up to its current image: `count` releases a day apart, the
 * last at `deployedAt`, by `userId`. The images of older releases are earlier deployment tags.
 */
export function releaseHistory(
  app: string,
  image: string,
  count: number,
  deployedAt: string,
  userId: string,
): ReleaseRecord[] {
  const last = Date.parse(deployedAt);
  return Array.from({ length: count }, (_, i): ReleaseRecord => {
    const version = i + 1;
    const current = version === count;
    return {
      app,
      id: releaseId(app, version),
      version,
      status: "complete",
      description: "Deploy image",
      reason: "deploy",
      imageRef: current
        ? image
        : `${image.replace(/:.*$/, "")}:deployment-${hexDigestOf(`${app}:${version}`, 26).toUpperCase()}`,
      stable: true,
      userId,
      createdAt: isoSeconds(new Date(last - (count - version) * 86_400_000)),
    };
  });
}

/** Applies the incident to the demo fleet, in place. */
export function applyIncident(state: SandboxState, now: number, userId: string): void {
  const deployedAt = now - INCIDENT.release.minutesAgo * MINUTE;
  for (const machine of state.machines.filter((m) => m.app === INCIDENT.app)) deploy(machine, deployedAt);
  const sick = state.machines.find((m) => m.id === INCIDENT.machine.id);
  if (sick) oomKills(sick, now);
  state.releases = [
    ...(state.releases ?? []),
    {
      app: INCIDENT.app,
      id: releaseId(INCIDENT.app, INCIDENT.release.version),
      version: INCIDENT.release.version,
      status: "complete",
      description: "Deploy image",
      reason: "deploy",
      imageRef: INCIDENT.image,
      stable: true,
      userId,
      createdAt: isoSeconds(new Date(deployedAt)),
    },
  ];
}
