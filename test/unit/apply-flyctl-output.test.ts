import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { delimiter } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Redactor } from "../../src/security/redact.js";
import { FlyctlRunner } from "../../src/fly/flyctl.js";
import { runApplyPlan, type ApplyIo, type ApplyOptions } from "../../src/plan/apply/applier.js";
import { journalPath } from "../../src/plan/apply/journal.js";
import { withApproval } from "../../src/plan/schema/approval.js";
import { installFakeFlyctl, type FakeFlyctl, type RemoteOutput } from "../support/fake-flyctl.js";
import { STARTED, planWith, sandboxWorld, writePlan, type SandboxWorld } from "./applier-fixture.js";

/**
 * What a command printed inside a machine (`ssh console -C`, `machine exec`) is the person's to
 * read: it never reaches the apply journal or the report (which a script or a model may read).
 * The fake flyctl prints canaries as the remote command's output.
 */

let world: SandboxWorld;
let fake: FakeFlyctl | undefined;
let progress: string[];

beforeEach(async () => {
  world = await sandboxWorld();
  progress = [];
});
afterEach(async () => {
  fake?.cleanup();
  fake = undefined;
  await world.close();
});

function io(): ApplyIo {
  const redactor = new Redactor(world.runtime.credentials);
  return {
    ctx: world.runtime.ctx,
    flyctl: () =>
      new FlyctlRunner({
        token: world.runtime.config.token ?? "",
        restBaseUrl: world.sandbox.restBaseUrl,
        graphqlUrl: world.sandbox.graphqlUrl,
        env: { PATH: [fake?.binDir ?? "", process.env.PATH ?? ""].join(delimiter) },
        redactor,
      }),
    env: {},
    cwd: world.dir,
    redactor,
    progress: (line) => progress.push(line),
  };
}

function options(planPath: string): ApplyOptions {
  return {
    planPath,
    yes: true,
    dryRun: false,
    resume: false,
    allowDestructive: true,
    ignoreDrift: false,
    secretsVia: "rest",
  };
}

const LINES = [
  ["ssh", "console", "-C", "uptime", "-a", STARTED.app],
  ["machine", "exec", STARTED.machine_id, "uptime", "-a", STARTED.app],
];

async function applyWith(args: string[], remote: RemoteOutput) {
  fake = installFakeFlyctl("flyctl", remote);
  const step = { id: "s1", tool: "flyctl", reason: "check uptime", input: { args } };
  const path = writePlan(world.dir, "remote.json", withApproval(planWith([step]), "tester"));
  const report = await runApplyPlan(options(path), io());
  return { report, journal: readFileSync(journalPath(path), "utf8"), calls: fake.calls() };
}

describe("a flyctl step's output", () => {
  it.each(LINES)(
    "of a remote command that succeeds is neither journaled nor reported (%s %s)",
    async (...args) => {
      const out = `out-${randomUUID()}`;
      const err = `err-${randomUUID()}`;
      const { report, journal, calls } = await applyWith(args, {
        stdout: `DATABASE_URL=postgres://app:${out}@db/app\n`,
        stderr: `${err}\n`,
        exitCode: 0,
      });
      expect(report.status).toBe("applied");
      expect(calls.map((call) => call.argv)).toEqual([args]);
      expect(journal).toContain('"event":"step_done"');
      for (const text of [journal, JSON.stringify(report), progress.join("\n")]) {
        expect(text).not.toContain(out);
        expect(text).not.toContain(err);
      }
    },
  );

  it.each(LINES)("of a remote command that fails is shown to the person only (%s %s)", async (...args) => {
    const err = `err-${randomUUID()}`;
    const out = `out-${randomUUID()}`;
    const { report, journal } = await applyWith(args, {
      stdout: `${out}\n`,
      stderr: `SECRET_KEY=${err}\n`,
      exitCode: 3,
    });
    expect(report.status).toBe("failed");
    expect(report.message).toContain("exited with 3");
    expect(journal).toContain('"event":"step_failed"');
    expect(journal).toContain("exited with 3");
    for (const text of [journal, JSON.stringify(report)]) {
      expect(text).not.toContain(err);
      expect(text).not.toContain(out);
    }
    expect(progress.join("\n")).toContain(err);
  });
});
