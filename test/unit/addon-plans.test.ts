import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FlyopsError } from "../../src/errors.js";
import { FlyctlRunner } from "../../src/fly/flyctl.js";
import { createLocalModel } from "../../src/llm/local/index.js";
import { runApplyPlan, type ApplyIo } from "../../src/plan/apply/applier.js";
import { makePlan } from "../../src/plan/maker/maker.js";
import { withApproval } from "../../src/plan/schema/approval.js";
import type { PlanFile } from "../../src/plan/schema/schema.js";
import { Redactor } from "../../src/security/redact.js";
import { sandboxWorld, writePlan, type SandboxWorld } from "./applier-fixture.js";

/**
 * The local model's add-on change requests (src/llm/local/plan-addons.ts), planned through the
 * real maker against the demo sandbox (src/sandbox/seed-demo-addons.ts) and applied.
 */

let world: SandboxWorld;
beforeEach(async () => {
  world = await sandboxWorld();
});
afterEach(async () => {
  await world.close();
});

async function plan(request: string, allowDestructive = false, org?: string): Promise<PlanFile> {
  const ctx = org ? { ...world.runtime.ctx, org } : world.runtime.ctx;
  const made = await makePlan({
    request,
    model: createLocalModel(),
    ctx,
    redactor: new Redactor(world.runtime.credentials),
    allowDestructive,
    now: new Date("2026-12-01T10:00:00Z"),
  });
  return made.plan;
}

/** Why no plan was made: the maker's message and hint, which carry the model's answer. */
async function refused(request: string, allowDestructive = false): Promise<string> {
  const error = await plan(request, allowDestructive).then(
    () => new Error("a plan was made"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlyopsError);
  return `${(error as FlyopsError).message} ${(error as FlyopsError).hint ?? ""}`;
}

async function apply(made: PlanFile, name: string, allowDestructive = false) {
  const redactor = new Redactor(world.runtime.credentials);
  const io: ApplyIo = {
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
    progress: () => undefined,
  };
  const path = writePlan(world.dir, name, withApproval(made, "dana", new Date("2026-12-01T10:01:00Z")));
  return runApplyPlan(
    {
      planPath: path,
      yes: true,
      dryRun: false,
      resume: false,
      allowDestructive,
      ignoreDrift: false,
      secretsVia: "rest",
    },
    io,
  );
}

describe("create a managed postgres", () => {
  it("plans mpg_create in the org named, and applying it creates the cluster", async () => {
    const made = await plan("create a managed postgres named acme-pg2 in ams in org acme-corp");
    expect(made.steps.map((s) => [s.tool, s.input])).toEqual([
      ["mpg_create", expect.objectContaining({ org: "acme-corp", name: "acme-pg2", region: "ams" })],
    ]);
    const report = await apply(made, "mpg.json");
    expect(report.status, report.message).toBe("applied");
    const created = world.sandbox.store.addons.mpgClusters.filter((c) => c.name === "acme-pg2");
    expect(created.map((c) => [c.org, c.region])).toEqual([["acme-corp", "ams"]]);
  });

  it("takes the configured org filter when the request names none", async () => {
    const made = await plan("create a managed postgres named reports-db in ams", false, "personal");
    expect(made.steps[0]?.input).toMatchObject({ org: "personal", name: "reports-db", region: "ams" });
  });

  it("asks which org when the token sees several and none is named or configured", async () => {
    const text = await refused("create a managed postgres named reports-db in ams");
    expect(text).toContain("In which organization?");
    expect(text).toContain("acme-corp");
    expect(text).toContain("personal");
  });

  it("plans nothing for a name the org already has", async () => {
    const text = await refused("create a managed postgres named acme-pg in ams in org acme-corp");
    expect(text).toContain("already has a Managed Postgres cluster named acme-pg");
  });
});

describe("revoke a token", () => {
  it("plans token_revoke by name, only with --allow-destructive, and applying it revokes that token", async () => {
    expect(await refused("revoke token ci-deploy")).toMatch(/destructive/i);
    const made = await plan("revoke token ci-deploy", true);
    expect(made.steps.map((s) => [s.tool, s.input])).toEqual([
      ["token_revoke", { org: "acme-corp", name: "ci-deploy" }],
    ]);
    const report = await apply(made, "revoke.json", true);
    expect(report.status, report.message).toBe("applied");
    const tokens = world.sandbox.store.addons.tokens;
    expect(tokens.filter((t) => t.revokedAt).map((t) => t.name)).toEqual(["ci-deploy"]);
  });

  it("finds a token by its id, as tokens_list lists it", async () => {
    const token = world.sandbox.store.addons.tokens.find((t) => t.name === "metrics-readonly");
    const made = await plan(`revoke token ${token?.id ?? "?"}`, true);
    expect(made.steps[0]).toMatchObject({
      tool: "token_revoke",
      input: { org: "acme-corp", name: "metrics-readonly" },
    });
  });

  it("refuses a token that does not exist, naming those that do", async () => {
    const text = await refused("revoke token nightly-backup", true);
    expect(text).toContain("There is no token nightly-backup");
    for (const name of ["ci-deploy", "metrics-readonly", "old-ci", "dana-laptop"])
      expect(text).toContain(name);
  });
});
