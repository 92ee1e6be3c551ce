import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sandboxHome } from "../support/sandbox-home.js";

/**
 * The built CLI: a plan that copies GITHUB_TOKEN into an app is blocked by `plan check`, `plan
 * approve` and `apply` until the config file's secrets.allow_env names it; then it is applied.
 */

const world = sandboxHome({ prefix: "flyops-allow-env-", sandbox: { seed: "demo" } });
// Assembled at run time; the sandbox takes any value.
const VALUE = "ghp_" + "allowEnvCanary".repeat(3);

function writePlan(): string {
  const plan = {
    version: 1,
    request: "give demo-web the CI token",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "One secret for demo-web.",
    steps: [
      {
        id: "s1",
        tool: "secrets_set",
        reason: "asked",
        input: { app: "demo-web", secrets: { CI_TOKEN: { fromEnv: "GITHUB_TOKEN" } } },
      },
    ],
    preconditions: [],
  };
  writeFileSync(join(world.dir, "token.json"), JSON.stringify(plan));
  return "token.json";
}

function allow(names: string[]): Record<string, string> {
  const file = join(world.dir, "flyops.yaml");
  writeFileSync(file, `secrets:\n  allow_env: [${names.join(", ")}]\n`);
  return { FLYOPS_CONFIG: file, GITHUB_TOKEN: VALUE };
}

describe("secrets.allow_env", () => {
  it("without it, check, approve and apply refuse GITHUB_TOKEN and say how to allow it", async () => {
    const file = writePlan();
    const env = allow([]);
    const check = await world.cli(["plan", "check", file], env);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("GITHUB_TOKEN is a credential variable of GitHub");
    expect(check.stdout).toContain("list GITHUB_TOKEN under secrets.allow_env in the flyops config file");
    const approve = await world.cli(["plan", "approve", file, "--by", "dana"], env);
    expect(approve.code).toBe(1);
    const apply = await world.cli(["apply", file, "--yes"], env);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("list GITHUB_TOKEN under secrets.allow_env");
    expect(world.sandbox.store.secrets("demo-web").map((s) => s.name)).not.toContain("CI_TOKEN");
    for (const run of [check, approve, apply]) expect(run.stdout + run.stderr).not.toContain(VALUE);
  });

  it("with it, the plan is checked, approved and applied", async () => {
    const file = writePlan();
    const env = allow(["GITHUB_TOKEN"]);
    expect((await world.cli(["plan", "check", file], env)).code).toBe(0);
    const approve = await world.cli(["plan", "approve", file, "--by", "dana"], env);
    expect(approve.code, approve.stderr).toBe(0);
    const apply = await world.cli(["apply", file, "--yes"], env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(world.sandbox.store.secretValue("demo-web", "CI_TOKEN")).toBe(VALUE);
    expect(apply.stdout + apply.stderr).not.toContain(VALUE);
  });
});
