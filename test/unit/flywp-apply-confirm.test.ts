import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlyctlRunner } from "../../src/fly/flyctl.js";
import { runApplyPlan, type ApplyIo } from "../../src/plan/apply/applier.js";
import { withApproval } from "../../src/plan/schema/approval.js";
import { Redactor } from "../../src/security/redact.js";
import { STARTED, planWith, sandboxWorld, writePlan, type SandboxWorld } from "./applier-fixture.js";

/** The apply's question names whom the steps act on, from their tools. */

let world: SandboxWorld;
beforeAll(async () => {
  world = await sandboxWorld();
});
afterAll(async () => {
  await world.close();
});

function io(questions: string[]): ApplyIo {
  const redactor = new Redactor(world.runtime.credentials);
  return {
    ctx: world.runtime.ctx,
    flyctl: () => new FlyctlRunner({ token: "", restBaseUrl: "", graphqlUrl: "", env: {}, redactor }),
    env: {},
    cwd: world.dir,
    redactor,
    progress: () => undefined,
    confirm: (question) => (questions.push(question), Promise.resolve(false)),
  };
}

async function question(name: string, steps: unknown[]): Promise<string[]> {
  const path = writePlan(world.dir, name, withApproval(planWith(steps), "tester"));
  const questions: string[] = [];
  const report = await runApplyPlan(
    {
      planPath: path,
      yes: false,
      dryRun: false,
      resume: false,
      allowDestructive: false,
      ignoreDrift: false,
      secretsVia: "rest",
    },
    io(questions),
  );
  expect(report.message).toContain("you declined");
  return questions;
}

const backup = { id: "s1", tool: "flywp_backups_create", reason: "r", input: { server_id: 1, site_id: 11 } };
const stop = { id: "s2", tool: "machines_stop", reason: "r", input: { ...STARTED } };

describe("apply's confirmation", () => {
  it("names FlyWP for a FlyWP-only plan, and both providers for a mixed one", async () => {
    expect(await question("wp.json", [backup])).toEqual(["Run 1 step(s) against FlyWP?"]);
    expect(await question("both.json", [stop, backup])).toEqual(["Run 2 step(s) against Fly and FlyWP?"]);
  });
});
