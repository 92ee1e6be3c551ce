import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { defineTool, type AnyTool, type ToolContext } from "../../../tools/define-tool.js";
import { toolsByAccess } from "../../../tools/index.js";
import { runAsk, type AskResult } from "../../agent/ask-loop.js";
import { MaxStepsError } from "../../agent/errors.js";
import type { Redactor } from "../../security/redact.js";
import { FlyopsError } from "../../errors.js";
import type { ChatModel, Usage } from "../../llm/types.js";
import { meter } from "../../llm/metered.js";
import { packageRoot } from "../../package-root.js";
import { ProposalRejected, acceptProposal, planTimestamp } from "./accept-proposal.js";
import { stepToolsText } from "./prompt.js";
import { MakerProposal } from "./proposal.js";
import { withholdSecretValues } from "../../security/withhold-secrets.js";
import type { PlanFile } from "../schema/schema.js";

/**
 * The maker: a change request in plain English becomes a plan file. It reuses the ask loop: the
 * model reads live facts with the catalog's read tools, then calls `propose_plan`. That tool
 * changes nothing (hence `access: "read"`, the only kind the loop accepts); it completes the
 * proposal (names for creates, preconditions for what the steps touch), validates it with the
 * current policy and checks its preconditions live. Whatever is wrong goes back to the model as
 * the tool's error result, word for word, and it may try again, a bounded number of times.
 * A secret value written into the request reaches neither the model nor the plan: it is withheld
 * first (src/agent/withhold-secrets.ts).
 */

export const MAKER_PROMPT_PATH = join(packageRoot, "prompts", "maker.md");
export const MAX_PROPOSALS = 3;
export const MAKER_MAX_STEPS = 16;

export interface MakePlanOptions {
  /** As the person wrote it; values of assignments in it are withheld before anything else sees it. */
  request: string;
  model: ChatModel;
  ctx: ToolContext;
  redactor: Redactor;
  allowDestructive: boolean;
  /** Other tools' credential variables a secret may be read from: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
  now?: Date;
  maxProposals?: number;
  maxSteps?: number;
  onText?: (delta: string) => void;
  /** One line per tool call the model makes, for progress on stderr. */
  onToolCall?: (tool: string, ok: boolean) => void;
  systemPrompt?: string;
}

export interface MadePlan {
  plan: PlanFile;
  proposals: number;
  /** The model's closing words. */
  answer: string;
  model: string;
  /** Tokens of every model turn the plan took, rejected proposals included. */
  usage: Usage;
}

export { ProposalRejected } from "./accept-proposal.js";

export class MakerError extends FlyopsError {}

export async function loadMakerPrompt(options: {
  org?: string;
  app?: string;
  allowDestructive: boolean;
  today: Date;
}): Promise<string> {
  const template = await readFile(MAKER_PROMPT_PATH, "utf8");
  const values: Record<string, string> = {
    org: options.org ?? "none: every organization the token can see",
    app: options.app ?? "none",
    today: options.today.toISOString().slice(0, 10),
    destructive: options.allowDestructive
      ? "allowed (--allow-destructive): use them only when the request asks for destruction"
      : "NOT allowed: the validator blocks destroy/release/remove/unset steps",
    step_tools: stepToolsText(),
  };
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

export async function makePlan(options: MakePlanOptions): Promise<MadePlan> {
  const { ctx } = options;
  const request = withholdSecretValues(options.request).text;
  const now = options.now ?? new Date();
  const createdAt = planTimestamp(now);
  const maxProposals = options.maxProposals ?? MAX_PROPOSALS;
  let proposals = 0;
  let accepted: PlanFile | undefined;
  let lastProblem: string | undefined;

  const proposePlan = defineTool({
    name: "propose_plan",
    description:
      "Propose the whole change plan once you have read the facts: summary, steps (write catalog tools or raw flyctl, in order) and preconditions (read tool calls with the values you read). Nothing is changed; flyops validates it and answers with what to fix, or accepts it.",
    access: "read",
    input: MakerProposal,
    async run(toolCtx, proposal) {
      if (accepted)
        return { accepted: true, note: "the plan was already accepted; reply with a short summary and stop" };
      if (proposals >= maxProposals) {
        throw new ProposalRejected(
          `no more proposals are accepted (limit ${maxProposals}); stop and explain what blocked the plan`,
        );
      }
      proposals += 1;
      const { plan, warnings, expanded } = await acceptProposal(toolCtx, proposal, {
        request,
        createdAt,
        allowDestructive: options.allowDestructive,
        allowEnv: options.allowEnv,
        redactor: options.redactor,
      }).catch((error: unknown) => {
        if (error instanceof ProposalRejected && error.problem !== undefined) lastProblem = error.problem;
        throw error;
      });
      accepted = plan;
      return {
        accepted: true,
        steps: plan.steps.length,
        preconditions: plan.preconditions.length,
        warnings: warnings.map((f) => f.message),
        ...(expanded.length > 0 ? { expanded } : {}),
        next: "reply with a short summary of the plan for the person and stop",
      };
    },
    view: (result) => result,
  });

  const tools: AnyTool[] = [...toolsByAccess("read"), proposePlan as AnyTool];
  const systemPrompt =
    options.systemPrompt ??
    (await loadMakerPrompt({
      org: ctx.org,
      app: ctx.app,
      allowDestructive: options.allowDestructive,
      today: now,
    }));
  let result: AskResult | undefined;
  const metered = meter(options.model);
  try {
    result = await runAsk({
      question: request,
      model: metered.model,
      ctx,
      tools,
      // Every read tool stays offered: a plan's preconditions read whatever resource its steps change.
      toolsets: [],
      redactor: options.redactor,
      maxSteps: options.maxSteps ?? MAKER_MAX_STEPS,
      systemPrompt,
      onText: options.onText,
      onToolCall: (record) => options.onToolCall?.(record.tool, record.ok),
    });
  } catch (error) {
    // A model that keeps talking after its plan was accepted has still made the plan.
    if (!(error instanceof MaxStepsError && accepted)) throw error;
  }
  if (!accepted) {
    throw new MakerError(
      proposals === 0
        ? "the model proposed no plan"
        : `the model proposed no valid plan in ${proposals} attempt(s)`,
      {
        hint: lastProblem
          ? `last problem: ${options.redactor.redact(lastProblem)}`
          : `its answer: ${options.redactor.redact(result?.answer.trim() || "(none)")}`,
      },
    );
  }
  return {
    plan: accepted,
    proposals,
    answer: result?.answer ?? "",
    model: options.model.id,
    usage: metered.usage(),
  };
}
