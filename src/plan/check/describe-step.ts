import { findTool, isWriteTool, type Access } from "../../../tools/index.js";
import { displayCommand } from "../../fly/flyctl.js";
import { flyctlRisk } from "../flyctl/rules.js";

/**
 * How a step reads to a person: its risk (from the catalog, never from the plan's words) and one
 * line saying what it will change, in the tool's own words (its `step.describe`). Secret steps
 * name the secrets and where their values come from, never a value.
 */

interface StepText {
  tool: string;
  input: Record<string, unknown>;
}

/** A catalog tool's access, or for raw flyctl the risk the validator's flyctl judge assigns to the command. */
export function stepRisk(step: StepText): Access | "unknown" {
  if (step.tool === "flyctl") return flyctlRisk((step.input?.args ?? []) as string[]) ?? "unknown";
  return findTool(step.tool)?.access ?? "unknown";
}

/**
 * One line: what the step will change. An input its tool rejects (the validator blocks the plan)
 * is shown as it is written, so the reviewer sees exactly what is wrong.
 */
export function describeChange(step: StepText): string {
  const input = step.input ?? {};
  if (step.tool === "flyctl") return `run \`${displayCommand((input.args ?? []) as string[])}\``;
  const tool = findTool(step.tool);
  if (!tool || !isWriteTool(tool)) return `${step.tool} ${JSON.stringify(input)}`;
  const parsed = tool.input.safeParse(input);
  return parsed.success ? tool.step.describe(parsed.data) : `${step.tool} ${JSON.stringify(input)}`;
}
