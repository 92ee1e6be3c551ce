import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { FlyopsError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { FaultInjector } from "./faults.js";
import { LeaseBook } from "./leases.js";
import { LogBook } from "./log-book.js";
import { DEFAULT_TRANSITION_MS, MachineLifecycle } from "./machine-lifecycle.js";
import { ServerRateLimiter } from "./rate-limit.js";
import { Router, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import { appRoutes } from "./routes-apps.js";
import { certRoutes } from "./routes-certs.js";
import { ipRoutes } from "./routes-ips.js";
import { leaseRoutes } from "./routes-leases.js";
import { machineActionRoutes } from "./routes-machine-actions.js";
import { machineInfoRoutes } from "./routes-machine-info.js";
import { machineMetaRoutes } from "./routes-machine-meta.js";
import { machineRoutes } from "./routes-machines.js";
import { orgRoutes } from "./routes-orgs.js";
import { mpgRoutes } from "./routes-mpg.js";
import { platformRoutes } from "./routes-platform.js";
import { secretRoutes } from "./routes-secrets.js";
import { volumeRoutes } from "./routes-volumes.js";
import { seedState, type SandboxSeed } from "./seeds.js";
import { createSandboxServer } from "./server.js";
import { readStateFile, StateFileWriter } from "./state-file.js";
import { SandboxStore } from "./store.js";
import type { SandboxState } from "./types.js";
import { TelemetryModel } from "./telemetry-series.js";
import { telemetryRoutes } from "./routes-telemetry.js";
import { FLYWP_PREFIX, FlyWpSandbox } from "./flywp-api.js";

export { SandboxStore } from "./store.js";
export { DEFAULT_TRANSITION_MS } from "./machine-lifecycle.js";
export type { SandboxSeed } from "./seeds.js";
export type { SandboxState } from "./types.js";
export { PLANTED_TOKEN } from "./seed-demo.js";
export { INCIDENT } from "./telemetry-incident.js";
export { FLYWP_PREFIX, FlyWpSandbox } from "./flywp-api.js";
export type { LogBook, LogLine, AppendLine } from "./log-book.js";

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  seed?: SandboxSeed;
  /** Start from this fleet instead of the seed (a copy of live state, for `apply --rehearse`); a state file still wins. */
  state?: SandboxState;
  /** Persist the fleet here after every change and reload it on start (it wins over the seed). */
  stateFile?: string;
  /** Accept only this token; any non-empty token when unset. */
  token?: string;
  latencyMs?: number;
  /** Probability (0–1) that a request meets an injected fault. */
  faultRate?: number;
  faultSeed?: number;
  /** Fly's rate limits with 429 + Retry-After; on unless false (scale tests turn them off). */
  rateLimits?: boolean;
  /**
   * How long machines stay in starting/stopping/... before they arrive; DEFAULT_TRANSITION_MS
   * unless set, 0 lands changes at once (fast unit tests). Infinity keeps every change in flight
   * until `settle()` lands it: tests drive arrivals with it.
   */
  transitionMs?: number;
  /**
   * Cut org-wide listings (/v1/orgs/{org}/machines and /volumes) short at times, with
   * next_cursor, as Fly says it may: some machine pages are empty, some pages of either hold
   * half the limit or less. Deterministic, so a client's pager meets it on every run. Off
   * unless true: a page then holds `limit` items.
   */
  shortPages?: boolean;
  /**
   * The sandbox's start time: the demo incident (25 minutes before it), the scale fleets' recent
   * events and the synthetic logs and metrics are placed relative to it; the sandbox's clock runs on
   * from it. Default: the clock when the sandbox starts.
   */
  now?: Date;
  /**
   * FlyWP's API under /flywp/api/v1: its token (made up at start when unset) and its limit, 60
   * requests a minute unless a test shortens the window or lowers the limit.
   */
  flywp?: { token?: string; limit?: number; windowMs?: number };
  log?: Logger;
}

export interface Sandbox {
  /** http://HOST:PORT — what FLY_API_HOSTNAME should be (clients add /v1). */
  url: string;
  restBaseUrl: string;
  graphqlUrl: string;
  /** What FLY_API_BASE_URL should be: the logs API lives under /api/v1. */
  apiBaseUrl: string;
  /** What FLY_PROMETHEUS_URL should be: `{prometheusUrl}/{org}/api/v1/query`. */
  prometheusUrl: string;
  /** When the sandbox started, by its own clock (see `now`). */
  startedAt: Date;
  /** The apps' logs; `append` adds a line now (sandbox only), for testing `fly logs --follow`. */
  logs: LogBook;
  token: string | undefined;
  /** The lines a shell needs to point flyops at this sandbox. */
  exports: string[];
  /** The same settings as environment variables, for child processes in tests. */
  env: Record<string, string>;
  store: SandboxStore;
  /** FlyWP's demo account and the counts of its API (requests, 429s). */
  flywp: FlyWpSandbox;
  /** What FLYWP_API_URL should be. */
  flywpUrl: string;
  /** Lands every machine change still in flight now (see `transitionMs`). */
  settle(): void;
  close(): Promise<void>;
}

/** What FLY_API_TOKEN is set to when the sandbox was started without --token: plainly not a credential. */
export const SANDBOX_PLACEHOLDER_TOKEN = "sandbox-placeholder-token";

export function sandboxRoutes(deps: RouteDeps): Route[] {
  return [
    ...appRoutes(deps),
    ...machineRoutes(deps),
    ...machineActionRoutes(deps),
    ...leaseRoutes(deps),
    ...machineInfoRoutes(deps),
    ...machineMetaRoutes(deps),
    ...orgRoutes(deps),
    ...volumeRoutes(deps),
    ...secretRoutes(deps),
    ...ipRoutes(deps),
    ...certRoutes(deps),
    ...platformRoutes(deps),
    ...mpgRoutes(deps),
  ];
}

/** Seeded times read like Fly's (RFC 3339 to the second) when they are placed relative to the start. */
function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? silentLogger;
  const host = options.host ?? "127.0.0.1";
  let saved;
  try {
    saved = options.stateFile ? await readStateFile(options.stateFile) : undefined;
  } catch (error) {
    throw new FlyopsError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const start = options.now ?? new Date();
  const store = new SandboxStore(
    saved ?? options.state ?? seedState(options.seed ?? "demo", wholeSeconds(start)),
  );
  const lifecycle = new MachineLifecycle(store, options.transitionMs ?? DEFAULT_TRANSITION_MS);
  const realStart = Date.now();
  const startMs = start.getTime();
  const nowMs = (): number => startMs + (Date.now() - realStart);
  const logs = new LogBook(store, startMs / 1000, nowMs);
  const model = new TelemetryModel(store, startMs / 1000);
  const router = new Router([
    ...sandboxRoutes({ store, lifecycle, leases: new LeaseBook(), shortPages: options.shortPages ?? false }),
    ...telemetryRoutes({ store, logs, model, nowMs }),
  ]);
  const flywp = new FlyWpSandbox({
    // Plainly not a FlyWP token, and a new one every run: nothing in the repository works as one.
    token: options.flywp?.token ?? `flywp-sandbox-${randomBytes(12).toString("hex")}`,
    startMs,
    nowMs,
    limit: options.flywp?.limit,
    windowMs: options.flywp?.windowMs,
    account: saved?.flywp,
  });
  const writer = options.stateFile
    ? new StateFileWriter(
        options.stateFile,
        () => ({ ...store.toState(), flywp: structuredClone(flywp.account) }),
        (e) => log.warn(`sandbox: could not write state file: ${e.message}`),
      )
    : undefined;
  if (writer) {
    store.onChange(() => writer.schedule());
    flywp.onChange(() => writer.schedule());
    if (!saved) writer.schedule();
  }
  const { server, closeRequests } = createSandboxServer({
    flywp,
    store,
    router,
    token: options.token,
    latencyMs: options.latencyMs ?? 0,
    faults: options.faultRate ? new FaultInjector(options.faultRate, options.faultSeed ?? 1) : undefined,
    limiter: options.rateLimits === false ? undefined : new ServerRateLimiter(),
    log,
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new FlyopsError(
          `sandbox cannot listen on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`,
          {
            hint:
              error.code === "EADDRINUSE"
                ? "another process uses that port; pick another with --port"
                : undefined,
            cause: error,
          },
        ),
      );
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });

  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const env = {
    FLY_API_HOSTNAME: url,
    FLY_GRAPHQL_URL: `${url}/graphql`,
    // api.fly.io's REST APIs (logs, Managed Postgres) under flyctl's two names for it.
    FLY_API_BASE_URL: url,
    FLY_UIEX_BASE_URL: url,
    FLY_PROMETHEUS_URL: `${url}/prometheus`,
    FLY_API_TOKEN: options.token ?? SANDBOX_PLACEHOLDER_TOKEN,
    FLYWP_API_URL: `${url}${FLYWP_PREFIX}`,
    FLYWP_API_TOKEN: flywp.token,
  };
  let closed: Promise<void> | undefined;
  return {
    url,
    restBaseUrl: url,
    graphqlUrl: env.FLY_GRAPHQL_URL,
    apiBaseUrl: env.FLY_API_BASE_URL,
    prometheusUrl: env.FLY_PROMETHEUS_URL,
    startedAt: new Date(startMs),
    logs,
    token: options.token,
    exports: Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    env,
    store,
    flywp,
    flywpUrl: env.FLYWP_API_URL,
    settle: () => lifecycle.settle(),
    close: () => {
      closed ??= (async () => {
        lifecycle.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          closeRequests();
        });
        await writer?.flush();
      })();
      return closed;
    },
  };
}
