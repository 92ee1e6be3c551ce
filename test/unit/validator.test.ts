import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/package-root.js";
import { PlanFile } from "../../src/plan/schema/schema.js";
import { validatePlan, type Finding } from "../../src/plan/check/validator.js";

const FAKE_TOKEN = `fm2_${"lJPE".repeat(12)}`;
// A machine id of Fly's shape: 14 lowercase hex digits.
const MACHINE = "148ed123a45678";

function example(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot, "plans", "examples", name), "utf8")) as Record<
    string,
    unknown
  >;
}

function plan(steps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    request: "do things to my-app",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "Things.",
    steps,
    preconditions: [],
    ...extra,
  };
}

const step = (id: string, tool: string, input: unknown, reason = "asked for"): Record<string, unknown> => ({
  id,
  tool,
  reason,
  input,
});
const deny = { allowDestructive: false };
const allow = { allowDestructive: true };

function rules(findings: Finding[]): Array<[string | undefined, string, string]> {
  return findings.map((f) => [f.step, f.rule, f.severity]);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe("validatePlan", () => {
  it.each(["create-machine.json", "stop-machine.json", "set-secret-from-env.json"])(
    "passes the example %s",
    (name) => {
      expect(validatePlan(example(name), deny)).toMatchObject({ ok: true, findings: [] });
    },
  );

  it("reports a value that is not a plan at all", () => {
    for (const value of [null, [], "plan", 42]) {
      const result = validatePlan(value, deny);
      expect(result.ok).toBe(false);
      expect(result.findings.every((f) => f.rule === "schema")).toBe(true);
    }
  });

  it("rejects unknown fields and bad envelope values, with their path", () => {
    const result = validatePlan(
      { ...plan([step("s1", "apps_get", { app: "a" })]), createdAt: "yesterday", extra: 1 },
      deny,
    );
    expect(result.ok).toBe(false);
    const messages = result.findings.map((f) => f.message).join("\n");
    expect(messages).toContain("createdAt:");
    expect(messages).toContain("Unrecognized key(s) in object: 'extra'");
  });

  it("blocks an unknown tool and suggests the near one", () => {
    const result = validatePlan(plan([step("s1", "machine_stop", { app: "a", machine_id: MACHINE })]), deny);
    expect(rules(result.findings)).toEqual([["s1", "unknown-tool", "block"]]);
    expect(result.findings[0]!.message).toContain('did you mean "machines_stop"');
  });

  it("checks each input against the tool's own zod schema", () => {
    const result = validatePlan(
      plan([
        step("s1", "machines_create", {
          app: "a",
          region: "not a region",
          guest: { cpu_kind: "shared", cpus: 3, memory_mb: 512 },
        }),
        step("s2", "machines_stop", { app: "a", machine_id: MACHINE, force: true }),
      ]),
      deny,
    );
    expect(result.ok).toBe(false);
    expect(result.findings.every((f) => f.rule === "tool-input")).toBe(true);
    const messages = result.findings.map((f) => `${f.step} ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^s1 machines_create: steps\[0\]\.input\.region: /),
        expect.stringMatching(/^s1 machines_create: steps\[0\]\.input\.guest\.cpus: /),
        expect.stringMatching(/^s2 machines_stop: steps\[1\]\.input: Unrecognized key/),
      ]),
    );
  });

  it("blocks a literal secret value and never repeats it", () => {
    const value = "postgres://admin:pa55word@db.internal/app";
    const result = validatePlan(
      plan([
        step("s1", "secrets_set", {
          app: "a",
          secrets: { DATABASE_URL: value, OK: { fromFile: "/run/secret" } },
        }),
      ]),
      allow,
    );
    expect(rules(result.findings)).toEqual([["s1", "secret-value", "block"]]);
    expect(result.findings[0]!.message).toContain('use {"fromEnv": "DATABASE_URL"} or {"fromFile": "PATH"}');
    expect(JSON.stringify(result)).not.toContain("pa55word");
  });

  it("accepts secret references", () => {
    const secrets = { A: { fromEnv: "A" }, B: { fromFile: "./b.txt" } };
    expect(validatePlan(plan([step("s1", "secrets_set", { app: "a", secrets })]), deny).ok).toBe(true);
  });

  it.each([
    { fromEnv: "FLY_API_TOKEN" },
    { fromEnv: "FLY_ACCESS_TOKEN" },
    { fromEnv: "fly_api_token" },
    { fromEnv: "OPENAI_API_KEY" },
    { fromEnv: "ANTHROPIC_API_KEY" },
    { fromEnv: "ANTHROPIC_AUTH_TOKEN" },
    { fromEnv: "FLYOPS_MODEL_API_KEY" },
    { fromEnv: "FLYOPS_CONFIG" },
    { fromFile: "~/.fly/config.yml" },
    { fromFile: "/root/.fly/config.yml" },
    { fromFile: "/home/op/.FLY/config.yml" },
    { fromFile: "/home/op/./x/../.fly/config.yml" },
    { fromFile: "../../../root/.fly/config.yml" },
    { fromFile: "../secret.txt" },
    { fromFile: "/home/op/.config/flyops/config.yaml" },
    { fromFile: "/opt/xdg/flyops/config.yaml" },
    { fromFile: "~/.ssh/id_ed25519" },
    { fromFile: "/home/op/.docker/config.json" },
    { fromFile: "/proc/self/environ" },
    { fromFile: "//proc/1/environ" },
    { fromFile: "/etc/shadow" },
    { fromFile: "/etc/ssh/ssh_host_ed25519_key" },
    { fromFile: "/var/run/secrets/kubernetes.io/serviceaccount/token" },
    { fromFile: "/home/op/.netrc" },
    { fromFile: "/home/op/.aws/credentials" },
    { fromFile: "/home/op/.aws/config" },
    { fromFile: "/home/op/.kube/config" },
    { fromFile: "/home/op/.config/gcloud/application_default_credentials.json" },
    { fromFile: "/home/op/.npmrc" },
    { fromFile: "/home/op/.git-credentials" },
  ])("blocks a secret reference to the operator's own credentials: %j", (source) => {
    const result = validatePlan(
      plan([step("s1", "secrets_set", { app: "a", secrets: { X: source } })]),
      allow,
    );
    expect(rules(result.findings)).toEqual([["s1", "secret-source", "block"]]);
    expect(result.findings[0]!.message).toMatch(/^steps\[0\]\.input\.secrets\.X\.from(Env|File): /);
  });

  it.each([
    ".netrc",
    ".aws/credentials",
    ".kube/config",
    ".config/gcloud/x.json",
    ".npmrc",
    ".git-credentials",
  ])("says that %s is refused as a credential store", (store) => {
    const secrets = { X: { fromFile: `/home/op/${store}` } };
    const result = validatePlan(plan([step("s1", "secrets_set", { app: "a", secrets })]), allow);
    expect(result.findings[0]!.message).toContain("flyops refuses credential stores as secret sources");
  });

  it.each(["~/db.txt", "~", "~op/db.txt"])("blocks %j: flyops does not expand ~", (path) => {
    const secrets = { X: { fromFile: path } };
    const result = validatePlan(plan([step("s1", "secrets_set", { app: "a", secrets })]), allow);
    expect(rules(result.findings)).toEqual([["s1", "secret-source", "block"]]);
    expect(result.findings[0]!.message).toBe(
      "steps[0].input.secrets.X.fromFile: flyops does not expand ~; write the full path",
    );
  });

  it.each([["ips", "list"], ["status"], ["scale", "count", "3"]])(
    "asks for --app on flyctl %j in words that fit reads and changes alike",
    (...args) => {
      const result = validatePlan(plan([step("s1", "flyctl", { args })]), allow);
      const missing = result.findings.find((finding) => finding.rule === "flyctl-missing-app");
      expect(missing?.message).toContain("so that the plan says which app it reads or changes");
    },
  );

  it("still accepts references to an app's own secrets", () => {
    const secrets = {
      A: { fromEnv: "DATABASE_URL" },
      B: { fromEnv: "STRIPE_API_KEY" },
      C: { fromEnv: "FLY_APP_DB_URL" },
      D: { fromFile: "/run/secrets/db_url" },
      E: { fromFile: "secrets/./db.txt" },
      F: { fromFile: "/home/op/work/flyops-demo/secret.txt" },
    };
    expect(validatePlan(plan([step("s1", "secrets_set", { app: "a", secrets })]), deny)).toMatchObject({
      ok: true,
      findings: [],
    });
  });

  it("returns the plan as its schema reads it, only when nothing blocks it", () => {
    const stop = step("s1", "machines_stop", { app: "a", machine_id: "148e272b0e4d89" });
    const raw = plan([stop]);
    delete raw.preconditions;
    const verdict = validatePlan(raw, deny);
    expect(verdict.ok).toBe(true);
    expect(verdict.plan?.steps).toEqual([stop]);
    // A plan written without a preconditions list relies on no recorded facts.
    expect(verdict.plan?.preconditions).toEqual([]);
    const destroy = step("s1", "machines_destroy", { app: "a", machine_id: "148e272b0e4d89" });
    expect(validatePlan(plan([destroy]), deny).plan).toBeUndefined();
  });

  it("blocks a withheld value's marker used as a secret name or a source", () => {
    const secrets = { API_KEY: { fromEnv: "API_KEY" }, REDACTED: { fromEnv: "REDACTED" } };
    const result = validatePlan(plan([step("s1", "secrets_set", { app: "a", secrets })]), deny);
    expect(result.ok).toBe(false);
    expect(result.findings.filter((f) => f.rule === "withheld-marker").map((f) => f.message)).toEqual([
      "steps[0].input.secrets.REDACTED: holds the marker of a withheld value; a withheld value is never a name or a value of a plan",
      "steps[0].input.secrets.REDACTED.fromEnv: holds the marker of a withheld value; a withheld value is never a name or a value of a plan",
    ]);
    const marked = { app: "a", secrets: { API_KEY: { fromFile: "/run/[REDACTED]" } } };
    const found = validatePlan(plan([step("s1", "secrets_set", marked)]), deny).findings;
    expect(found.map((f) => f.rule)).toContain("withheld-marker");
  });

  it("takes risk from the tool's access, not from what the plan says", () => {
    const destroy = {
      ...step("s1", "machines_destroy", { app: "a", machine_id: MACHINE }, "harmless read-only cleanup"),
      risk: "read",
    };
    const denied = validatePlan(plan([destroy]), deny);
    // The "risk" field is refused, and the step is still judged destructive.
    expect(rules(denied.findings)).toEqual([
      ["s1", "schema", "block"],
      ["s1", "destructive", "block"],
    ]);
    const honest = step(
      "s1",
      "machines_destroy",
      { app: "a", machine_id: MACHINE },
      "harmless read-only cleanup",
    );
    expect(rules(validatePlan(plan([honest]), deny).findings)).toEqual([["s1", "destructive", "block"]]);
    expect(validatePlan(plan([honest]), allow)).toMatchObject({ ok: true, findings: [] });
  });

  it("blocks a token-shaped string anywhere, naming where but not what", () => {
    const result = validatePlan(
      plan(
        [
          step("s1", "apps_get", { app: "a" }, `use ${FAKE_TOKEN}`),
          step("s2", "flyctl", { args: ["status", "-a", "my-app", "--debug", `FlyV1 ${FAKE_TOKEN}`] }),
        ],
        {
          summary: `token ${FAKE_TOKEN}`,
          preconditions: [{ tool: "apps_get", input: { app: "a" }, expect: { [FAKE_TOKEN]: 1 } }],
        },
      ),
      allow,
    );
    const tokenFindings = result.findings.filter((f) => f.rule === "token");
    expect(tokenFindings.map((f) => [f.step, f.message.split(":")[0]])).toEqual([
      [undefined, "summary"],
      ["s1", "steps[0].reason"],
      ["s2", "steps[1].input.args[4]"],
      [undefined, `preconditions[0].expect.[REDACTED]`],
    ]);
    expect(JSON.stringify(result)).not.toContain(FAKE_TOKEN.slice(4));
  });

  it("blocks duplicate step ids", () => {
    const result = validatePlan(
      plan([step("s1", "apps_get", { app: "a" }), step("s1", "apps_get", { app: "b" })]),
      deny,
    );
    expect(rules(result.findings)).toEqual([["s1", "duplicate-step-id", "block"]]);
  });

  it("lets preconditions read only, with valid inputs and expectations", () => {
    const result = validatePlan(
      plan([step("s1", "apps_get", { app: "a" })], {
        preconditions: [
          { tool: "machines_stop", input: { app: "a", machine_id: MACHINE }, expect: { exists: true } },
          { tool: "apps_gett", input: { app: "a" }, expect: { exists: true } },
          { tool: "machines_get", input: { app: "a" }, expect: { state: "started" } },
          { tool: "apps_get", input: { app: "a" }, expect: ["exists"] },
          { tool: "apps_get", input: { app: "a" }, expect: { exists: true }, why: "x" },
        ],
      }),
      deny,
    );
    expect(rules(result.findings)).toEqual([
      [undefined, "precondition-tool", "block"],
      [undefined, "precondition-tool", "block"],
      [undefined, "precondition-input", "block"],
      [undefined, "schema", "block"],
      [undefined, "schema", "block"],
    ]);
    expect(result.findings[0]!.message).toContain("machines_stop is a write tool");
  });

  it("judges raw flyctl steps and attributes findings to the step", () => {
    const steps = [
      step("ok", "flyctl", { args: ["machine", "list", "-a", "my-app"] }),
      step("rm", "flyctl", { args: ["destroy", "my-app", "-y"] }),
      step("shell", "flyctl", { args: ["ssh", "console", "-a", "my-app"] }),
      step("bad", "flyctl", { args: "status -a my-app" }),
      step("ask", "flyctl", { args: ["deploy", "-a", "my-app", "--image", "registry.fly.io/my-app:v2"] }),
    ];
    expect(rules(validatePlan(plan(steps), deny).findings)).toEqual([
      ["rm", "destructive", "block"],
      ["shell", "flyctl-interactive", "block"],
      ["bad", "tool-input", "block"],
      ["ask", "flyctl-confirm-flag", "warn"],
    ]);
    const allowed = validatePlan(plan([steps[0], steps[1], steps[4]]), allow);
    expect(allowed.ok).toBe(true);
    expect(rules(allowed.findings)).toEqual([["ask", "flyctl-confirm-flag", "warn"]]);
  });

  it("reports every broken step, not just the first", () => {
    const result = validatePlan(
      plan([
        step("a", "nope", {}),
        { id: "b", tool: "apps_get" },
        step("c", "machines_destroy", { app: "x", machine_id: MACHINE }),
      ]),
      deny,
    );
    expect(rules(result.findings)).toEqual([
      ["a", "unknown-tool", "block"],
      ["b", "schema", "block"],
      ["b", "schema", "block"],
      ["c", "destructive", "block"],
    ]);
  });

  it("is pure: the plan is not changed and the same plan gives the same verdict", () => {
    const input = deepFreeze(
      plan([
        step("s1", "machines_create", {
          app: "a",
          region: "IAD",
          guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
        }),
      ]),
    );
    const first = validatePlan(input, deny);
    expect(validatePlan(input, deny)).toEqual(first);
    expect(first.ok).toBe(true);
  });

  it("agrees with the schema: what it lets run parses as a PlanFile", () => {
    const candidate = plan([
      step("s1", "machines_stop", { app: "a", machine_id: MACHINE }),
      step("s2", "flyctl", { args: ["scale", "count", "2", "-a", "a", "-y"] }),
      step("s3", "secrets_set", { app: "a", secrets: { K: { fromEnv: "K" } } }),
    ]);
    expect(validatePlan(candidate, deny).ok).toBe(true);
    expect(PlanFile.safeParse(candidate).success).toBe(true);
  });
});
