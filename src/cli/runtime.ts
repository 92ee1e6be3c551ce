import type { Command } from "commander";
import { Agent } from "undici";
import type { ToolContext } from "../../tools/define-tool.js";
import { ConfigError } from "../errors.js";
import { requireToken, resolveConfig, type ResolvedConfig } from "../config/index.js";
import { nonEmpty, type Env } from "../config/config-file.js";
import { createFlyClients } from "../fly/create-clients.js";
import { flyWpApi, type FlyWpApi } from "../flywp/api.js";
import { FlyWpClient } from "../flywp/client.js";
import type { RecordedRequest } from "../fly/http.js";
import type { RateLimiter } from "../fly/limiter.js";
import { MODEL_KEY_VARIABLES } from "../llm/select.js";
import { silentLogger, type Logger } from "../logger.js";
import { heldCredentials } from "../security/secret-sources.js";

export interface RuntimeOptions {
  app?: string;
  org?: string;
  /** Start the embedded sandbox (demo seed) and point every client at it. */
  sandbox?: boolean;
  env?: Env;
  cwd?: string;
  log?: Logger;
  signal?: AbortSignal;
  onRequest?: (r: RecordedRequest) => void;
  /** The client-side pacing of Fly's limits; a new one per runtime unless given (tests pass one on a virtual clock). */
  limiter?: RateLimiter;
  /** Clients that send reads only, refusing anything else before it leaves (src/fly/read-only.ts). */
  readOnly?: boolean;
}

export interface Runtime {
  ctx: ToolContext;
  config: ResolvedConfig;
  /** Every secret value this process holds (Fly tokens, model API keys), for the redactor. */
  credentials: string[];
  close(): Promise<void>;
}

/** The flags every command that talks to Fly accepts, as commander hands them over. */
export interface RuntimeFlags {
  app?: string;
  org?: string;
  sandbox?: boolean;
  /** The command only reads from Fly: its clients refuse anything else (`apply --rehearse`). */
  readOnly?: boolean;
}

export function addRuntimeOptions(cmd: Command): Command {
  return cmd
    .option("--app <name>", "Fly app to work on (default: FLY_APP, then `app` in ./fly.toml)")
    .option(
      "--org <slug>",
      "Fly organization slug (default: fly.org_slug in the config file, then FLY_ORG, then FLY_ORG_SLUG; unset means every org the token can see)",
    )
    .option(
      "--sandbox",
      "run against an embedded local Fly sandbox with demo data; no Fly token needed, nothing real is touched",
    );
}

function queryText(query: Record<string, string>): string {
  const text = new URLSearchParams(query).toString();
  return text === "" ? "" : `?${text}`;
}

/**
 * Configuration, clients and the ToolContext for one command run. With `sandbox`, an
 * in-process sandbox stands in for Fly: its token is used, and only --app / --org count,
 * since a FLY_APP or fly.toml meant for the real Fly names nothing in the demo fleet.
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const log = options.log ?? silentLogger;
  const resolved = resolveConfig({ app: options.app, org: options.org, env, cwd: options.cwd });
  const credentials = collectCredentials(resolved, env);
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  let config = resolved;
  let closeSandbox: (() => Promise<void>) | undefined;
  let token: string;
  // Set when only FlyWP is configured: every Fly request then fails with this, before it is sent.
  let noFlyToken: ConfigError | undefined;
  try {
    if (options.sandbox) {
      // Loaded only when asked for: ordinary runs should not pay for the emulator's code.
      const { startSandbox, SANDBOX_PLACEHOLDER_TOKEN } = await import("../sandbox/index.js");
      const sandbox = await startSandbox({ port: 0, seed: "demo", log });
      let changed = false;
      sandbox.store.onChange(() => (changed = true));
      sandbox.flywp.onChange(() => (changed = true));
      closeSandbox = async () => {
        await sandbox.close();
        // The embedded fleet lives as long as this command: a change made to it is gone now.
        if (changed) log.warn(SANDBOX_CHANGES_LOST);
      };
      token = sandbox.token ?? SANDBOX_PLACEHOLDER_TOKEN;
      config = {
        ...sandboxConfig(resolved, sandbox, token, options),
        flywpToken: sandbox.flywp.token,
        flywpTokenSource: "sandbox",
        flywpUrl: sandbox.flywpUrl,
      };
      log.info(`using the embedded sandbox at ${sandbox.url}`);
    } else if (resolved.token === undefined && resolved.flywpToken !== undefined) {
      token = "";
      noFlyToken = noTokenError(resolved);
    } else {
      token = requireToken(resolved);
    }
  } catch (error) {
    await dispatcher.close();
    throw error;
  }
  const refuseFly = (): void => {
    if (noFlyToken) throw noFlyToken;
  };
  const fly = createFlyClients({
    restBaseUrl: config.restBaseUrl,
    graphqlUrl: config.graphqlUrl,
    apiBaseUrl: config.apiBaseUrl,
    prometheusUrl: config.prometheusUrl,
    mpgBaseUrl: config.mpgBaseUrl,
    token,
    log,
    dispatcher,
    limiter: options.limiter,
    readOnly: options.readOnly,
    // --verbose shows every request, so a person can count what a command costs.
    onRequest: (r) => {
      refuseFly();
      log.debug(`request: ${r.method} ${r.path}${queryText(r.query)}`);
      options.onRequest?.(r);
    },
    onOtherRequest: refuseFly,
    onMpgRequest: refuseFly,
    onGraphQLRequest: (r) => {
      refuseFly();
      const operation = (r.body as { operationName?: unknown } | undefined)?.operationName;
      log.debug(`request: POST graphql ${typeof operation === "string" ? operation : ""}`.trimEnd());
    },
  });
  const flywp = flyWpFor(config, dispatcher, log);
  return {
    ctx: { fly, ...(flywp ? { flywp } : {}), org: config.org, app: config.app, signal: options.signal, log },
    config,
    credentials,
    close: async () => {
      await dispatcher.close();
      await closeSandbox?.();
    },
  };
}

function noTokenError(config: ResolvedConfig): ConfigError {
  try {
    requireToken(config);
  } catch (error) {
    if (error instanceof ConfigError) return error;
  }
  return new ConfigError("no Fly API token");
}

/** FlyWP's API when a FlyWP token is configured; its requests show with --verbose too. */
function flyWpFor(config: ResolvedConfig, dispatcher: Agent, log: Logger): FlyWpApi | undefined {
  if (config.flywpToken === undefined) return undefined;
  const client = new FlyWpClient({
    baseUrl: config.flywpUrl,
    token: config.flywpToken,
    dispatcher,
    log,
    onRequest: (r) => log.debug(`request: ${r.method} flywp ${r.path}`),
  });
  return flyWpApi(client);
}

export const SANDBOX_CHANGES_LOST =
  "the changes went to the embedded sandbox, which ended with this command, so they are gone; to keep a sandbox between commands, run `flyops sandbox --state FILE` in another terminal and point flyops at it with the exports it prints";

function sandboxConfig(
  resolved: ResolvedConfig,
  urls: Pick<ResolvedConfig, "restBaseUrl" | "graphqlUrl" | "apiBaseUrl" | "prometheusUrl">,
  token: string,
  flags: RuntimeOptions,
): ResolvedConfig {
  return {
    ...resolved,
    token,
    tokenSource: "sandbox",
    org: nonEmpty(flags.org),
    orgSource: nonEmpty(flags.org) === undefined ? undefined : "--org",
    app: nonEmpty(flags.app),
    appSource: nonEmpty(flags.app) === undefined ? undefined : "--app",
    restBaseUrl: urls.restBaseUrl,
    graphqlUrl: urls.graphqlUrl,
    apiBaseUrl: urls.apiBaseUrl,
    prometheusUrl: urls.prometheusUrl,
    // The sandbox serves api.fly.io's REST routes (Managed Postgres too) on the same origin.
    mpgBaseUrl: urls.apiBaseUrl,
  };
}

// Values shorter than this are not credentials anyone issues, and redacting them would maul ordinary text.
const MIN_SECRET_LENGTH = 8;

/**
 * What a command that builds no runtime (plan check, plan approve) holds: the runtime's list and
 * every credential variable, so that its validator blocks a plan holding any of them.
 */
export function heldByConfig(env: Env, cwd?: string): string[] {
  return heldCredentials(env, collectCredentials(resolveConfig({ env, cwd }), env));
}

/** Every credential in reach, whether or not it was the one chosen: each must stay out of logs and models. */
function collectCredentials(config: ResolvedConfig, env: Env): string[] {
  const values = new Set<string>();
  const add = (raw: string | undefined): void => {
    const value = raw?.trim();
    if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
    values.add(value);
    // A bundle's parts, and a token without its scheme, can each show up alone.
    const bare = value.replace(/^(FlyV1|Bearer)\s+/i, "");
    if (bare !== value) add(bare);
    if (bare.includes(",")) for (const part of bare.split(",")) add(part);
  };
  add(config.token);
  add(config.flywpToken);
  for (const name of ["FLY_API_TOKEN", "FLY_ACCESS_TOKEN", "FLYWP_API_TOKEN", ...MODEL_KEY_VARIABLES])
    add(env[name]);
  return [...values];
}
