import { accessSync, constants, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import { execa } from "execa";
import { Redactor } from "../security/redact.js";
import { FlyopsError } from "../errors.js";

/**
 * The flyctl runner. flyctl runs as a program found once on PATH, with an argument array (never
 * a shell), a child environment built from an allowlist, a timeout and a bounded output buffer.
 *
 * Environment. Nothing of our own environment reaches flyctl except the names in ENV_ALLOWLIST
 * (locale, home and XDG folders, proxies, CA bundles). The credentials and endpoints are then set
 * from OUR resolved configuration, never inherited: FLY_API_TOKEN is our token (FLY_ACCESS_TOKEN
 * is not passed, so flyctl cannot pick a different one), and the Machines API and GraphQL base
 * URLs are the ones flyops itself talks to (FLY_FLAPS_BASE_URL is flyctl's name for the
 * Machines API, FLY_API_BASE_URL for the GraphQL API; FLY_API_HOSTNAME and FLY_GRAPHQL_URL are
 * set too). So flyctl acts on the same Fly (or sandbox) that preconditions were checked against,
 * and nothing in a plan or in the caller's shell can point it somewhere else or swap its token.
 * FLY_API_BASE_URL is flyctl's GraphQL base WITHOUT the "/graphql" path, so it is derived only
 * when our GraphQL URL's path really ends in /graphql (parsed as a URL, query and fragment
 * dropped); for any other GraphQL URL it is left unset and flyctl uses its own default
 * (https://api.fly.io, or `api_base_url` in its config file): point FLY_GRAPHQL_URL at a
 * `…/graphql` URL when flyctl steps must follow it. FLY_SEND_METRICS=0: flyctl sends no usage
 * metrics, so the operator's token never travels to flyctl's metrics endpoint.
 *
 * Working directory. flyctl reads ./fly.toml (and builds from ./ on deploy) wherever it runs, so
 * every run gets a new, empty temporary folder as its cwd, removed afterwards: a plan applied
 * from a project checkout acts on the app its args name (`--app`, required by the validator),
 * never on the app the checkout's fly.toml names, and uploads nothing from it.
 */

export const FLYCTL_INSTALL_URL = "https://fly.io/docs/flyctl/install/";

const ENV_ALLOWLIST = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "TERM",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_CACHE_HOME",
  "XDG_STATE_HOME",
  "XDG_RUNTIME_DIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "SYSTEMROOT",
]);

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_MAX_BUFFER = 8 * 1024 * 1024;
const STDERR_TAIL = 2000;

export interface FlyctlEndpoints {
  token: string;
  /** Machines API base without "/v1", as in our configuration (FLY_API_HOSTNAME). */
  restBaseUrl: string;
  graphqlUrl: string;
}

export interface FlyctlRunnerOptions extends FlyctlEndpoints {
  /** The caller's environment: only allowlisted names are taken from it, and PATH is searched. */
  env?: NodeJS.ProcessEnv;
  /** Every output is passed through it; the token is added to it. */
  redactor?: Redactor;
  timeoutMs?: number;
  maxBuffer?: number;
}

export interface FlyctlRunOptions {
  /** Written to flyctl's standard input, e.g. NAME=VALUE lines for `secrets import`. */
  stdin?: string;
  signal?: AbortSignal;
}

export interface FlyctlResult {
  /** The command as a person would read it, redacted. */
  command: string;
  stdout: string;
  stderr: string;
}

export class FlyctlNotFoundError extends FlyopsError {
  constructor() {
    super("flyctl is not installed: neither `flyctl` nor `fly` was found on PATH", {
      hint: `install flyctl (${FLYCTL_INSTALL_URL}) and make sure its folder is on PATH`,
    });
  }
}

export class FlyctlFailedError extends FlyopsError {
  readonly flyctlExitCode: number | undefined;
  /** The command as a person reads it (redacted) and what happened, without flyctl's output. */
  readonly command: string;
  readonly reason: string;
  /**
   * The end of flyctl's standard error (redacted). For `ssh console -C` or `machine exec` this is
   * the remote command's own output: a caller that keeps or forwards errors (the apply journal,
   * a model) takes `command` and `reason` only (see plan/apply/step.ts).
   */
  readonly output: string;

  constructor(command: string, reason: string, stderr: string, flyctlExitCode: number | undefined) {
    const tail = stderr.trim().slice(-STDERR_TAIL);
    super(`\`${command}\` ${reason}${tail ? `: ${tail}` : ""}`, {
      hint: "see flyctl's message above; run the command by hand with the same arguments to investigate",
    });
    this.flyctlExitCode = flyctlExitCode;
    this.command = command;
    this.reason = reason;
    this.output = tail;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of `flyctl`, else `fly`, on PATH. Relative PATH entries (".", "") are
 * skipped: a plan applied from inside a checkout must not run a `flyctl` that the checkout ships.
 */
export function findFlyctl(
  pathValue: string | undefined,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const dirs = (pathValue ?? "").split(delimiter).filter((dir) => dir !== "" && isAbsolute(dir));
  const suffixes = platform === "win32" ? [".exe", ""] : [""];
  for (const name of ["flyctl", "fly"]) {
    for (const dir of dirs) {
      for (const suffix of suffixes) {
        const candidate = join(dir, name + suffix);
        if (isExecutableFile(candidate)) return candidate;
      }
    }
  }
  return undefined;
}

/** flyctl's FLY_API_BASE_URL for our GraphQL URL: the URL without a final "/graphql" path, or undefined. */
export function graphqlApiBase(graphqlUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(graphqlUrl);
  } catch {
    return undefined;
  }
  const path = url.pathname.replace(/\/$/, "");
  if (!path.endsWith("/graphql")) return undefined;
  url.pathname = path.slice(0, -"/graphql".length) || "/";
  url.search = "";
  url.hash = "";
  return url.href.replace(/\/$/, "");
}

/** The whole environment flyctl gets. Exported so that the allowlist itself is tested. */
export function flyctlEnv(endpoints: FlyctlEndpoints, parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (ENV_ALLOWLIST.has(name) || name.startsWith("LC_")) env[name] = value;
  }
  const restBase = endpoints.restBaseUrl.replace(/\/+$/, "");
  const graphqlUrl = endpoints.graphqlUrl;
  const apiBase = graphqlApiBase(graphqlUrl);
  return {
    ...env,
    FLY_API_TOKEN: endpoints.token,
    FLY_API_HOSTNAME: restBase,
    FLY_FLAPS_BASE_URL: restBase,
    FLY_GRAPHQL_URL: graphqlUrl,
    ...(apiBase === undefined ? {} : { FLY_API_BASE_URL: apiBase }),
    // Output is captured and shown to a person or a log, never a terminal: no colors, no prompts, no update nags.
    NO_COLOR: "1",
    FLY_NO_UPDATE_CHECK: "1",
    // No usage metrics: nothing goes to flyctl's metrics endpoint, least of all with our token.
    FLY_SEND_METRICS: "0",
  };
}

/** How a person reads the command: the program name and its arguments, quoted where needed. */
export function displayCommand(args: readonly string[]): string {
  const quoted = args.map((arg) =>
    /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`,
  );
  return ["flyctl", ...quoted].join(" ");
}

export class FlyctlRunner {
  readonly #options: FlyctlRunnerOptions;
  readonly #redactor: Redactor;
  #program: string | undefined;

  constructor(options: FlyctlRunnerOptions) {
    this.#options = options;
    this.#redactor = options.redactor ?? new Redactor();
    this.#redactor.add(options.token);
  }

  /** Found on first use, then kept: every step of an apply runs the same binary. */
  program(): string {
    this.#program ??= findFlyctl((this.#options.env ?? process.env).PATH);
    if (this.#program === undefined) throw new FlyctlNotFoundError();
    return this.#program;
  }

  async run(args: readonly string[], options: FlyctlRunOptions = {}): Promise<FlyctlResult> {
    const program = this.program();
    const command = this.#redactor.redact(displayCommand(args));
    // An empty folder of its own: no fly.toml, Dockerfile or source for flyctl to pick up.
    const cwd = await mkdtemp(join(tmpdir(), "flyops-flyctl-"));
    let result;
    try {
      result = await execa(program, [...args], {
        cwd,
        shell: false,
        extendEnv: false,
        env: flyctlEnv(this.#options, this.#options.env ?? process.env),
        input: options.stdin ?? "",
        timeout: this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: this.#options.maxBuffer ?? DEFAULT_MAX_BUFFER,
        cancelSignal: options.signal,
        reject: false,
        windowsHide: true,
      });
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
    const stdout = this.#redactor.redact(String(result.stdout ?? ""));
    const stderr = this.#redactor.redact(String(result.stderr ?? ""));
    if (result.timedOut) throw new FlyctlFailedError(command, "timed out", stderr, undefined);
    if (result.isMaxBuffer)
      throw new FlyctlFailedError(command, "printed more output than flyops keeps", stderr, undefined);
    if (result.isCanceled) throw new FlyctlFailedError(command, "was cancelled", stderr, undefined);
    if (result.exitCode !== 0) {
      const reason =
        result.exitCode === undefined
          ? `was killed (${result.signal ?? "signal"})`
          : `exited with ${result.exitCode}`;
      throw new FlyctlFailedError(command, reason, stderr, result.exitCode);
    }
    return { command, stdout, stderr };
  }

  /**
   * Stages secrets through `flyctl secrets import --stage`: NAME=VALUE lines on standard input, so
   * no value is ever on a command line (where `ps` and shell history would see it). Multi-line
   * values use flyctl's triple-quote form. `--stage`, as the REST secrets endpoint does: the
   * secrets are stored and machines get them at their next deploy or update; without it flyctl
   * would redeploy every machine of the app, which the plan did not say.
   */
  async importSecrets(
    app: string,
    values: Readonly<Record<string, string>>,
    options: { signal?: AbortSignal } = {},
  ): Promise<FlyctlResult> {
    for (const value of Object.values(values)) this.#redactor.add(value);
    const lines = Object.entries(values).map(([name, value]) => {
      if (!value.includes("\n")) return `${name}=${value}`;
      if (value.includes('"""')) {
        throw new FlyopsError(
          `the value of secret ${name} has several lines and contains """, which flyctl secrets import cannot read`,
          {
            hint: "use the REST secrets endpoint (the default) for this secret",
          },
        );
      }
      return `${name}="""${value}"""`;
    });
    return this.run(["secrets", "import", "--stage", "--app", app], {
      stdin: `${lines.join("\n")}\n`,
      signal: options.signal,
    });
  }
}
