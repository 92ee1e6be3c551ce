import type { ToolContext } from "../../../tools/define-tool.js";
import { requireTool } from "../../../tools/index.js";
import { invokeTool, parseToolInput } from "../../../tools/invoke.js";
import { orMissing, type PreconditionRead } from "../../../tools/step-knowledge.js";
import { canonicalJson, sha256Hex } from "../schema/canonical.js";
import type { PlanFile, Precondition } from "../schema/schema.js";
import { stepTool } from "../apply/step.js";

/**
 * What the maker adds to a model's proposal so that every plan it writes can be applied safely,
 * whatever the model remembered to do: a name for each create its tool can name (an interrupted
 * apply finds what it already created by name), and the preconditions each step's tool declares,
 * read live.
 */

type Steps = PlanFile["steps"];

/** A suffix that is the same every time this plan is read: derived from the request, its time and the step id. */
function nameSuffix(request: string, createdAt: string, stepId: string): string {
  return sha256Hex(`${createdAt}\n${request}\n${stepId}`).slice(0, 6);
}

export function nameCreates(steps: Steps, request: string, createdAt: string): Steps {
  return steps.map((step) => {
    if (step.tool === "flyctl") return step;
    const reconcile = stepTool(step).step.reconcile;
    if (reconcile.kind !== "create" || reconcile.autoName === undefined) return step;
    const input: unknown = parseToolInput(stepTool(step), step.input);
    if (reconcile.name(input) !== undefined) return step;
    const name = reconcile.autoName(input, nameSuffix(request, createdAt, step.id));
    return { ...step, input: { ...step.input, name } };
  });
}

/** Each step with the defaults its tool fills in from live state (step.complete), so the plan says them. */
export async function completeSteps(ctx: ToolContext, steps: Steps): Promise<Steps> {
  const completed: Steps = [];
  for (const step of steps) {
    const complete = step.tool === "flyctl" ? undefined : stepTool(step).step.complete;
    if (step.tool === "flyctl" || complete === undefined) {
      completed.push(step);
      continue;
    }
    const input = (await complete(ctx, parseToolInput(stepTool(step), step.input))) as Record<
      string,
      unknown
    >;
    completed.push({ ...step, input });
  }
  return completed;
}

export interface Expanded {
  steps: Steps;
  /** What the expanded steps stand on as a whole (the count a scale starts from). */
  preconditions: PreconditionRead[];
  /** One line per expanded step: what it became, or why it became nothing. */
  notes: string[];
}

/**
 * Each many-machine step (scale, rolling restart) replaced by the per-machine steps it stands for
 * now (step.expand), numbered after it ("s1.1", "s1.2"), so the plan names every machine it
 * touches and the validator judges each step on its own tool.
 */
export async function expandSteps(ctx: ToolContext, steps: Steps): Promise<Expanded> {
  const out: Expanded = { steps: [], preconditions: [], notes: [] };
  for (const step of steps) {
    const expand = step.tool === "flyctl" ? undefined : stepTool(step).step.expand;
    if (step.tool === "flyctl" || expand === undefined) {
      out.steps.push(step);
      continue;
    }
    const expansion = await expand(ctx, parseToolInput(stepTool(step), step.input));
    out.notes.push(`${step.id} (${step.tool}): ${expansion.summary}`);
    out.preconditions.push(...expansion.preconditions);
    expansion.steps.forEach((inner, index) =>
      out.steps.push({
        id: `${step.id}.${index + 1}`,
        tool: inner.tool,
        reason: inner.reason,
        input: inner.input,
      }),
    );
  }
  return out;
}

/** The facts each step stands on, as they are now: the app exists, the machine's state, the volume's size. */
export async function derivePreconditions(
  ctx: ToolContext,
  steps: Steps,
  extra: readonly PreconditionRead[] = [],
): Promise<Precondition[]> {
  const out: Precondition[] = [];
  const seen = new Set<string>();
  const reads: PreconditionRead[] = [...extra];
  for (const step of steps) {
    if (step.tool === "flyctl") continue;
    const tool = stepTool(step);
    reads.push(...tool.step.preconditions(parseToolInput(tool, step.input)));
  }
  for (const read of reads) {
    const pre = { tool: read.tool, input: read.input };
    if (seen.has(key(pre))) continue;
    seen.add(key(pre));
    if (typeof read.expect !== "function") {
      out.push({ ...pre, expect: read.expect });
      continue;
    }
    const found = await orMissing(invokeTool(ctx, requireTool(read.tool), read.input));
    const record =
      found !== null && typeof found === "object" ? (found as Record<string, unknown>) : undefined;
    out.push({ ...pre, expect: read.expect(record) });
  }
  return out;
}

function key(pre: { tool: string; input: Record<string, unknown> }): string {
  return `${pre.tool}\n${canonicalJson(pre.input)}`;
}

/** The model's preconditions first; a derived one only where the model recorded nothing for that read. */
export function mergePreconditions(
  proposed: readonly Precondition[],
  derived: readonly Precondition[],
): Precondition[] {
  const seen = new Set(proposed.map(key));
  const merged = [...proposed];
  for (const pre of derived) {
    if (seen.has(key(pre))) continue;
    seen.add(key(pre));
    merged.push(pre);
  }
  return merged;
}
