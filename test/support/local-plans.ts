import { afterEach, beforeEach, expect } from "vitest";
import { FlyopsError } from "../../src/errors.js";
import { FlyctlRunner } from "../../src/fly/flyctl.js";
import { createLocalModel } from "../../src/llm/local/index.js";
import { runApplyPlan, type ApplyOptions, type ApplyReport } from "../../src/plan/apply/applier.js";
import { makePlan } from "../../src/plan/maker/maker.js";
import { withApproval } from "../../src/plan/schema/approval.js";
import type { PlanFile } from "../../src/plan/schema/schema.js";
import { Redactor } from "../../src/security/redact.js";
import { sandboxWorld, writePlan, type SandboxWorld } from "../unit/applier-fixture.js";

/**
 * Change requests planned by the local model through the real maker against a fresh demo sandbox
 * for each test, then approved and applied in-process: what ops-plans, rollback-plans and
 * addon-plans share. Plans are made at a fixed time and approved by "dana" a minute later.
 */
export interface LocalPlans {
  /** This test's sandbox and runtime. */
  readonly world: SandboxWorld;
  /** Closes this test's world and opens another, e.g. with Fly's transition times. */
  reopen(options: { transitionMs?: number }): Promise<void>;
  plan: (request: string, allowDestructive?: boolean, org?: string) => Promise<PlanFile>;
  /** Why the maker made no plan: its message and hint, which carry the last problem. */
  refused: (request: string, allowDestructive?: boolean) => Promise<string>;
  apply: (made: PlanFile, name: string, extra?: Partial<ApplyOptions>) => Promise<ApplyReport>;
}

/** Registers a fresh world for each test (beforeEach/afterEach) and returns the helpers over it. */
export function localPlans(): LocalPlans {
  let current: SandboxWorld | undefined;
  beforeEach(async () => {
    current = await sandboxWorld();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const world = (): SandboxWorld => {
    if (!current) throw new Error("localPlans: the world exists only inside a test");
    return current;
  };

  const plan = async (request: string, allowDestructive = false, org?: string): Promise<PlanFile> => {
    const { runtime } = world();
    const made = await makePlan({
      request,
      model: createLocalModel(),
      ctx: org ? { ...runtime.ctx, org } : runtime.ctx,
      redactor: new Redactor(runtime.credentials),
      allowDestructive,
      now: new Date("2026-12-01T10:00:00Z"),
    });
    return made.plan;
  };

  return {
    get world() {
      return world();
    },
    async reopen(options) {
      await world().close();
      current = undefined;
      current = await sandboxWorld(options);
    },
    plan,
    refused: async (request, allowDestructive = false) => {
      const error = await plan(request, allowDestructive).then(
        () => new Error("a plan was made"),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FlyopsError);
      return `${(error as FlyopsError).message} ${(error as FlyopsError).hint ?? ""}`;
    },
    apply: (made, name, extra = {}) => {
      const { runtime, sandbox, dir } = world();
      const redactor = new Redactor(runtime.credentials);
      const path = writePlan(dir, name, withApproval(made, "dana", new Date("2026-12-01T10:01:00Z")));
      return runApplyPlan(
        {
          planPath: path,
          yes: true,
          dryRun: false,
          resume: false,
          allowDestructive: false,
          ignoreDrift: false,
          secretsVia: "rest",
          ...extra,
        },
        {
          ctx: runtime.ctx,
          flyctl: () =>
            new FlyctlRunner({
              token: "unused",
              restBaseUrl: sandbox.restBaseUrl,
              graphqlUrl: sandbox.graphqlUrl,
              env: {},
              redactor,
            }),
          env: {},
          cwd: dir,
          redactor,
          progress: () => undefined,
        },
      );
    },
  };
}

/** A step's input as a record (catalog steps; the local model makes no flyctl steps). */
export function inputOf(step: PlanFile["steps"][number] | undefined): Record<string, unknown> {
  return step?.input ?? {};
}
