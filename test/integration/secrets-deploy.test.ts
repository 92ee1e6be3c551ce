import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFlyAction } from "../../src/cli/commands/fly.js";
import { createRuntime } from "../../src/cli/runtime.js";
import { FlyopsError } from "../../src/errors.js";
import { FlyctlRunner } from "../../src/fly/flyctl.js";
import { createLocalModel } from "../../src/llm/local/index.js";
import { runApplyPlan, type ApplyIo } from "../../src/plan/apply/applier.js";
import { makePlan } from "../../src/plan/maker/maker.js";
import { withApproval } from "../../src/plan/schema/approval.js";
import type { PlanFile } from "../../src/plan/schema/schema.js";
import { Redactor } from "../../src/security/redact.js";
import { invokeTool } from "../../tools/invoke.js";
import { secretsDeploy, secretsDeployStatus } from "../../tools/secrets-deploy.js";
import { sandboxHome } from "../support/sandbox-home.js";
import { sandboxWorld, writePlan, type SandboxWorld } from "../unit/applier-fixture.js";
import { applyAndKill } from "../support/apply-and-kill.js";

/**
 * `fly secrets deploy` end to end against the sandbox with Fly's transition times: a secret set
 * staged, "deploy the staged secrets of demo-web" planned by the local model, approved and
 * applied; every machine is updated one at a time, with the app's secrets version; applied or
 * planned again, nothing changes; the value is nowhere flyops wrote or printed.
 */

const WEB = ["148e272b0e4d89", "d8d9e21a7c3e18", "3287e15b6d9e48"];
const STARTED = ["148e272b0e4d89", "d8d9e21a7c3e18"];
const STOPPED = "3287e15b6d9e48";
/** Built at run time, an obvious fake, and long enough to be found anywhere it leaked. */
const VALUE = `fake-staged-${"q".repeat(24)}-value`;

let world: SandboxWorld;
let printed: string[];
beforeEach(async () => {
  world = await sandboxWorld({ transitionMs: 40 });
  printed = [];
});
afterEach(async () => {
  await world.close();
});

async function plan(request: string): Promise<PlanFile> {
  const made = await makePlan({
    request,
    model: createLocalModel(),
    ctx: world.runtime.ctx,
    redactor: new Redactor(world.runtime.credentials),
    allowDestructive: false,
    now: new Date("2026-12-07T10:00:00Z"),
  });
  return made.plan;
}

function io(): ApplyIo {
  const redactor = new Redactor(world.runtime.credentials);
  return {
    ctx: world.runtime.ctx,
    flyctl: () =>
      new FlyctlRunner({
        token: "unused",
        restBaseUrl: world.sandbox.restBaseUrl,
        graphqlUrl: world.sandbox.graphqlUrl,
        env: {},
        redactor,
      }),
    env: {},
    cwd: world.dir,
    redactor,
    progress: (line: string) => void printed.push(line),
  };
}

function apply(made: PlanFile, name: string) {
  const path = writePlan(world.dir, name, withApproval(made, "dana", new Date("2026-12-07T10:01:00Z")));
  return runApplyPlan(
    {
      planPath: path,
      yes: true,
      dryRun: false,
      resume: false,
      allowDestructive: false,
      ignoreDrift: false,
      secretsVia: "rest",
    },
    io(),
  );
}

/** Every file under the temp home: plan files, the journal, the lock. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const machine = (id: string) => world.sandbox.store.machine(id);

async function status(): Promise<{ status: string; pending: { id: string }[] }> {
  return (await invokeTool(world.runtime.ctx, secretsDeployStatus, { app: "demo-web" })) as {
    status: string;
    pending: { id: string }[];
  };
}

describe("secrets deploy, planned, approved and applied", () => {
  it("updates every machine of demo-web one at a time with the staged secrets; again, nothing changes", async () => {
    const version = (await world.runtime.ctx.fly.rest.setSecrets("demo-web", { API_KEY: VALUE })).version;
    const app = world.sandbox.store.app("demo-web");
    expect(app?.secretsVersion).toBe(version);
    // Staged: no machine has it yet.
    expect((await status()).status).toBe("staged");

    const made = await plan("deploy the staged secrets of demo-web");
    expect(made.steps.map((s) => s.tool)).toEqual(WEB.map(() => "machines_secrets_update"));
    expect(made.steps.map((s) => (s.input as Record<string, unknown>).machine_id)).toEqual(WEB);
    expect(made.steps[2]?.reason).toContain("not running");
    const recorded = made.preconditions?.find((p) => p.tool === "secrets_deploy_status");
    expect(recorded?.expect).toMatchObject({
      machine_ids: [...WEB].sort(),
      secrets: [
        { name: "API_KEY", digest: expect.any(String) as unknown },
        { name: "DATABASE_URL", digest: expect.any(String) as unknown },
        { name: "SESSION_SECRET", digest: expect.any(String) as unknown },
      ],
    });
    const versionsBefore = WEB.map((id) => machine(id)?.instanceId);

    let mostDown = 0;
    const seenDown = new Set<string>();
    const watcher = setInterval(() => {
      const down = STARTED.filter((id) => machine(id)?.state !== "started");
      down.forEach((id) => seenDown.add(id));
      mostDown = Math.max(mostDown, down.length);
    }, 2);
    try {
      const report = await apply(made, "deploy.json");
      expect(report.status, report.message).toBe("applied");
    } finally {
      clearInterval(watcher);
    }
    // Each running machine went down for its update, never two at once; the stopped one stayed down.
    expect([...seenDown].sort()).toEqual([...STARTED].sort());
    expect(mostDown).toBe(1);
    expect(STARTED.map((id) => machine(id)?.state)).toEqual(["started", "started"]);
    expect(machine(STOPPED)?.state).toBe("stopped");
    // Every machine has a new version made with the app's secrets version.
    for (const [i, id] of WEB.entries()) {
      expect(machine(id)?.instanceId).not.toBe(versionsBefore[i]);
      expect(machine(id)?.secretsVersion).toBe(app?.secretsVersion);
    }
    expect((await status()).status).toBe("deployed");

    // Again: the plan's own steps send nothing, and a new plan has nothing to do.
    const versionsAfter = WEB.map((id) => machine(id)?.instanceId);
    const again = await invokeTool(world.runtime.ctx, secretsDeploy, { app: "demo-web" });
    expect(again).toMatchObject({ steps: [] });
    const replan = await plan("secrets deploy demo-web").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(replan).toBeInstanceOf(FlyopsError);
    expect((replan as FlyopsError).hint ?? (replan as FlyopsError).message).toMatch(/nothing to do/);
    expect(WEB.map((id) => machine(id)?.instanceId)).toEqual(versionsAfter);

    // The value is in no plan, journal or line flyops printed.
    for (const file of filesUnder(world.dir)) expect(readFileSync(file, "utf8")).not.toContain(VALUE);
    expect(printed.join("\n")).not.toContain(VALUE);
    expect(JSON.stringify(made)).not.toContain(VALUE);
  });

  it("a secret changed after the plan was made stops the apply before any machine is touched", async () => {
    await world.runtime.ctx.fly.rest.setSecrets("demo-web", { API_KEY: VALUE });
    const made = await plan("deploy the staged secrets of demo-web");
    await world.runtime.ctx.fly.rest.setSecrets("demo-web", { API_KEY: `${VALUE}-2` });
    const before = WEB.map((id) => machine(id)?.instanceId);
    const report = await apply(made, "drift.json");
    expect(report.status).not.toBe("applied");
    expect(report.message).toContain("secrets_deploy_status");
    expect(WEB.map((id) => machine(id)?.instanceId)).toEqual(before);
  });

  it("`flyops fly secrets deploy demo-web` deploys them, and run again sends nothing", async () => {
    const { version } = await world.runtime.ctx.fly.rest.setSecrets("demo-web", { API_KEY: VALUE });
    const out: string[] = [];
    const deps = {
      io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) },
      redactor: new Redactor(),
      env: { ...world.sandbox.env, HOME: world.dir, XDG_CONFIG_HOME: world.dir },
      cwd: world.dir,
      stdinIsTTY: false,
      confirm: () => Promise.resolve(false),
      createRuntime,
    };
    await runFlyAction("secrets", "deploy", "demo-web", {}, deps);
    expect(out.join("").match(/machines_secrets_update/g)).toHaveLength(3);
    for (const id of WEB) expect(machine(id)?.secretsVersion).toBe(version);
    const versions = WEB.map((id) => machine(id)?.instanceId);
    out.length = 0;
    await runFlyAction("secrets", "deploy", "demo-web", {}, deps);
    expect(out.join("")).toMatch(/nothing to do/);
    expect(WEB.map((id) => machine(id)?.instanceId)).toEqual(versions);
    expect(out.join("")).not.toContain(VALUE);
  });
});

describe("secrets deploy killed mid-way, then resumed", () => {
  const home = sandboxHome({ prefix: "flyops-secrets-resume-", sandbox: { seed: "demo" } });

  it("a step that ran but was not journaled is adopted, not run again, and the rest are deployed", async () => {
    const staged = await fetch(`${home.sandbox.restBaseUrl}/v1/apps/demo-web/secrets`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${home.sandbox.env.FLY_API_TOKEN ?? ""}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ values: { API_KEY: VALUE } }),
    });
    expect(staged.status).toBe(200);
    const made = await home.cli([
      "plan",
      "deploy the staged secrets of demo-web",
      "--model",
      "local",
      "-o",
      "p.json",
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect((await home.cli(["plan", "approve", "p.json", "--by", "dana"])).code).toBe(0);
    await applyAndKill(home, "p.json", "s1.1", "ran");
    const store = home.sandbox.store;
    const first = store.machine(WEB[0] ?? "");
    const version = store.app("demo-web")?.secretsVersion;
    expect(first?.secretsVersion).toBe(version);
    const firstInstance = first?.instanceId;
    expect(store.machine(WEB[1] ?? "")?.secretsVersion).not.toBe(version);

    const resume = await home.cli(["apply", "p.json", "--yes", "--resume"]);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toMatch(/s1\.1 adopt/);
    // Not restarted a second time.
    expect(store.machine(WEB[0] ?? "")?.instanceId).toBe(firstInstance);
    for (const id of WEB) expect(store.machine(id)?.secretsVersion).toBe(version);
    expect(STARTED.map((id) => store.machine(id)?.state)).toEqual(["started", "started"]);
    const again = await home.cli(["apply", "p.json", "--yes", "--resume"]);
    expect(again.stderr).toContain("already applied");
    expect(`${resume.stdout}${resume.stderr}${again.stderr}`).not.toContain(VALUE);
  });
});
