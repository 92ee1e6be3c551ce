import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_GRAPHQL_URL,
  DEFAULT_REST_BASE_URL,
  requireToken,
  resolveConfig,
  type Env,
} from "../../src/config/index.js";
import { ConfigError } from "../../src/errors.js";

let dir: string;
let xdg: string;
let cwd: string;
const fileToken = "fm2_" + "f".repeat(40);
const envToken = "fm2_" + "e".repeat(40);
const accessToken = "fo1_" + "a".repeat(40);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flyops-config-"));
  xdg = join(dir, "xdg");
  cwd = join(dir, "project");
  mkdirSync(join(xdg, "flyops"), { recursive: true });
  mkdirSync(cwd);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const configPath = (): string => join(xdg, "flyops", "config.yaml");
const writeConfig = (text: string): void => writeFileSync(configPath(), text);
const resolve = (env: Env, flags: { app?: string; org?: string } = {}) =>
  resolveConfig({ ...flags, env: { XDG_CONFIG_HOME: xdg, ...env }, cwd });

describe("token", () => {
  it("prefers fly.api_token in the config file, then FLY_API_TOKEN, then FLY_ACCESS_TOKEN", () => {
    writeConfig(`fly:\n  api_token: ${fileToken}\n`);
    const all = resolve({ FLY_API_TOKEN: envToken, FLY_ACCESS_TOKEN: accessToken });
    expect(all.token).toBe(fileToken);
    expect(all.tokenSource).toBe(`fly.api_token in ${configPath()}`);
    writeConfig("model: local:rules\n");
    expect(resolve({ FLY_API_TOKEN: envToken, FLY_ACCESS_TOKEN: accessToken })).toMatchObject({
      token: envToken,
      tokenSource: "FLY_API_TOKEN",
    });
    expect(resolve({ FLY_API_TOKEN: "  ", FLY_ACCESS_TOKEN: `${accessToken}\n` })).toMatchObject({
      token: accessToken,
      tokenSource: "FLY_ACCESS_TOKEN",
    });
  });

  it("without any token, requireToken names both variables and the config path tried", () => {
    const config = resolve({});
    expect(config.token).toBeUndefined();
    const error = (() => {
      try {
        requireToken(config);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("FLY_API_TOKEN");
    expect(message).toContain("FLY_ACCESS_TOKEN");
    expect(message).toContain(configPath());
    expect((error as ConfigError).exitCode).toBe(1);
  });
});

describe("org", () => {
  it("takes --org, then fly.org_slug, then FLY_ORG, then FLY_ORG_SLUG; empty means every org", () => {
    writeConfig("fly:\n  org_slug: from-file\n");
    const env = { FLY_ORG: "from-fly-org", FLY_ORG_SLUG: "from-slug" };
    expect(resolve(env, { org: "from-flag" })).toMatchObject({ org: "from-flag", orgSource: "--org" });
    expect(resolve(env).org).toBe("from-file");
    writeConfig("fly:\n  org_slug: ''\n");
    expect(resolve(env)).toMatchObject({ org: "from-fly-org", orgSource: "FLY_ORG" });
    expect(resolve({ FLY_ORG: "", FLY_ORG_SLUG: "from-slug" }).org).toBe("from-slug");
    expect(resolve({ FLY_ORG: "" }).org).toBeUndefined();
  });
});

describe("app", () => {
  it("takes --app, then FLY_APP, then app in ./fly.toml", () => {
    writeFileSync(
      join(cwd, "fly.toml"),
      'app = "from-toml"\nprimary_region = "iad"\n[http_service]\ninternal_port = 8080\n',
    );
    expect(resolve({ FLY_APP: "from-env" }, { app: "from-flag" })).toMatchObject({
      app: "from-flag",
      appSource: "--app",
    });
    expect(resolve({ FLY_APP: "from-env" })).toMatchObject({ app: "from-env", appSource: "FLY_APP" });
    expect(resolve({})).toMatchObject({ app: "from-toml", appSource: join(cwd, "fly.toml") });
  });

  it("has no app when fly.toml is absent or names none", () => {
    expect(resolve({}).app).toBeUndefined();
    writeFileSync(join(cwd, "fly.toml"), 'primary_region = "iad"\n');
    expect(resolve({}).app).toBeUndefined();
  });

  it("reports a malformed fly.toml by path, but only when it is needed", () => {
    writeFileSync(join(cwd, "fly.toml"), 'app = "unterminated\n');
    expect(() => resolve({})).toThrow(ConfigError);
    expect(() => resolve({})).toThrow(join(cwd, "fly.toml"));
    expect(resolve({ FLY_APP: "given" }).app).toBe("given");
  });
});

describe("config file", () => {
  it("lives under XDG_CONFIG_HOME, else ~/.config, and FLYOPS_CONFIG overrides both", () => {
    expect(resolve({}).configPath).toBe(configPath());
    const home = join(dir, "home");
    expect(resolveConfig({ env: { HOME: home }, cwd }).configPath).toBe(
      join(home, ".config", "flyops", "config.yaml"),
    );
    const custom = join(dir, "custom.yaml");
    writeFileSync(custom, `fly:\n  api_token: ${fileToken}\nmodel: openai:gpt-4o-mini\n`);
    const config = resolve({ FLYOPS_CONFIG: custom });
    expect(config).toMatchObject({ configPath: custom, token: fileToken, model: "openai:gpt-4o-mini" });
  });

  it("names the file and the YAML problem when the file is malformed", () => {
    writeConfig("fly:\n  api_token: [unclosed\n");
    let error: unknown;
    try {
      resolve({});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(configPath());
    expect((error as ConfigError).message).toMatch(/not valid YAML \(line \d+, column \d+\): \S/);
  });

  it("names the field whose type is wrong", () => {
    writeConfig("fly:\n  api_token: 12345\n");
    expect(() => resolve({})).toThrow(/fly\.api_token/);
    writeConfig("- just\n- a list\n");
    expect(() => resolve({})).toThrow(ConfigError);
  });

  it("treats an empty file as no settings, and reports an explicit FLYOPS_CONFIG that is missing", () => {
    writeConfig("");
    expect(resolve({}).token).toBeUndefined();
    expect(() => resolve({ FLYOPS_CONFIG: join(dir, "missing.yaml") })).toThrow(
      /missing\.yaml.*FLYOPS_CONFIG/,
    );
  });
});

describe("endpoints and model", () => {
  it("defaults to Fly's public endpoints", () => {
    expect(resolve({})).toMatchObject({
      restBaseUrl: DEFAULT_REST_BASE_URL,
      graphqlUrl: DEFAULT_GRAPHQL_URL,
    });
    expect(DEFAULT_REST_BASE_URL).toBe("https://api.machines.dev");
    expect(DEFAULT_GRAPHQL_URL).toBe("https://api.fly.io/graphql");
  });

  it("takes FLY_API_HOSTNAME as an origin (a trailing /v1 is dropped) and FLY_GRAPHQL_URL as is", () => {
    const config = resolve({
      FLY_API_HOSTNAME: "http://127.0.0.1:4280/v1/",
      FLY_GRAPHQL_URL: "http://127.0.0.1:4280/graphql",
    });
    expect(config.restBaseUrl).toBe("http://127.0.0.1:4280");
    expect(config.graphqlUrl).toBe("http://127.0.0.1:4280/graphql");
    expect(resolve({ FLY_API_HOSTNAME: "api.machines.dev" }).restBaseUrl).toBe("https://api.machines.dev");
    expect(() => resolve({ FLY_API_HOSTNAME: "http://[bad" })).toThrow(/FLY_API_HOSTNAME/);
  });

  it("takes the model from FLYOPS_MODEL, then the config file", () => {
    writeConfig("model: anthropic:claude-sonnet\n");
    expect(resolve({})).toMatchObject({
      model: "anthropic:claude-sonnet",
      modelSource: `model in ${configPath()}`,
    });
    expect(resolve({ FLYOPS_MODEL: "local:rules" })).toMatchObject({
      model: "local:rules",
      modelSource: "FLYOPS_MODEL",
    });
  });
});
