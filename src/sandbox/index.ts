import type { AddressInfo } from "node:net";
import { FlyopsError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { FaultInjector } from "./faults.js";
import { MachineLifecycle } from "./machine-lifecycle.js";
import { ServerRateLimiter } from "./rate-limit.js";
import { Router, type Route } from "./router.js";
import type { RouteDeps } from "./route-deps.js";
import { appRoutes } from "./routes-apps.js";
import { certRoutes } from "./routes-certs.js";
import { ipRoutes } from "./routes-ips.js";
import { machineActionRoutes } from "./routes-machine-actions.js";
import { machineMetaRoutes } from "./routes-machine-meta.js";
import { machineRoutes } from "./routes-machines.js";
import { orgRoutes } from "./routes-orgs.js";
import { platformRoutes } from "./routes-platform.js";
import { secretRoutes } from "./routes-secrets.js";
import { volumeRoutes } from "./routes-volumes.js";
import { seedState, type SandboxSeed } from "./seeds.js";
import { createSandboxServer } from "./server.js";
import { readStateFile, StateFileWriter } from "./state-file.js";
import { SandboxStore } from "./store.js";

export { SandboxStore } from "./store.js";
export type { SandboxSeed } from "./seeds.js";
export { PLANTED_TOKEN } from "./seed-demo.js";

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  seed?: SandboxSeed;
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
   * How long machines stay in starting/stopping/... before they arrive; 0 lands changes at once.
   * Infinity keeps every change in flight until `settle()` lands it: tests drive arrivals with it.
   */
  transitionMs?: number;
  /**
   * Cut org-wide listings (/v1/orgs/{org}/machines and /volumes) short at times, with
   * next_cursor, as Fly says it may: some machine pages are empty, some pages of either hold
   * half the limit or less. Deterministic, so a client's pager meets it on every run. Off
   * unless true: a page then holds `limit` items.
   */
  shortPages?: boolean;
  log?: Logger;
}

export interface Sandbox {
  /** http://HOST:PORT — what FLY_API_HOSTNAME should be (clients add /v1). */
  url: string;
  restBaseUrl: string;
  graphqlUrl: string;
  token: string | undefined;
  /** The lines a shell needs to point flyops at this sandbox. */
  exports: string[];
  /** The same settings as environment variables, for child processes in tests. */
  env: Record<string, string>;
  store: SandboxStore;
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
    ...machineMetaRoutes(deps),
    ...orgRoutes(deps),
    ...volumeRoutes(deps),
    ...secretRoutes(deps),
    ...ipRoutes(deps),
    ...certRoutes(deps),
    ...platformRoutes(deps),
  ];
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
  const store = new SandboxStore(saved ?? seedState(options.seed ?? "demo"));
  const lifecycle = new MachineLifecycle(store, options.transitionMs ?? 0);
  const router = new Router(sandboxRoutes({ store, lifecycle, shortPages: options.shortPages ?? false }));
  const writer = options.stateFile
    ? new StateFileWriter(
        options.stateFile,
        () => store.toState(),
        (e) => log.warn(`sandbox: could not write state file: ${e.message}`),
      )
    : undefined;
  if (writer) {
    store.onChange(() => writer.schedule());
    if (!saved) writer.schedule();
  }
  const { server, closeRequests } = createSandboxServer({
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
    FLY_API_TOKEN: options.token ?? SANDBOX_PLACEHOLDER_TOKEN,
  };
  let closed: Promise<void> | undefined;
  return {
    url,
    restBaseUrl: url,
    graphqlUrl: env.FLY_GRAPHQL_URL,
    token: options.token,
    exports: Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    env,
    store,
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
