import { parseOptions } from "../options.js";
import { Command } from "commander";
import { z } from "zod";
import { nonEmpty } from "../../config/config-file.js";
import { UsageError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { DEFAULT_TRANSITION_MS, startSandbox, type Sandbox } from "../../sandbox/index.js";
import { parseSeed } from "../../sandbox/seeds.js";
import { interruptSignal } from "../interrupt.js";
import { processIo, type Io } from "../output.js";

export const SandboxCliOptions = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(4280),
  host: z.string().min(1).default("127.0.0.1"),
  seed: z.string().default("demo"),
  state: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  latency: z.coerce.number().int().min(0).default(0),
  faultRate: z.coerce.number().min(0).max(1).default(0),
  faultSeed: z.coerce.number().int().default(1),
  transitionMs: z.coerce.number().int().min(0).default(DEFAULT_TRANSITION_MS),
  rateLimits: z.boolean().default(true),
  shortPages: z.boolean().default(false),
  verbose: z.boolean().default(false),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
  fromLive: z.boolean().default(false),
  app: z.string().min(1).optional(),
  org: z.string().min(1).optional(),
});
/** The flags as commander hands them over (numbers still as text) or as a test passes them. */
export interface SandboxCliFlags {
  port?: string | number;
  host?: string;
  seed?: string;
  state?: string;
  token?: string;
  latency?: string | number;
  faultRate?: string | number;
  faultSeed?: string | number;
  transitionMs?: string | number;
  rateLimits?: boolean;
  shortPages?: boolean;
  verbose?: boolean;
  json?: boolean;
  raw?: boolean;
  fromLive?: boolean;
  app?: string;
  org?: string;
}

/** The sandbox's token from the environment: unlike --token, not on the command line for every process to read. */
export const SANDBOX_TOKEN_ENV = "FLYOPS_SANDBOX_TOKEN";

export interface SandboxDeps {
  io: Io;
  /** Where FLYOPS_SANDBOX_TOKEN is read. */
  env: NodeJS.ProcessEnv;
  /** Ctrl-C while --from-live copies live Fly: the reads end and nothing is written. */
  signal?: AbortSignal;
  /** Resolves when the sandbox should stop; by default on SIGINT or SIGTERM. */
  untilStopped?: () => Promise<string>;
}

interface StopWaiter {
  stopped: Promise<string>;
  dispose(): void;
}

/**
 * Waits for SIGINT/SIGTERM. The listeners stay until `dispose`, after shutdown: removing them
 * inside the handler would leave write-file-atomic's signal-exit as the only listener of a
 * signal still being dispatched, and it re-raises the signal, killing the state file's flush.
 */
function signalWaiter(): StopWaiter {
  let stop: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return {
    stopped,
    dispose: () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    },
  };
}

/**
 * `flyops sandbox`: serves the local Fly API until SIGINT/SIGTERM, then writes the state file
 * and returns. Stdout carries only shell lines (comments and exports), so it can be eval'd;
 * with --json, one JSON object instead.
 */
export async function runSandbox(rawOptions: SandboxCliFlags, deps: SandboxDeps): Promise<void> {
  const options = parseOptions(SandboxCliOptions, rawOptions);
  const seed = parseSeed(options.seed);
  if (seed === undefined)
    throw new UsageError(`invalid --seed "${options.seed}": use demo, empty or a number of apps`);
  const tokenFromEnv = options.token === undefined ? nonEmpty(deps.env[SANDBOX_TOKEN_ENV]) : undefined;
  if (options.token !== undefined)
    deps.io.stderr(
      `note: --token puts the token on the command line, where every process of this host can read it; set ${SANDBOX_TOKEN_ENV} instead\n`,
    );
  const log: Logger = {
    debug: (m) => (options.verbose ? deps.io.stderr(`${m}\n`) : undefined),
    info: (m) => deps.io.stderr(`${m}\n`),
    warn: (m) => deps.io.stderr(`warning: ${m}\n`),
  };
  let token = options.token ?? tokenFromEnv;
  if (options.fromLive) {
    const { fromLiveToken, snapshotFromLive } = await import("./sandbox-from-live.js");
    token = fromLiveToken(options.host, token);
    await snapshotFromLive(options, { io: deps.io, env: deps.env, log, signal: deps.signal });
  } else if (options.app !== undefined || options.org !== undefined) {
    throw new UsageError("--app and --org choose what --from-live copies; they need --from-live");
  }
  const sandbox = await startSandbox({
    port: options.port,
    host: options.host,
    seed,
    stateFile: options.state,
    token,
    latencyMs: options.latency,
    faultRate: options.faultRate,
    faultSeed: options.faultSeed,
    rateLimits: options.rateLimits,
    transitionMs: options.transitionMs,
    shortPages: options.shortPages,
    log,
  });
  // Listen before printing: whoever reads the address may signal at once.
  const waiter = deps.untilStopped
    ? { stopped: deps.untilStopped(), dispose: () => undefined }
    : signalWaiter();
  let signal: string;
  try {
    printBanner(sandbox, options, deps.io, tokenFromEnv !== undefined);
    signal = await waiter.stopped;
  } finally {
    await sandbox.close();
    waiter.dispose();
  }
  deps.io.stderr(
    `sandbox stopped (${signal})${options.state ? `; state written to ${options.state}` : ""}\n`,
  );
}

/**
 * With the token in FLYOPS_SANDBOX_TOKEN, the export line refers to that variable rather than
 * repeating the token, and --json leaves it out of `env`: the person already has it, and printed
 * output ends up in scrollback, logs and CI output.
 */
function printBanner(
  sandbox: Sandbox,
  options: z.infer<typeof SandboxCliOptions>,
  io: Io,
  tokenFromEnv: boolean,
): void {
  const exports = sandbox.exports.map((line) =>
    tokenFromEnv && line.startsWith("export FLY_API_TOKEN=")
      ? `export FLY_API_TOKEN="$${SANDBOX_TOKEN_ENV}"`
      : line,
  );
  if (options.json || options.raw) {
    const { url, restBaseUrl, graphqlUrl } = sandbox;
    const { FLY_API_TOKEN, ...rest } = sandbox.env;
    const env = tokenFromEnv ? rest : { ...rest, FLY_API_TOKEN };
    io.stdout(`${JSON.stringify({ url, restBaseUrl, graphqlUrl, exports, env })}\n`);
    return;
  }
  const extras = [
    options.state ? `state ${options.state}` : undefined,
    options.latency ? `latency ${options.latency}ms` : undefined,
    options.faultRate ? `fault rate ${options.faultRate}` : undefined,
    options.rateLimits ? undefined : "no rate limits",
    options.shortPages ? "short pages" : undefined,
  ].filter(Boolean);
  io.stdout(
    [
      `# flyops sandbox listening on ${sandbox.url} (${options.fromLive ? "a copy of live Fly" : `seed ${options.seed}`}${extras.length ? `, ${extras.join(", ")}` : ""})`,
      "# point flyops at it:",
      ...exports,
      // A real org, app or fly.toml setting names nothing in the sandbox fleet.
      "unset FLY_ORG FLY_ORG_SLUG FLY_APP",
      "",
    ].join("\n"),
  );
  io.stderr(
    "note: fly.api_token / fly.org_slug (and flywp.api_token) in the flyops config file win over these variables; point FLYOPS_CONFIG elsewhere if you have one\n" +
      "press Ctrl-C to stop\n",
  );
}

export function sandboxCommand(): Command {
  return new Command("sandbox")
    .option("--port <port>", "port to listen on (0 picks a free one)", "4280")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--seed <seed>", "demo (a fixed small fleet), empty, or a number N of generated apps", "demo")
    .option("--state <file>", "persist the fleet to FILE after every change and reload it on start")
    .option(
      "--token <token>",
      `accept only this API token (default: ${SANDBOX_TOKEN_ENV}, else any non-empty token); prefer ${SANDBOX_TOKEN_ENV}, which keeps the token off the command line`,
    )
    .option("--latency <ms>", "add this much latency to every request", "0")
    .option(
      "--fault-rate <p>",
      "inject 5xx, 429 and dropped connections into this fraction of requests (0-1)",
      "0",
    )
    .option("--fault-seed <n>", "seed of the fault sequence, to repeat a run exactly", "1")
    .option(
      "--transition-ms <ms>",
      "keep machines this long in starting/stopping/... before they arrive (0: at once)",
      String(DEFAULT_TRANSITION_MS),
    )
    .option("--no-rate-limits", "do not enforce Fly's rate limits")
    .option(
      "--short-pages",
      "cut org-wide machine and volume listings short (some machine pages empty) while more remain, as Fly may",
    )
    .option("--verbose", "log every request on stderr")
    .option("--json", "print the URLs and exports as JSON on stdout")
    .option("--raw", "alias of --json")
    .option(
      "--from-live",
      "first copy live Fly state into --state FILE by reads only (apps, machines, volumes, IPs, certificates, secret names), then serve it",
    )
    .option("--app <name>", "with --from-live: the app to copy")
    .option("--org <slug>", "with --from-live: copy every app of this organization")
    .addHelpText(
      "after",
      `
Examples:
  flyops sandbox --seed demo                                  # the demo fleet
  flyops sandbox --from-live --app my-app --state my-app.json # a copy of a live app to experiment on
  flyops sandbox --from-live --org my-org --state org.json    # every app of an org`,
    )
    .action(async (options: SandboxCliFlags) => {
      await runSandbox(options, { io: processIo, env: process.env, signal: interruptSignal });
    });
}
