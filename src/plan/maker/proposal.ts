import { z } from "zod";
import { toolsByAccess } from "../../../tools/index.js";
import { Expectation, PlanProposal, planStepSchema, readTools } from "../schema/schema.js";

/**
 * The input of the maker's `propose_plan` tool, as narrow as a proposal needs: its JSON schema is
 * sent with every model turn. Steps are write or destructive catalog tools (each with its exact
 * input schema) or raw flyctl; a precondition names a read tool, and its input is any object here,
 * because validatePlan checks it against that read tool's own schema right after. The full plan
 * schema (every catalog tool in a step, every read tool's input in a precondition) is about two and a
 * half times larger and offers the model nothing it should use.
 */

const readToolNames = readTools().map((tool) => tool.name) as [string, ...string[]];

const ProposalPrecondition = z
  .object({
    tool: z.enum(readToolNames).describe("A read tool: the same tool you called to read the fact"),
    input: z
      .record(z.unknown())
      .describe(
        'That read tool\'s input, exactly as you called it, e.g. {"app": "my-app", "machine_id": "…"}',
      ),
    expect: Expectation,
  })
  .strict()
  .describe("A fact the plan relies on, re-checked against live state before apply");

export const MakerProposal = z
  .object({
    summary: PlanProposal.shape.summary,
    steps: z.array(planStepSchema(toolsByAccess("write", "destructive"), { described: false })).min(1),
    preconditions: z.array(ProposalPrecondition),
  })
  .strict();
export type MakerProposal = z.infer<typeof MakerProposal>;
