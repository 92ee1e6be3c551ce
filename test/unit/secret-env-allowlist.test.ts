import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, RefusedError } from "../../src/errors.js";
import { parseConfigText, secretsAllowEnv } from "../../src/config/index.js";
import { resolveSecrets } from "../../src/plan/apply/resolve-secrets.js";
import { validatePlan } from "../../src/plan/check/validator.js";
import { envSourceRefusal } from "../../src/security/secret-sources.js";

/**
 * `fromEnv` may not name another tool's credential variable unless the config file's
 * secrets.allow_env lists it; flyops's and flyctl's own credentials stay refused either way.
 * Checked where a plan is judged (the validator) and where it is run (resolveSecrets).
 */

const OTHER_TOOLS = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "GOOGLE_CREDENTIALS",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "GH_ENTERPRISE_TOKEN",
  "NPM_TOKEN",
  "NODE_AUTH_TOKEN",
  "DOCKER_PASSWORD",
  "DOCKER_AUTH_CONFIG",
  "github_token",
];
const OWN = ["FLY_API_TOKEN", "OPENAI_API_KEY", "FLYOPS_MODEL_API_KEY"];

function planReading(name: string): Record<string, unknown> {
  return {
    version: 1,
    request: "copy a secret",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Set one secret.",
    steps: [
      {
        id: "s1",
        tool: "secrets_set",
        reason: "asked",
        input: { app: "demo-web", secrets: { APP_SECRET: { fromEnv: name } } },
      },
    ],
    preconditions: [],
  };
}

const blocks = (name: string, allowEnv?: string[]) =>
  validatePlan(planReading(name), { allowDestructive: false, allowEnv }).findings.filter(
    (finding) => finding.rule === "secret-source",
  );

describe("the validator", () => {
  it.each(OTHER_TOOLS)("blocks fromEnv %s, naming the allowlist key", (name) => {
    const findings = blocks(name);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe("block");
    expect(findings[0]!.message).toContain("steps[0].input.secrets.APP_SECRET.fromEnv");
    expect(findings[0]!.message).toContain(`list ${name.toUpperCase()} under secrets.allow_env`);
  });

  it.each(OTHER_TOOLS)("lets fromEnv %s through when secrets.allow_env lists it", (name) => {
    expect(blocks(name, [name.toUpperCase()])).toEqual([]);
    // Listing another variable allows nothing else.
    expect(blocks(name, ["SOME_OTHER_NAME"])).toHaveLength(1);
  });

  it.each(OWN)("keeps refusing flyops's own %s, listed or not", (name) => {
    for (const allowEnv of [undefined, [name]]) {
      const findings = blocks(name, allowEnv);
      expect(findings).toHaveLength(1);
      expect(findings[0]!.message).toContain("a plan may not copy flyops's or flyctl's own credentials");
    }
  });

  it("leaves an app's own variables alone", () => {
    for (const name of ["DATABASE_URL", "STRIPE_KEY", "GITHUB_WEBHOOK_SECRET", "AWS_REGION"])
      expect(blocks(name)).toEqual([]);
  });
});

describe("resolveSecrets at apply", () => {
  const resolve = (name: string, allowEnv?: string[]) =>
    resolveSecrets(
      { APP_SECRET: { fromEnv: name } },
      { env: { [name]: "a-value-of-it" }, cwd: "/", allowEnv },
    );

  it.each(OTHER_TOOLS)("refuses %s, with the allowlist key in the hint", async (name) => {
    const error = await resolve(name).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as RefusedError).message).toContain(`refusing to read environment variable ${name}`);
    expect((error as RefusedError).hint).toContain("secrets.allow_env");
    expect(`${(error as RefusedError).message}${(error as RefusedError).hint}`).not.toContain(
      "a-value-of-it",
    );
  });

  it.each(OTHER_TOOLS)("reads %s when allowed", async (name) => {
    expect(await resolve(name, [name])).toEqual({ APP_SECRET: "a-value-of-it" });
  });

  it("never reads flyops's own credentials, allowed or not", async () => {
    for (const name of OWN) await expect(resolve(name, [name])).rejects.toBeInstanceOf(RefusedError);
  });
});

describe("secrets.allow_env in the config file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "flyops-allow-env-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is read from the file FLYOPS_CONFIG names, and is empty without one", () => {
    const file = join(dir, "config.yaml");
    writeFileSync(file, "secrets:\n  allow_env: [GITHUB_TOKEN, NPM_TOKEN]\n");
    expect(secretsAllowEnv({ FLYOPS_CONFIG: file })).toEqual(["GITHUB_TOKEN", "NPM_TOKEN"]);
    expect(secretsAllowEnv({ XDG_CONFIG_HOME: dir })).toEqual([]);
  });

  it("accepts only variable names", () => {
    expect(() => parseConfigText("secrets:\n  allow_env: ['A B']\n", "c.yaml")).toThrow(ConfigError);
    expect(() => parseConfigText("secrets:\n  allow_env: GITHUB_TOKEN\n", "c.yaml")).toThrow(ConfigError);
  });

  it("is named in the refusal's hint", () => {
    expect(envSourceRefusal("AWS_SECRET_ACCESS_KEY")?.hint).toBe(
      "if this app is meant to get it, list AWS_SECRET_ACCESS_KEY under secrets.allow_env in the flyops config file",
    );
  });
});
