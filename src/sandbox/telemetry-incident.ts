/**
 * The seeded incident, as far as logs and metrics show it (the machine, check, event and release
 * records are seeded alongside, from the same facts). Times are minutes before the sandbox's start:
 * a release of acme-api 25 minutes before; since then machine api-sin-1 was OOM-killed three
 * times, each time restarted; its memory ran out before each kill, its logs show the out-of-memory
 * errors and the proxy's 502/503s, and acme-api's 5xx rate in sin rose from about zero.
 */
export const INCIDENT = {
  app: "acme-api",
  org: "acme-corp",
  machine: "5683d920b1e48e",
  region: "sin",
  releaseMinutesAgo: 25,
  oomKillMinutesAgo: [20, 12, 4],
  /** How long a killed machine takes to start again. */
  restartSeconds: 10,
  image: "registry.fly.io/acme-api:deployment-01JB7Q4X9Z2K5M8N1P3R6T0V2W",
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
