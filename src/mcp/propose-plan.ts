import { z } from "zod";
import { defineTool, type AnyTool } from "../../tools/define-tool.js";
import { toolsByAccess } from "../../tools/index.js";
import { reviewPlan } from "../plan/check/review.js";
import { acceptProposal, planTimestamp } from "../plan/maker/accept-proposal.js";
import { MakerProposal } from "../plan/maker/proposal.js";
import { defaultPlanPath, writePlanFile } from "../plan/schema/plan-file.js";
import { planStepSchema } from "../plan/schema/schema.js";
import type { Redactor } from "../security/redact.js";
import { withholdSecretValues } from "../security/withhold-secrets.js";
import type { OfferedTool } from "./offered-tools.js";

/**
 * The one way an MCP client asks for a change: it proposes the steps, and flyops holds them to the
 * bar `flyops plan` holds its own model to (acceptProposal: names for creates, the preconditions
 * each step's tool declares, the validator with this server's policy, every precondition checked
 * live), then writes the plan file as `flyops plan` does and returns its path and review. Nothing
 * at Fly changes: the person approves and applies the file with flyops, outside the agent.
 */

const MAX_REQUEST_LENGTH = 2000;

/** The maker's proposal with the person's request, and each step option described: an MCP client has no maker prompt listing the step tools. */
export const McpProposal = z
  .object({
    request: z
      .string()
      .trim()
      .min(1)
      .max(MAX_REQUEST_LENGTH)
      .describe(
        "The change the person asked for, in their words; it becomes the plan's request and names the file. Never put a secret value here",
      ),
    summary: MakerProposal.shape.summary,
    steps: z.array(planStepSchema(toolsByAccess("write", "destructive"))).min(1),
    preconditions: MakerProposal.shape.preconditions
      .default([])
      .describe(
        "Facts you read that the plan relies on, re-checked before apply; flyops adds those each step needs",
      ),
  })
  .strict();

export interface ProposePlanOptions {
  allowDestructive: boolean;
  /** Other tools' credential variables a secret may be read from: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
  redactor: Redactor;
  /** The folder whose plans/ receives plan files, as for `flyops plan`. */
  dir: string;
  now?: () => Date;
}

/**
 * Not read-only (it writes a local file) and not idempotent (each call writes a new plan), but it
 * destroys nothing: a destructive step only lands in a plan file, and only with --allow-destructive.
 */
const PROPOSE_ANNOTATIONS = {
  title: "Propose a change plan (nothing is changed)",
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
} as const;

export function proposePlanTool(options: ProposePlanOptions): OfferedTool {
  const now = options.now ?? (() => new Date());
  // One proposal at a time: two at once could pick the same free file name.
  let queue: Promise<unknown> = Promise.resolve();
  const destructive = options.allowDestructive
    ? "Destructive steps (destroy, release, remove, unset) are accepted only when the person asked for destruction."
    : "Destructive steps (destroy, release, remove, unset) are refused: this server was started without --allow-destructive.";
  const tool = defineTool({
    name: "propose_plan",
    description:
      "Propose a change to the Fly.io fleet as a plan file. Nothing is changed: flyops validates the steps " +
      "(write catalog tools or raw flyctl, in order) with its policy, records the live state they rely on as " +
      "preconditions, writes the plan under plans/ and returns its path and review, or says exactly what to fix. " +
      `${destructive} Read the facts with the read tools first. The person approves and applies the plan ` +
      "outside this conversation (`flyops plan approve FILE`, then `flyops apply FILE`); you cannot apply it.",
    // It changes nothing at Fly, like the maker's propose_plan; its annotations say it writes a file.
    access: "read",
    input: McpProposal,
    run(ctx, proposal) {
      const made = queue.then(async () => {
        const at = now();
        // The request is kept in the plan and names its file; no secret value or token in it is.
        const { text, withheld } = withholdSecretValues(proposal.request);
        const request = options.redactor.redact(text);
        const { plan, warnings } = await acceptProposal(ctx, proposal, {
          request,
          createdAt: planTimestamp(at),
          allowDestructive: options.allowDestructive,
          allowEnv: options.allowEnv,
          redactor: options.redactor,
        });
        const file = defaultPlanPath(request, at, options.dir);
        await writePlanFile(file, plan);
        const review = await reviewPlan(plan, {
          file,
          allowDestructive: options.allowDestructive,
          allowEnv: options.allowEnv,
          ctx,
        });
        return {
          plan_file: file,
          changed: "nothing: this is a plan file, not a change",
          ...(withheld.length > 0
            ? { withheld: `secret values of ${withheld.join(", ")} were left out of the plan's request` }
            : {}),
          warnings: warnings.map((f) => f.message),
          review,
          next: `Show the person the review. They approve and apply it themselves: flyops plan approve ${file}, then flyops apply ${file}.`,
        };
      });
      queue = made.catch(() => undefined);
      return made;
    },
    view: (result) => result,
  });
  return { tool: tool as AnyTool, annotations: PROPOSE_ANNOTATIONS };
}
