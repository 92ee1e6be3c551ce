import type { AnyWriteTool, ToolContext } from "../../../tools/define-tool.js";
import { parseToolInput } from "../../../tools/invoke.js";
import { identity, type Existing, type StepEffect } from "../../../tools/step-knowledge.js";
import type { PlanStep } from "../schema/schema.js";
import { stepTool } from "./step.js";

/**
 * Reconciliation of a step that started but has no recorded outcome (the process died, or the step
 * failed after its request may have reached Fly). The rule: adopt what the step did only when its
 * identity is certain, run it again only when that cannot duplicate anything, otherwise stop and
 * ask the person. How each tool is settled is the tool's own knowledge (`step.reconcile`).
 *
 * Creates are the dangerous case: running one twice makes two machines. Before a create runs, the
 * applier journals the ids of the resources that already carry the step's name (`before`). After a
 * crash, a resource with that name that is not in `before` was made by this step and is adopted;
 * none means the create never happened and it runs again. Machine names are unique within an app,
 * volume names are not, hence the snapshot. A create without a name cannot be recognised: if any
 * resource of its kind appeared since the step started, flyops refuses to guess and the person
 * decides with `--interrupted retry|done`. The maker names what it creates wherever the tool can.
 */

export type Reconciliation =
  /** adopted: what the step created was found; confirmed: its effect is already there (or the person said so). */
  | { action: "adopt"; how: "adopted" | "confirmed"; changed: StepEffect; note: string }
  | { action: "rerun"; note: string }
  | { action: "ask"; note: string };

type CreateKnowledge = Extract<AnyWriteTool["step"]["reconcile"], { kind: "create" }>;

function createOf(tool: AnyWriteTool): CreateKnowledge | undefined {
  const reconcile = tool.step.reconcile;
  return reconcile.kind === "create" ? reconcile : undefined;
}

export function isCreate(step: PlanStep): boolean {
  return step.tool !== "flyctl" && createOf(stepTool(step)) !== undefined;
}

/**
 * Ids of the resources a create step could be confused with, taken just before it runs:
 * those with its name, or for an unnamed create every resource of that kind in the app.
 */
export async function snapshotBeforeCreate(ctx: ToolContext, step: PlanStep): Promise<string[] | undefined> {
  if (step.tool === "flyctl") return undefined;
  const tool = stepTool(step);
  const create = createOf(tool);
  if (!create) return undefined;
  const input: unknown = parseToolInput(tool, step.input);
  const name = create.name(input);
  const items = await create.existing(ctx, input);
  return items.filter((item) => name === undefined || item.name === name).map((item) => item.id);
}

async function reconcileCreate(
  ctx: ToolContext,
  create: CreateKnowledge,
  input: unknown,
  before: readonly string[] | undefined,
): Promise<Reconciliation> {
  if (before === undefined) {
    return {
      action: "ask",
      note: "the journal holds no snapshot taken before this create, so a new resource cannot be told apart",
    };
  }
  const name = create.name(input);
  const fresh: Existing[] = (await create.existing(ctx, input)).filter(
    (item) => (name === undefined || item.name === name) && !before.includes(item.id),
  );
  const ids = fresh.map((item) => item.id);
  if (fresh.length === 0)
    return { action: "rerun", note: "nothing was created before the interruption; creating it now" };
  const [only] = fresh;
  if (name !== undefined && only !== undefined && fresh.length === 1) {
    return {
      action: "adopt",
      how: "adopted",
      changed: {
        ...identity(input),
        [create.effectKey]: only.id,
        name,
        ...(typeof only.state === "string" ? { state: only.state } : {}),
      },
      note: `adopted ${only.id} (named ${name}), created before the interruption`,
    };
  }
  const what =
    name === undefined
      ? `this create has no name, and ${ids.length} new`
      : `${ids.length} resources named ${name}`;
  return {
    action: "ask",
    note: `${what} appeared since it started (${ids.join(", ")}); flyops will not guess which is the plan's`,
  };
}

/** Decides what to do with an interrupted step, reading live state only. */
export async function reconcileStep(
  ctx: ToolContext,
  step: PlanStep,
  before: readonly string[] | undefined,
): Promise<Reconciliation> {
  if (step.tool === "flyctl") {
    return {
      action: "ask",
      note: "flyops cannot tell whether this flyctl command took effect, and running it twice may not be harmless",
    };
  }
  const tool = stepTool(step);
  const input: unknown = parseToolInput(tool, step.input);
  const reconcile = tool.step.reconcile;
  switch (reconcile.kind) {
    case "idempotent":
      return { action: "rerun", note: "running it again leaves the same result" };
    case "create":
      return reconcileCreate(ctx, reconcile, input, before);
    case "ask":
      return {
        action: "ask",
        note: `flyops cannot tell whether ${tool.name} took effect (${reconcile.why}), and running it twice may not be harmless`,
      };
    case "check": {
      const verdict = await reconcile.check(ctx, input);
      if (verdict.outcome === "done")
        return { action: "adopt", how: "confirmed", changed: identity(input), note: verdict.note };
      return { action: verdict.outcome, note: verdict.note };
    }
  }
}
