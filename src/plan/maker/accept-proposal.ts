import type { ToolContext } from "../../../tools/define-tool.js";
import { appsGet } from "../../../tools/apps.js";
import { invokeTool } from "../../../tools/invoke.js";
import { findTool, providerOf } from "../../../tools/index.js";
import { FlyopsError } from "../../errors.js";
import type { Redactor } from "../../security/redact.js";
import { checkPreconditions, describeCheck } from "../check/preconditions.js";
import { validatePlan, type Finding } from "../check/validator.js";
import type { PlanFile } from "../schema/schema.js";
import { completeSteps, derivePreconditions, expandSteps, mergePreconditions, nameCreates } from "./facts.js";
import type { MakerProposal } from "./proposal.js";

/**
 * What turns a proposal (summary, steps, preconditions) into a plan that may be written: names for
 * creates, the preconditions each step's tool declares, the validator with the current policy, and
 * every precondition checked live. Shared by the maker's `propose_plan` and the MCP server's, so a
 * plan proposed by any agent meets the same bar as one made by `flyops plan`.
 */

export class ProposalRejected extends FlyopsError {
  /** The validator's or the live check's problems on one line, for the maker's closing hint. */
  readonly problem: string | undefined;

  constructor(message: string, options: { hint?: string; problem?: string } = {}) {
    super(message, { hint: options.hint });
    this.problem = options.problem;
  }
}

export interface AcceptOptions {
  /** The request as it goes into the plan: secret values withheld, credentials redacted. */
  request: string;
  createdAt: string;
  allowDestructive: boolean;
  /** Other tools' credential variables a secret may be read from: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
  redactor: Redactor;
}

export interface AcceptedPlan {
  plan: PlanFile;
  /** The validator's warnings: the plan may run, but a reviewer should read these. */
  warnings: Finding[];
  /** How steps that stand for several (a scale, a restart of an app) were expanded, one note each. */
  expanded: string[];
}

/** A plan's `createdAt`: the time in whole seconds, as ISO 8601 with a Z. */
export function planTimestamp(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function rejection(lines: string[], what: string, problem: string): ProposalRejected {
  return new ProposalRejected(`the plan was not accepted: ${what}:\n- ${lines.join("\n- ")}`, {
    hint: "fix exactly these problems and call propose_plan again with the whole plan",
    problem,
  });
}

export async function acceptProposal(
  ctx: ToolContext,
  proposal: MakerProposal,
  options: AcceptOptions,
): Promise<AcceptedPlan> {
  const { request, createdAt } = options;
  const expanded = await expandSteps(ctx, proposal.steps);
  if (expanded.steps.length === 0)
    throw rejection(expanded.notes, "there is nothing to do", expanded.notes.join("; "));
  const steps = nameCreates(await completeSteps(ctx, expanded.steps), request, createdAt);
  const derived = await derivePreconditions(ctx, steps, expanded.preconditions);
  const plan: PlanFile = {
    version: 1,
    request,
    createdAt,
    ...(await planOrg(ctx, steps)),
    summary: proposal.summary,
    steps,
    preconditions: mergePreconditions(proposal.preconditions, derived),
  };
  const verdict = validatePlan(plan, {
    allowDestructive: options.allowDestructive,
    allowEnv: options.allowEnv,
  });
  const blocking = [
    ...verdict.findings.filter((f) => f.severity === "block"),
    ...heldCredential(plan, options.redactor),
  ];
  if (blocking.length > 0) {
    throw rejection(
      blocking.map((f) => `${f.step ? `${f.step}: ` : ""}${f.message} [${f.rule}]`),
      "the validator blocks it",
      blocking.map((f) => f.message).join("; "),
    );
  }
  const failing = (await checkPreconditions(ctx, plan.preconditions)).filter((c) => c.status !== "holds");
  if (failing.length > 0) {
    throw rejection(
      failing.map(describeCheck),
      "these preconditions do not hold now (record the values you read)",
      failing.map(describeCheck).join("; "),
    );
  }
  return { plan, warnings: verdict.findings, expanded: expanded.notes };
}

/**
 * A plan is written to a file and printed: a credential the process holds (a model key, the Fly
 * token, whatever its shape) may not be in it. The validator catches token shapes; this, the rest.
 */
function heldCredential(plan: PlanFile, redactor: Redactor): Finding[] {
  const text = JSON.stringify(plan);
  if (redactor.redact(text) === text) return [];
  return [
    {
      rule: "credential",
      severity: "block",
      message:
        "the plan holds a credential flyops holds (a token or an API key); a plan never carries credentials",
    },
  ];
}

/** The org a plan names: none for a plan of another provider's steps only (the catalog says whose a tool is). */
async function planOrg(ctx: ToolContext, steps: PlanFile["steps"]): Promise<{ org?: string }> {
  const fly = steps.some((s) => {
    const tool = findTool(s.tool);
    return tool === undefined || providerOf(tool) === "fly";
  });
  if (!fly) return {};
  return { org: ctx.org ?? (await orgOfApps(ctx, steps)) };
}

/** The org slug of an app, read through the catalog's apps_get like every other front reads it. */
async function orgOfApp(ctx: ToolContext, app: string): Promise<string | undefined> {
  const result = (await invokeTool(ctx, appsGet, { app })) as { organization?: { slug?: unknown } | null };
  const slug = result.organization?.slug;
  return typeof slug === "string" && slug !== "" ? slug : undefined;
}

/** A plan names its org; without a configured one, it is the org a step names, else that of the (first) app it touches. */
async function orgOfApps(ctx: ToolContext, steps: PlanFile["steps"]): Promise<string> {
  // A step that names its org (an app to create) says it; an app that does not exist yet has none to read.
  const named = steps
    .map((s) => (s.input as Record<string, unknown>).org)
    .find((o): o is string => typeof o === "string" && o !== "");
  if (named) return named;
  const app = steps
    .map((s) => (s.input as Record<string, unknown>).app)
    .find((a): a is string => typeof a === "string");
  const slug = app === undefined ? undefined : await orgOfApp(ctx, app);
  if (slug) return slug;
  throw new ProposalRejected(
    "cannot tell which organization the plan is for: no step names an app of a known org",
    {
      hint: "give each step its `app`; otherwise the person must run `flyops plan` with --org",
    },
  );
}
