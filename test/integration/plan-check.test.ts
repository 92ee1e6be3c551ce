import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containsToken } from "../../src/security/redact.js";
import { FAKE_TOKEN, FLYCTL_CASES, type FlyctlCase } from "../fixtures/flyctl-cases.js";
import { runCli } from "../support/cli.js";

interface JsonFinding {
  step?: string;
  rule: string;
  severity: "block" | "warn";
  message: string;
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flyops-plan-check-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function planOf(cases: readonly FlyctlCase[]): object {
  return {
    version: 1,
    request: "judge many flyctl lines",
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary: "One raw flyctl step per case of the fixture.",
    steps: cases.map((c, index) => ({
      id: `c${index}`,
      tool: "flyctl",
      reason: c.why,
      input: { args: c.args },
    })),
    preconditions: [],
  };
}

async function writePlan(name: string, content: object | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

function expectedRules(c: FlyctlCase): { block: string[]; warn: string[] } {
  // The plan-wide token rule adds to the flyctl rules for lines that carry a token-shaped string.
  const token = c.args.some((arg) => containsToken(arg)) ? ["token"] : [];
  return { block: [...new Set([...c.block, ...token])].sort(), warn: [...c.warn] };
}

function actualRules(findings: JsonFinding[], step: string): { block: string[]; warn: string[] } {
  const mine = findings.filter((f) => f.step === step);
  const of = (severity: string): string[] =>
    [...new Set(mine.filter((f) => f.severity === severity).map((f) => f.rule))].sort();
  return { block: of("block"), warn: of("warn") };
}

describe("flyops plan check (built CLI)", () => {
  for (const allowDestructive of [false, true]) {
    const policy = allowDestructive ? "--allow-destructive" : "default policy";
    it(`judges every fixture line in one plan, ${policy}`, async () => {
      // An empty argument list is not a valid flyctl step at all (the schema wants one argument).
      const cases = FLYCTL_CASES.filter((c) => c.allowDestructive === allowDestructive && c.args.length > 0);
      expect(cases.length).toBeGreaterThan(250);
      const file = await writePlan(`all-${allowDestructive}.json`, planOf(cases));
      const args = ["plan", "check", file, "--json", ...(allowDestructive ? ["--allow-destructive"] : [])];
      const { code, stdout, stderr } = await runCli(args, { timeoutMs: 60_000 });
      expect(stderr).toBe("");
      expect(code).toBe(1);
      const output = JSON.parse(stdout) as { ok: boolean; findings: JsonFinding[] };
      expect(output.ok).toBe(false);
      for (const finding of output.findings) {
        expect(Object.keys(finding)).toEqual(["step", "rule", "severity", "message"]);
      }
      const mismatches = cases
        .map((c, index) => ({
          why: c.why,
          args: c.args,
          expected: expectedRules(c),
          actual: actualRules(output.findings, `c${index}`),
        }))
        .filter((m) => JSON.stringify(m.expected) !== JSON.stringify(m.actual));
      expect(mismatches).toEqual([]);
      expect(stdout).not.toContain(FAKE_TOKEN);
    });
  }

  it("exits 0 for a plan that may run, warnings included", async () => {
    const runnable = FLYCTL_CASES.filter((c) => !c.allowDestructive && c.verdict !== "block");
    expect(runnable.some((c) => c.verdict === "warn")).toBe(true);
    const file = await writePlan("runnable.json", planOf(runnable));
    const { code, stdout } = await runCli(["plan", "check", file, "--json"]);
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as { ok: boolean; findings: JsonFinding[] };
    expect(output.ok).toBe(true);
    expect(output.findings.every((f) => f.severity === "warn")).toBe(true);
  });

  it("lets destructive steps through with --destroyer, and only then", async () => {
    const destructive = FLYCTL_CASES.filter(
      (c) => c.allowDestructive && c.verdict === "ok" && c.path === "apps destroy",
    );
    const file = await writePlan("destroy.json", planOf(destructive));
    expect((await runCli(["plan", "check", file, "--json"])).code).toBe(1);
    expect((await runCli(["plan", "check", file, "--destroyer", "--json"])).code).toBe(0);
    expect((await runCli(["plan", "check", file, "--raw", "--allow-destructive"])).code).toBe(0);
  });

  it("prints each finding's step, rule and message for a person", async () => {
    const file = await writePlan("human.json", {
      ...planOf([]),
      steps: [
        {
          id: "stop",
          tool: "machines_stop",
          reason: "r",
          input: { app: "my-app", machine_id: "148ed123a45678" },
        },
        { id: "rm", tool: "flyctl", reason: "r", input: { args: ["destroy", "my-app", "-y"] } },
        {
          id: "dep",
          tool: "flyctl",
          reason: "r",
          input: { args: ["deploy", "-a", "my-app", "-i", "registry.fly.io/my-app:v2"] },
        },
      ],
    });
    const { code, stdout } = await runCli(["plan", "check", file]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "BLOCK rm [destructive] flyctl apps destroy my-app --yes (from `destroy my-app -y`)",
    );
    expect(stdout).toContain(
      "WARN  dep [flyctl-confirm-flag] flyctl deploy --app=my-app --image=registry.fly.io/my-app:v2",
    );
    expect(stdout).toContain("blocked by 1 finding(s)");
    expect(stdout).not.toContain(" stop ");
  });

  it("exits 2 when the file cannot be read or is not JSON", async () => {
    const missing = await runCli(["plan", "check", join(dir, "nope.json"), "--json"]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("cannot read plan file");
    const broken = await runCli(["plan", "check", await writePlan("broken.json", "{ not json"), "--json"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("is not valid JSON");
    expect((await runCli(["plan", "check"])).code).toBe(2);
  });

  it("exits 2 for a plan with a key written twice, naming where", async () => {
    const plan = JSON.stringify({
      ...planOf([]),
      steps: [
        {
          id: "s1",
          tool: "machines_stop",
          reason: "r",
          input: { app: "my-app", machine_id: "148ed123a45678" },
        },
      ],
    }).replace('"reason":"r"', '"reason":"r","tool":"machines_destroy"');
    const { code, stdout, stderr } = await runCli([
      "plan",
      "check",
      await writePlan("duplicate.json", plan),
      "--json",
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("has the key steps[0].tool twice");
  });

  it("exits 1, not 2, for valid JSON that is not a valid plan", async () => {
    const { code, stdout } = await runCli([
      "plan",
      "check",
      await writePlan("not-a-plan.json", { version: 2 }),
      "--json",
    ]);
    expect(code).toBe(1);
    const output = JSON.parse(stdout) as { findings: JsonFinding[] };
    expect(output.findings.every((f) => f.rule === "schema" && f.step === undefined)).toBe(true);
  });
});
