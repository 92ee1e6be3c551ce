import type { ToolContext } from "../../../tools/define-tool.js";
import { approvalStatus, type ApprovalStatus } from "../schema/approval.js";
import { describeChange, stepRisk } from "./describe-step.js";
import {
  checkPreconditions,
  describeCheck,
  preconditionLabel,
  type PreconditionCheck,
  type PreconditionLike,
} from "./preconditions.js";
import type { StepLike } from "../apply/reconcile.js";
import { validatePlan, type Finding } from "./validator.js";

/**
 * The readable form of a plan, for `flyops plan show` and for the maker's closing review: each
 * step with its risk and what it will change, each precondition with whether it holds right now,
 * the validator's findings and the approval.
 */

export interface StepReview {
  id: string;
  tool: string;
  risk: string;
  change: string;
  reason?: string;
}

export interface PlanReview {
  file: string;
  request?: string;
  summary?: string;
  sha256: string;
  approval: ApprovalStatus;
  ok: boolean;
  findings: Finding[];
  steps: StepReview[];
  preconditions: PreconditionCheck[];
}

interface ReviewablePlan {
  request?: string;
  summary?: string;
  steps?: StepLike[];
  preconditions?: PreconditionLike[];
}

export interface ReviewOptions {
  file: string;
  allowDestructive: boolean;
  /** Other tools' credential variables a secret may be read from: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
  /** Live checks of the preconditions; without it they are listed as not checked, with `offlineNote`. */
  ctx?: ToolContext;
  offlineNote?: string;
}

export async function reviewPlan(raw: unknown, options: ReviewOptions): Promise<PlanReview> {
  const verdict = validatePlan(raw, {
    allowDestructive: options.allowDestructive,
    allowEnv: options.allowEnv,
  });
  const plan = (raw ?? {}) as ReviewablePlan;
  const approval = approvalStatus(plan);
  const steps = Array.isArray(plan.steps) ? plan.steps : [];
  const pres = Array.isArray(plan.preconditions) ? plan.preconditions : [];
  const preconditions = options.ctx
    ? await checkPreconditions(options.ctx, pres)
    : pres.map((pre, index): PreconditionCheck => ({
        index,
        label: preconditionLabel(pre),
        status: "skipped",
        expected: pre.expect,
        note: options.offlineNote ?? "not checked",
      }));
  return {
    file: options.file,
    request: plan.request,
    summary: plan.summary,
    sha256: approval.digest,
    approval,
    ok: verdict.ok,
    findings: verdict.findings,
    steps: steps.map((step) => ({
      id: step.id,
      tool: step.tool,
      risk: stepRisk(step),
      change: describeChange(step),
      ...(step.reason === undefined ? {} : { reason: step.reason }),
    })),
    preconditions,
  };
}

const MARK: Record<PreconditionCheck["status"], string> = {
  holds: "ok",
  drift: "DRIFT",
  error: "ERROR",
  skipped: "--",
};

function approvalLine(approval: ApprovalStatus): string {
  switch (approval.state) {
    case "missing":
      return "not approved";
    case "valid":
      return `approved by ${approval.approval.approvedBy} at ${approval.approval.approvedAt}`;
    case "changed":
      return `CHANGED since ${approval.approval.approvedBy} approved it at ${approval.approval.approvedAt}: approve again before applying`;
  }
}

export function renderReview(review: PlanReview): string {
  const lines: string[] = [`Plan ${review.file}`];
  if (review.request) lines.push(`  request:  ${review.request}`);
  if (review.summary) lines.push(`  summary:  ${review.summary}`);
  lines.push(
    `  sha256:   ${review.sha256}`,
    `  approval: ${approvalLine(review.approval)}`,
    "",
    `Steps (${review.steps.length}):`,
  );
  for (const step of review.steps) {
    lines.push(`  ${step.id.padEnd(4)} [${step.risk}] ${step.change}`);
    if (step.reason) lines.push(`       why: ${step.reason}`);
  }
  lines.push("", `Preconditions (${review.preconditions.length}):`);
  if (review.preconditions.length === 0) lines.push("  none: the plan relies on no recorded facts");
  for (const check of review.preconditions)
    lines.push(`  ${MARK[check.status].padEnd(5)} ${describeCheck(check)}`);
  lines.push("", review.ok ? "Validator: may run" : "Validator: BLOCKED");
  for (const finding of review.findings) {
    lines.push(
      `  ${finding.severity}: ${finding.step ? `${finding.step}: ` : ""}${finding.message} [${finding.rule}]`,
    );
  }
  return `${lines.join("\n")}\n`;
}
