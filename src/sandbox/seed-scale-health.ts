import { isoSeconds, ulidFor } from "./ids.js";
import { releaseId } from "./seed-incident.js";
import type { MachineRecord, ReleaseRecord } from "./types.js";

/**
 * Health for the `N` seed, so benchmarks size real answers: every machine serves HTTP with a
 * service check (seed-builders httpServices), every app has its current release, and one app in
 * every UNHEALTHY_EVERY (app index mod UNHEALTHY_EVERY = UNHEALTHY_AT) has its first started
 * machine OOM-killed twice in the hour before `now` with its check critical.
 */

export const UNHEALTHY_EVERY = 50;
export const UNHEALTHY_AT = 7;
const MINUTE = 60_000;

export function isUnhealthyScaleApp(index: number): boolean {
  return index % UNHEALTHY_EVERY === UNHEALTHY_AT;
}

export function makeUnhealthy(machine: MachineRecord, now: number): void {
  for (const [n, minutes] of [30, 10].entries()) {
    const at = now - minutes * MINUTE;
    machine.events.unshift(
      {
        id: ulidFor(`event:${machine.id}:restart:${at}`),
        type: "restart",
        status: "started",
        source: "flyd",
        timestamp: at + 2000,
      },
      {
        id: ulidFor(`event:${machine.id}:exit:${at}`),
        type: "exit",
        status: "stopped",
        source: "flyd",
        timestamp: at,
        request: {
          exit_event: {
            exit_code: 137,
            oom_killed: true,
            requested_stop: false,
            restarting: true,
            exited_at: new Date(at).toISOString(),
          },
          restart_count: n + 1,
        },
      },
    );
  }
  machine.events.sort((a, b) => b.timestamp - a.timestamp);
  machine.updatedAt = isoSeconds(new Date(now - 10 * MINUTE + 2000));
  machine.checkResults = {
    "servicecheck-00-http-8080": {
      status: "critical",
      output: `HTTP GET http://[${machine.privateIp}]:8080/healthz: 503 Service Unavailable`,
      updatedAt: isoSeconds(new Date(now - MINUTE)),
    },
  };
}

export function scaleRelease(
  app: string,
  version: number,
  image: string,
  createdAt: string,
  userId: string,
): ReleaseRecord {
  return {
    app,
    id: releaseId(app, version),
    version,
    status: "complete",
    description: "Deploy image",
    reason: "deploy",
    imageRef: image,
    stable: true,
    userId,
    createdAt,
  };
}
