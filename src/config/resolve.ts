import { ConfigError } from "../errors.js";
import { configFilePath, loadConfigFile, nonEmpty, type Env } from "./config-file.js";
import { appFromFlyToml } from "./fly-toml.js";

export const DEFAULT_REST_BASE_URL = "https://api.machines.dev";
export const DEFAULT_GRAPHQL_URL = "https://api.fly.io/graphql";
/** flyctl's default for FLY_API_BASE_URL (internal/config/config.go; the logs API) and FLY_UIEX_BASE_URL (internal/uiex/client.go; Managed Postgres). */
export const DEFAULT_API_BASE_URL = "https://api.fly.io";
/** FlyWP's API (https://docs-2kj.pages.dev/api/overview: "All API requests go to https://app.flywp.com/api/v1"). */
export const DEFAULT_FLYWP_API_URL = "https://app.flywp.com/api/v1";

export interface ResolveConfigOptions {
  /** From --app. */
  app?: string;
  /** From --org. */
  org?: string;
  env?: Env;
  cwd?: string;
}

export interface ResolvedConfig {
  token?: string;
  /** Where the token came from, e.g. "FLY_API_TOKEN" or "fly.api_token in ~/.config/flyops/config.yaml". Never the value. */
  tokenSource?: string;
  /** Undefined means every org the token can see. */
  org?: string;
  orgSource?: string;
  app?: string;
  appSource?: string;
  /** Machines API origin; request paths carry "/v1". */
  restBaseUrl: string;
  graphqlUrl: string;
  /** api.fly.io: the logs API (`/api/v1/apps/{app}/logs`). */
  apiBaseUrl: string;
  /** Fly's Prometheus API, without the org: `{prometheusUrl}/{org}/api/v1/query`. */
  prometheusUrl: string;
  /** Managed Postgres's origin: flyctl reads FLY_UIEX_BASE_URL for it; else apiBaseUrl. */
  mpgBaseUrl: string;
  model?: string;
  modelSource?: string;
  /** The config file that was read, or would have been read had it existed. */
  configPath: string;
  /** secrets.allow_env: other tools' credential variables a plan's fromEnv may read. */
  secretsAllowEnv: string[];
  /** FlyWP's token: flywp.api_token in the config file, then FLYWP_API_TOKEN. */
  flywpToken?: string;
  flywpTokenSource?: string;
  /** FlyWP's API base, FLYWP_API_URL; paths such as /servers go below it. */
  flywpUrl: string;
}

interface Sourced {
  value: string;
  source: string;
}

/**
 * Resolves credentials, org, app and endpoints per DESIGN.md. Each setting takes the first
 * non-empty source; an empty value counts as unset, so `FLY_ORG=` falls through to the next.
 */
export function resolveConfig(options: ResolveConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configPath = configFilePath(env);
  const file = loadConfigFile(configPath, nonEmpty(env.FLYOPS_CONFIG) !== undefined);
  const inFile = (key: string): string => `${key} in ${configPath}`;

  const token = first([
    [file.fly?.api_token, inFile("fly.api_token")],
    [env.FLY_API_TOKEN, "FLY_API_TOKEN"],
    [env.FLY_ACCESS_TOKEN, "FLY_ACCESS_TOKEN"],
  ]);
  const org = first([
    [options.org, "--org"],
    [file.fly?.org_slug, inFile("fly.org_slug")],
    [env.FLY_ORG, "FLY_ORG"],
    [env.FLY_ORG_SLUG, "FLY_ORG_SLUG"],
  ]);
  // A per-invocation variable outranks the file for the model, so one run can try another model.
  const model = first([
    [env.FLYOPS_MODEL, "FLYOPS_MODEL"],
    [file.model, inFile("model")],
  ]);
  const flywpToken = first([
    [file.flywp?.api_token, inFile("flywp.api_token")],
    [env.FLYWP_API_TOKEN, "FLYWP_API_TOKEN"],
  ]);
  const apiBaseUrl = endpoint(env.FLY_API_BASE_URL, DEFAULT_API_BASE_URL, "FLY_API_BASE_URL");
  const app =
    first([
      [options.app, "--app"],
      [env.FLY_APP, "FLY_APP"],
    ]) ?? fromFlyToml(cwd);

  return {
    token: token?.value,
    tokenSource: token?.source,
    org: org?.value,
    orgSource: org?.source,
    app: app?.value,
    appSource: app?.source,
    restBaseUrl: restBaseUrl(env.FLY_API_HOSTNAME),
    graphqlUrl: endpoint(env.FLY_GRAPHQL_URL, DEFAULT_GRAPHQL_URL, "FLY_GRAPHQL_URL"),
    apiBaseUrl,
    // flyctl has no variable for it; Fly's docs give https://api.fly.io/prometheus/<org-slug>/.
    prometheusUrl: endpoint(env.FLY_PROMETHEUS_URL, `${apiBaseUrl}/prometheus`, "FLY_PROMETHEUS_URL"),
    mpgBaseUrl: endpoint(env.FLY_UIEX_BASE_URL, apiBaseUrl, "FLY_UIEX_BASE_URL"),
    model: model?.value,
    modelSource: model?.source,
    configPath,
    secretsAllowEnv: file.secrets?.allow_env ?? [],
    flywpToken: flywpToken?.value,
    flywpTokenSource: flywpToken?.source,
    flywpUrl: endpoint(env.FLYWP_API_URL, DEFAULT_FLYWP_API_URL, "FLYWP_API_URL"),
  };
}

/** The token, or a ConfigError that names every place that was tried. */
export function requireToken(config: ResolvedConfig): string {
  if (config.token !== undefined) return config.token;
  throw new ConfigError(
    `no Fly API token: set FLY_API_TOKEN or FLY_ACCESS_TOKEN, or fly.api_token in ${config.configPath}`,
    {
      hint: "create a token with `fly tokens create org` (or `fly auth token`), or try flyops offline with --sandbox",
    },
  );
}

/**
 * Which provider a front works with when none is named: Fly when a Fly token is configured,
 * FlyWP when only a FlyWP token is, else Fly (whose missing token is then the error to report).
 */
export function defaultProvider(config: Pick<ResolvedConfig, "token" | "flywpToken">): "fly" | "flywp" {
  return config.token === undefined && config.flywpToken !== undefined ? "flywp" : "fly";
}

function first(candidates: readonly (readonly [string | undefined, string])[]): Sourced | undefined {
  for (const [raw, source] of candidates) {
    const value = nonEmpty(raw);
    if (value !== undefined) return { value, source };
  }
  return undefined;
}

function fromFlyToml(cwd: string): Sourced | undefined {
  const found = appFromFlyToml(cwd);
  return found === undefined ? undefined : { value: found.app, source: found.path };
}

// flyctl's FLY_API_HOSTNAME is an origin; accept one that already ends in /v1 since paths add it.
function restBaseUrl(raw: string | undefined): string {
  return endpoint(raw, DEFAULT_REST_BASE_URL, "FLY_API_HOSTNAME").replace(/\/v1$/, "");
}

function endpoint(raw: string | undefined, fallback: string, variable: string): string {
  const value = nonEmpty(raw);
  if (value === undefined) return fallback;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${variable} is not a valid URL: ${value}`, {
      hint: `set ${variable} to a URL such as ${fallback}`,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${variable} must be an http or https URL, not ${url.protocol}`, {
      hint: `set ${variable} to a URL such as ${fallback}`,
    });
  }
  return withScheme.replace(/\/+$/, "");
}
