import { INCIDENT as SEEDED } from "./seed-incident.js";

/**
 * The seeded incident, as far as logs and metrics show it (seed-incident.ts seeds the machine, check,
 * event and release records; these values are read from there). Times are minutes before the sandbox's start:
 * a release of acme-api 25 minutes before; since then machine api-sin-1 was OOM-killed three
 * times, each time restarted; its memory ran out before each kill, its logs show the out-of-memory
 * errors and the proxy's 502/503s, and acme-api's 5xx rate in sin rose from about zero.
 */
export const INCIDENT = {
  app: SEEDED.app,
  org: SEEDED.org,
  machine: SEEDED.machine.id,
  region: SEEDED.machine.region,
  releaseMinutesAgo: SEEDED.release.minutesAgo,
  oomKillMinutesAgo: SEEDED.oomMinutesAgo,
  restartSeconds: SEEDED.restartSeconds,
  image: SEEDED.image,
  port: 3000,
} as const;

/** Times in Unix seconds, for a sandbox started at `startSeconds`. */
export interface IncidentTimes {
  release: number;
  kills: number[];
}

export function incidentTimes(startSeconds: number): IncidentTimes {
  return {
    release: startSeconds - INCIDENT.releaseMinutesAgo * 60,
    kills: INCIDENT.oomKillMinutesAgo.map((m) => startSeconds - m * 60),
  };
}
