import { existsSync, readFileSync } from "node:fs";
import { delimiter } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Redactor } from "../../src/security/redact.js";
import { FlyctlRunner } from "../../src/fly/flyctl.js";
import { SECRETS_STAGED } from "../../tools/secrets.js";
import { runApplyPlan, type ApplyIo, type ApplyOptions } from "../../src/plan/apply/applier.js";
import { withApproval } from "../../src/plan/schema/approval.js";
import { planDigest } from "../../src/plan/schema/canonical.js";
import { JournalWriter, journalPath, type JournalEntry } from "../../src/plan/apply/journal.js";
import { installFakeFlyctl, type FakeFlyctl } from "../support/fake-flyctl.js";
import {
  STARTED,
  STARTED_2,
  planWith,
  sandboxWorld,
  writePlan,
  type SandboxWorld,
} from "./applier-fixture.js";

let world: SandboxWorld;
let progress: string[];
let fake: FakeFlyctl | undefined;

beforeEach(async () => {
  world = await sandboxWorld();
  progress = [];
});
afterEach(async () => {
  fake?.cleanup();
  fake = undefined;
  await world.close();
});

function io(extra: Partial<ApplyIo> = {}): ApplyIo {
  const redactor = extra.redactor ?? new Redactor(world.runtime.credentials);
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
    ...extra,
  };
}

function options(planPath: string, extra: Partial<ApplyOptions> = {}): ApplyOptions {
  return {
    planPath,
    yes: true,
    dryRun: false,
    resume: false,
    allowDestructive: false,
    ignoreDrift: false,
    secretsVia: "rest",
    ...extra,
  };
}

function journal(planPath: string): JournalEntry[] {
  return readFileSync(journalPath(planPath), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as JournalEntry);
}

const stopStep = (id: string, ref: { app: string; machine_id: string }) => ({
  id,
  tool: "machines_stop",
  reason: "asked",
  input: { ...ref },
});
const startedPre = (ref: { app: string; machine_id: string }) => ({
  tool: "machines_get",
  input: { ...ref },
  expect: { state: "started" },
});

function approvedPlan(name: string, steps: unknown[], pres: unknown[] = []): string {
  return writePlan(world.dir, name, withApproval(planWith(steps, pres), "tester"));
}

describe("apply", () => {
  it("runs an approved plan, journals each step, and does nothing the second time", async () => {
    const path = approvedPlan("stop.json", [stopStep("s1", STARTED)], [startedPre(STARTED)]);
    const report = await runApplyPlan(options(path), io());
    expect(report.status).toBe("applied");
    expect(report.steps[0]).toMatchObject({
      outcome: "ran",
      changed: { machine_id: STARTED.machine_id, state: "stopped" },
    });
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("stopped");
    const entries = journal(path);
    expect(entries.map((e) => e.event)).toEqual([
      "apply_started",
      "step_started",
      "step_done",
      "apply_finished",
    ]);
    expect(entries.every((e) => e.plan === report.sha256)).toBe(true);

    const again = await runApplyPlan(options(path), io());
    expect(again.status).toBe("already-applied");
    expect(again.steps[0]?.outcome).toBe("done-before");
    expect(journal(path)).toHaveLength(4);
  });

  it("asks before running, and refuses without a terminal unless --yes", async () => {
    const path = approvedPlan("stop.json", [stopStep("s1", STARTED)]);
    const refused = await runApplyPlan(options(path, { yes: false }), io());
    expect(refused.status).toBe("refused");
    expect(refused.message).toContain("--yes");
    const declined = await runApplyPlan(
      options(path, { yes: false }),
      io({ confirm: () => Promise.resolve(false) }),
    );
    expect(declined.status).toBe("refused");
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("started");
    expect(existsSync(journalPath(path))).toBe(false);
    const questions: string[] = [];
    const applied = await runApplyPlan(
      options(path, { yes: false }),
      io({ confirm: (q) => (questions.push(q), Promise.resolve(true)) }),
    );
    expect(applied.status).toBe("applied");
    expect(questions).toEqual(["Run 1 step(s) against Fly?"]);
  });

  it("refuses an unapproved or edited plan without a terminal, even with --yes", async () => {
    const unapproved = writePlan(world.dir, "raw.json", planWith([stopStep("s1", STARTED)]));
    expect(await runApplyPlan(options(unapproved), io())).toMatchObject({
      status: "refused",
      approval: "missing",
    });
    const approved = withApproval(planWith([stopStep("s1", STARTED)]), "tester");
    const edited = writePlan(world.dir, "edited.json", { ...approved, steps: [stopStep("s1", STARTED_2)] });
    const report = await runApplyPlan(options(edited), io());
    expect(report).toMatchObject({ status: "refused", approval: "changed" });
    expect(report.message).toContain("changed after tester approved it");
    expect(world.sandbox.store.machine(STARTED_2.machine_id)?.state).toBe("started");
    const confirmed = await runApplyPlan(options(edited), io({ confirm: () => Promise.resolve(true) }));
    expect(confirmed.status).toBe("applied");
  });

  it("refuses when live state drifted, showing expected and found, unless --ignore-drift", async () => {
    const path = approvedPlan("stop.json", [stopStep("s1", STARTED)], [startedPre(STARTED)]);
    await world.runtime.ctx.fly.rest.stopMachine(STARTED.app, STARTED.machine_id, {});
    const report = await runApplyPlan(options(path), io());
    expect(report.status).toBe("refused");
    expect(report.message).toContain('expected {"state":"started"}, found {"state":"stopped"}');
    expect(report.preconditions[0]).toMatchObject({ status: "drift", found: { state: "stopped" } });
    expect(existsSync(journalPath(path))).toBe(false);
    const forced = await runApplyPlan(options(path, { ignoreDrift: true }), io());
    expect(forced.status).toBe("applied");
    expect(journal(path)[0]).toMatchObject({ event: "apply_started", verified: [], ignored: [0] });
  });

  it("blocks what the validator blocks under the current policy", async () => {
    const destroy = {
      id: "s1",
      tool: "machines_destroy",
      reason: "asked",
      input: { app: "demo-web", machine_id: "3287e15b6d9e48" },
    };
    const path = approvedPlan("destroy.json", [destroy]);
    const report = await runApplyPlan(options(path), io());
    expect(report.status).toBe("refused");
    expect(report.message).toContain("destructive");
    expect(world.sandbox.store.machine("3287e15b6d9e48")).toBeDefined();
  });

  it("does everything but the changes with --dry-run", async () => {
    const path = approvedPlan("stop.json", [stopStep("s1", STARTED)], [startedPre(STARTED)]);
    const report = await runApplyPlan(options(path, { dryRun: true, yes: false }), io());
    expect(report.status).toBe("dry-run");
    expect(report.steps[0]?.outcome).toBe("would-run");
    expect(report.preconditions[0]?.status).toBe("holds");
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("started");
    expect(existsSync(journalPath(path))).toBe(false);
  });

  it("stops at a failing step, journals it, and says how to resume", async () => {
    const shrink = {
      id: "s2",
      tool: "volumes_extend",
      reason: "asked",
      input: { app: "acme-db", volume_id: "vol_3orphq5n2w8c7yjd", size_gb: 10 },
    };
    const path = approvedPlan("fail.json", [stopStep("s1", STARTED), shrink, stopStep("s3", STARTED_2)]);
    const report = await runApplyPlan(options(path), io());
    expect(report.status).toBe("failed");
    expect(report.hint).toContain(`flyops apply ${path} --resume`);
    expect(report.steps.map((s) => s.outcome)).toEqual(["ran", "failed", "not-run"]);
    expect(journal(path).map((e) => e.event)).toEqual([
      "apply_started",
      "step_started",
      "step_done",
      "step_started",
      "step_failed",
    ]);
    expect(world.sandbox.store.machine(STARTED_2.machine_id)?.state).toBe("started");
    const again = await runApplyPlan(options(path), io());
    expect(again.status).toBe("refused");
    expect(again.message).toContain("stopped at step s2");
  });

  it("refuses a journal written for another version of the plan", async () => {
    const path = approvedPlan("stop.json", [stopStep("s1", STARTED)]);
    const writer = JournalWriter.open(path);
    writer.append({
      at: "x",
      plan: "f".repeat(64),
      event: "step_started",
      step: "s1",
      tool: "machines_stop",
    });
    writer.close();
    const report = await runApplyPlan(options(path, { resume: true }), io());
    expect(report.status).toBe("refused");
    expect(report.message).toContain("another version of this plan");
  });
});

describe("apply --resume", () => {
  function seedJournal(path: string, entries: Array<Record<string, unknown>>): void {
    const sha = planDigest(JSON.parse(readFileSync(path, "utf8")) as object);
    const writer = JournalWriter.open(path);
    for (const entry of entries)
      writer.append({ at: "2026-11-22T10:00:00.000Z", plan: sha, ...entry } as JournalEntry);
    writer.close();
  }
  const create = (name?: string) => ({
    id: "s1",
    tool: "machines_create",
    reason: "asked",
    input: {
      app: "demo-web",
      region: "iad",
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
      ...(name ? { name } : {}),
    },
  });
  const machinesOf = (app: string) => world.sandbox.store.machines(app);

  it("adopts a machine the interrupted create made, instead of making a second one", async () => {
    const path = approvedPlan("create.json", [create("web-iad-3")]);
    seedJournal(path, [
      { event: "apply_started", resumed: false, verified: [], ignored: [] },
      { event: "step_started", step: "s1", tool: "machines_create", before: [] },
    ]);
    const made = await world.runtime.ctx.fly.rest.createMachine("demo-web", {
      name: "web-iad-3",
      region: "iad",
      config: { image: "nginx" },
    });
    const count = machinesOf("demo-web").length;
    const report = await runApplyPlan(options(path, { resume: true }), io());
    expect(report.status).toBe("applied");
    expect(report.steps[0]).toMatchObject({
      outcome: "adopted",
      changed: { machine_id: made.id, name: "web-iad-3" },
    });
    expect(machinesOf("demo-web")).toHaveLength(count);
  });

  it("runs the create again when it never reached Fly", async () => {
    const path = approvedPlan("create.json", [create("web-iad-3")]);
    seedJournal(path, [{ event: "step_started", step: "s1", tool: "machines_create", before: [] }]);
    const count = machinesOf("demo-web").length;
    const report = await runApplyPlan(options(path, { resume: true }), io());
    expect(report.steps[0]?.outcome).toBe("ran");
    expect(machinesOf("demo-web").filter((m) => m.name === "web-iad-3")).toHaveLength(1);
    expect(machinesOf("demo-web")).toHaveLength(count + 1);
  });

  it("will not guess about an unnamed create, until the person says what happened", async () => {
    const before = machinesOf("demo-web").map((m) => m.id);
    const path = approvedPlan("create.json", [create()]);
    seedJournal(path, [{ event: "step_started", step: "s1", tool: "machines_create", before }]);
    await world.runtime.ctx.fly.rest.createMachine("demo-web", { region: "iad", config: { image: "nginx" } });
    const count = machinesOf("demo-web").length;
    const report = await runApplyPlan(options(path, { resume: true }), io());
    expect(report.status).toBe("refused");
    expect(report.hint).toContain("--interrupted done");
    const done = await runApplyPlan(options(path, { resume: true, interrupted: "done" }), io());
    expect(done.steps[0]?.outcome).toBe("adopted");
    expect(machinesOf("demo-web")).toHaveLength(count);
  });

  it("re-checks only the preconditions the finished steps did not touch", async () => {
    const path = approvedPlan(
      "two.json",
      [stopStep("s1", STARTED), stopStep("s2", STARTED_2)],
      [startedPre(STARTED), startedPre(STARTED_2)],
    );
    seedJournal(path, [
      { event: "apply_started", resumed: false, verified: [0, 1], ignored: [] },
      { event: "step_started", step: "s1", tool: "machines_stop" },
      { event: "step_done", step: "s1", tool: "machines_stop", how: "ran", changed: {} },
    ]);
    await world.runtime.ctx.fly.rest.stopMachine(STARTED.app, STARTED.machine_id, {});
    const refused = await runApplyPlan(options(path), io());
    expect(refused.status).toBe("refused");
    expect(refused.hint).toContain("--resume");
    const report = await runApplyPlan(options(path, { resume: true }), io());
    expect(report.status).toBe("applied");
    expect(report.preconditions.map((c) => c.status)).toEqual(["skipped", "holds"]);
    expect(report.steps.map((s) => s.outcome)).toEqual(["done-before", "ran"]);
    expect(world.sandbox.store.machine(STARTED_2.machine_id)?.state).toBe("stopped");
  });

  it("confirms an interrupted stop from the machine's state", async () => {
    const path = approvedPlan("stop.json", [stopStep("s1", STARTED)], [startedPre(STARTED)]);
    seedJournal(path, [
      { event: "apply_started", resumed: false, verified: [0], ignored: [] },
      { event: "step_started", step: "s1", tool: "machines_stop" },
    ]);
    await world.runtime.ctx.fly.rest.stopMachine(STARTED.app, STARTED.machine_id, {});
    const report = await runApplyPlan(options(path, { resume: true }), io());
    expect(report.steps[0]).toMatchObject({ outcome: "adopted", note: "the machine is already stopped" });
  });

  it("asks the person, rather than suspending again, when an interrupted suspend left the machine stopped", async () => {
    const suspend = { id: "s1", tool: "machines_suspend", reason: "asked", input: { ...STARTED } };
    const path = approvedPlan("suspend.json", [suspend]);
    seedJournal(path, [
      { event: "apply_started", resumed: false, verified: [], ignored: [] },
      { event: "step_started", step: "s1", tool: "machines_suspend" },
      { event: "step_failed", step: "s1", tool: "machines_suspend", error: "settled in stopped" },
    ]);
    // Fly could not suspend it and stopped it instead.
    await world.runtime.ctx.fly.rest.stopMachine(STARTED.app, STARTED.machine_id, {});
    const report = await runApplyPlan(options(path, { resume: true }), io());
    expect(report.status).toBe("refused");
    expect(report.message).toContain("the machine settled in stopped, not suspended");
    expect(report.hint).toContain("--interrupted done");
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("stopped");
    const done = await runApplyPlan(options(path, { resume: true, interrupted: "done" }), io());
    expect(done.steps[0]?.outcome).toBe("adopted");
  });
});

describe("secrets", () => {
  const value = "postgres://app:" + "s".repeat(24) + "@db.internal/app";
  const secretStep = {
    id: "s1",
    tool: "secrets_set",
    reason: "asked",
    input: { app: "demo-web", secrets: { DATABASE_URL: { fromEnv: "NEW_DATABASE_URL" } } },
  };

  it("resolves references at apply time, sends them, and journals names only", async () => {
    const path = approvedPlan("secret.json", [secretStep]);
    const report = await runApplyPlan(options(path), io({ env: { NEW_DATABASE_URL: value } }));
    expect(report.status).toBe("applied");
    expect(world.sandbox.store.secretValue("demo-web", "DATABASE_URL")).toBe(value);
    expect(report.steps[0]?.changed).toMatchObject({ secrets: ["DATABASE_URL"] });
    expect(report.steps[0]?.change).toMatch(/^stage secrets of demo-web: .*\(staged: /);
    expect(progress.join("\n")).toContain(`(${SECRETS_STAGED})`);
    for (const text of [
      readFileSync(path, "utf8"),
      readFileSync(journalPath(path), "utf8"),
      JSON.stringify(report),
      progress.join("\n"),
    ]) {
      expect(text).not.toContain(value);
    }
  });

  it("pipes them to flyctl secrets import with --secrets-via flyctl", async () => {
    fake = installFakeFlyctl();
    const path = approvedPlan("secret.json", [secretStep]);
    const report = await runApplyPlan(
      options(path, { secretsVia: "flyctl" }),
      io({ env: { NEW_DATABASE_URL: value } }),
    );
    expect(report.status).toBe("applied");
    expect(world.sandbox.store.secretValue("demo-web", "DATABASE_URL")).toBe(value);
    const call = fake.calls()[0];
    expect(call?.argv).toEqual(["secrets", "import", "--stage", "--app", "demo-web"]);
    expect(call?.stdin).toBe(`DATABASE_URL=${value}\n`);
  });

  it("refuses, before anything changes, a value that is a credential the process holds", async () => {
    const token = world.runtime.config.token ?? "";
    const path = approvedPlan("secret.json", [stopStep("s0", STARTED), secretStep]);
    const report = await runApplyPlan(
      options(path),
      io({ env: { NEW_DATABASE_URL: token }, credentials: world.runtime.credentials }),
    );
    expect(report.status).toBe("refused");
    expect(report.message).toContain(
      "secret DATABASE_URL: the value read from environment variable NEW_DATABASE_URL",
    );
    expect(JSON.stringify(report)).not.toContain(token);
    expect(world.sandbox.store.secretValue("demo-web", "DATABASE_URL")).not.toBe(token);
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("started");
  });

  it("refuses before anything changes when a referenced variable is missing", async () => {
    const path = approvedPlan("secret.json", [stopStep("s0", STARTED), secretStep]);
    const report = await runApplyPlan(options(path), io());
    expect(report.status).toBe("refused");
    expect(report.message).toContain("NEW_DATABASE_URL is not set");
    expect(world.sandbox.store.machine(STARTED.machine_id)?.state).toBe("started");
    expect(existsSync(journalPath(path))).toBe(false);
  });
});
