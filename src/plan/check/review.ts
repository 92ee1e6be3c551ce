import { z } from "zod";
import type { ToolContext } from "../../../tools/define-tool.js";
import { approvalStatus, type ApprovalStatus } from "../schema/approval.js";
import { describeChange, stepRisk } from "./describe-step.js";
import {
  checkPreconditions,
  describeCheck,
  preconditionLabel,
  type PreconditionCheck,
} from "./preconditions.js";
import { validatePlan, type Finding } from "./validator.js";
import { findingLine } from "./finding-line.js";
import { terminalSafe } from "../../security/terminal-safe.js";

/**
 * The readable form of a plan, for `flyops plan show` and for the maker's closing review: each
 * step with its risk and what it will change, each precondition with whether it holds right now,
 * the validator's findings and the approval. The review keeps the plan's values as they are (its
 * JSON form is data); the text form shows every value terminal-safe and on its own line, so a
 * reason, an id or a name cannot move the cursor, erase the lines above it or forge a line.
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

/**
 * A plan as far as it can be shown when it does not validate: whatever each part holds, read
 * field by field, so that `plan show` of a blocked plan still shows what is in it.
 */
const text = z.string().optional().catch(undefined);
const Shown = z.object({
  request: text,
  summary: text,
  steps: z
    .array(
      z.object({
        id: z.string().catch("?"),
        tool: z.string().catch("?"),
        reason: text,
        input: z.record(z.unknown()).catch({}),
      }),
    )
    .catch([]),
  preconditions: z
    .array(
      z.object({
        tool: z.string().catch("?"),
        input: z.record(z.unknown()).catch({}),
        expect: z.record(z.unknown()).catch({}),
      }),
    )
    .catch([]),
});

export interface ReviewOptions {
  file: string;
  allowDestructive: boolean;
  /** Other tools' credential variables a secret may be read from: the config file's secrets.allow_env. */
  allowEnv?: readonly string[];
  /** Live checks of the preconditions; without it they are listed as not checked, with `offlineNote`. */
  ctx?: ToolContext;
  offlineNote?: string;
  /** The credentials this process holds: a plan holding one is blocked (validator.ts). */
  credentials?: readonly string[];
}

export async function reviewPlan(raw: unknown, options: ReviewOptions): Promise<PlanReview> {
  const verdict = validatePlan(raw, {
    allowDestructive: options.allowDestructive,
    allowEnv: options.allowEnv,
    credentials: options.credentials,
  });
  const plan = verdict.plan ?? Shown.parse(typeof raw === "object" && raw !== null ? raw : {});
  const approval = approvalStatus(typeof raw === "object" && raw !== null ? raw : {});
  const { steps, preconditions: pres } = plan;
  // Only a plan that validates is read against live state: a blocked one may name anything.
  const note = verdict.plan
    ? (options.offlineNote ?? "not checked")
    : "not checked: the plan does not validate";
  const preconditions =
    options.ctx && verdict.plan
      ? await checkPreconditions(options.ctx, verdict.plan.preconditions)
      : pres.map((pre, index): PreconditionCheck => ({
          index,
          label: preconditionLabel(pre),
          status: "skipped",
          expected: pre.expect,
          note,
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

/** One value of the plan on one line, escaped: a newline in it cannot start a line of its own. */
const safe = (value: unknown): string => terminalSafe(String(value));

function approvalLine(approval: ApprovalStatus): string {
  switch (approval.state) {
    case "missing":
      return "not approved";
    case "valid":
      return `approved by ${safe(approval.approval.approvedBy)} at ${safe(approval.approval.approvedAt)}`;
    case "changed":
      return `CHANGED since ${safe(approval.approval.approvedBy)} approved it at ${safe(approval.approval.approvedAt)}: approve again before applying`;
  }
}

export function renderReview(review: PlanReview): string {
  const lines: string[] = [`Plan ${safe(review.file)}`];
  if (review.request) lines.push(`  request:  ${safe(review.request)}`);
  if (review.summary) lines.push(`  summary:  ${safe(review.summary)}`);
  lines.push(
    `  sha256:   ${review.sha256}`,
    `  approval: ${approvalLine(review.approval)}`,
    "",
    `Steps (${review.steps.length}):`,
  );
  for (const step of review.steps) {
    lines.push(`  ${safe(step.id).padEnd(4)} [${step.risk}] ${safe(step.change)}`);
    if (step.reason) lines.push(`       why: ${safe(step.reason)}`);
  }
  lines.push("", `Preconditions (${review.preconditions.length}):`);
  if (review.preconditions.length === 0) lines.push("  none: the plan relies on no recorded facts");
  for (const check of review.preconditions)
    lines.push(`  ${MARK[check.status].padEnd(5)} ${safe(describeCheck(check))}`);
  lines.push("", review.ok ? "Validator: may run" : "Validator: BLOCKED");
  for (const finding of review.findings) lines.push(`  ${finding.severity}: ${findingLine(finding)}`);
  return `${lines.join("\n")}\n`;
}
