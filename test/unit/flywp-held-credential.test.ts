import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runPlanApprove } from "../../src/cli/commands/plan-approve.js";
import { runPlanCheck } from "../../src/cli/commands/plan-check.js";
import { RefusedError } from "../../src/errors.js";
import { runApplyPlan } from "../../src/plan/apply/applier.js";
import { validatePlan } from "../../src/plan/check/validator.js";
import { reviewPlan } from "../../src/plan/check/review.js";
import { Redactor } from "../../src/security/redact.js";
import { withApproval } from "../../src/plan/schema/approval.js";

/**
 * A FlyWP token has no prefix a pattern knows. A plan holding the one this process holds is
 * blocked by `plan check`, `plan approve` and `apply`, as the maker blocks it, and never repeated.
 */

// An obvious fake, built at run time: no prefix, only letters and digits.
const TOKEN = `Zq${"9k".repeat(20)}`;
let dir: string;
let env: NodeJS.ProcessEnv;

function planWithToken(): Record<string, unknown> {
  return {
    version: 1,
    request: "r",
    createdAt: "2026-12-07T10:00:00Z",
    summary: "s",
    steps: [
      {
        id: "s1",
        tool: "flywp_crons_create",
        reason: "r",
        input: { server_id: 1, command: `wp option update api_key ${TOKEN}`, frequency: "0 0 * * *" },
      },
    ],
  };
}

function writePlan(plan: unknown): string {
  const file = join(dir, "plan.json");
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flyops-held-"));
  env = { HOME: dir, XDG_CONFIG_HOME: dir, FLYWP_API_TOKEN: TOKEN };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("a credential the process holds, inside a plan", () => {
  it("passes the validator without the held list (its shape is unknown), and is blocked with it", () => {
    expect(validatePlan(planWithToken(), { allowDestructive: false }).ok).toBe(true);
    const verdict = validatePlan(planWithToken(), { allowDestructive: false, credentials: [TOKEN] });
    expect(verdict.ok).toBe(false);
    expect(verdict.findings.map((f) => f.rule)).toContain("credential");
    expect(JSON.stringify(verdict.findings)).not.toContain(TOKEN);
  });

  it("is blocked by plan check", async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) };
    const { result, exitCode } = await runPlanCheck(writePlan(planWithToken()), {}, { io, env });
    expect(exitCode).toBe(1);
    expect(result.findings.map((f) => f.rule)).toContain("credential");
    expect(out.join("")).not.toContain(TOKEN);
  });

  it("is not approved by plan approve", async () => {
    const io = { stdout: () => undefined, stderr: () => undefined };
    const error = await runPlanApprove(
      writePlan(planWithToken()),
      { by: "lee" },
      { io, env, cwd: dir },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as Error).message).toContain("credential");
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("is refused by apply, even approved, before anything runs", async () => {
    const path = writePlan(withApproval(planWithToken(), "lee"));
    const progress: string[] = [];
    const report = await runApplyPlan(
      {
        planPath: path,
        yes: true,
        dryRun: false,
        resume: false,
        allowDestructive: true,
        ignoreDrift: false,
        secretsVia: "rest",
      },
      {
        ctx: {} as never,
        flyctl: () => {
          throw new Error("no flyctl in this test");
        },
        env,
        cwd: dir,
        redactor: new Redactor([TOKEN]),
        progress: (line) => progress.push(line),
      },
    );
    expect(report.status).toBe("refused");
    expect(report.findings.map((f) => f.rule)).toContain("credential");
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });
});

describe("plan show's review", () => {
  it("blocks a plan holding a held credential, without repeating it", async () => {
    const review = await reviewPlan(planWithToken(), {
      file: "plan.json",
      allowDestructive: false,
      credentials: [TOKEN],
    });
    expect(review.ok).toBe(false);
    expect(review.findings.map((f) => f.rule)).toContain("credential");
    expect(JSON.stringify(review.findings)).not.toContain(TOKEN);
  });
});
