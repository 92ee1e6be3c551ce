import { RefusedError } from "../../errors.js";
import { checkApproval, confirmSteps, preconditionPlan, preflight, reconcileInterrupted } from "./gates.js";
import { executeSteps } from "./run.js";
import { planName, refusal, type ApplyIo, type ApplyOptions, type ApplyReport } from "./types.js";
import { approvalStatus, type ApprovalStatus } from "../schema/approval.js";
import { describeChange, stepRisk } from "../check/describe-step.js";
import { readJournal } from "./journal.js";
import { readPlanFile } from "../schema/plan-file.js";
import { checkPreconditions, describeCheck } from "../check/preconditions.js";
import { validatePlan, type Finding } from "../check/validator.js";
import { findingLine } from "../check/finding-line.js";
import { heldCredentials } from "../../security/secret-sources.js";
import type { PlanFile } from "../schema/schema.js";

export type { ApplyIo, ApplyOptions, ApplyReport, ApplyStatus, StepOutcome, StepReport } from "./types.js";

/**
 * The applier. In order: parse and validate the plan with today's policy; read the journal (a
 * finished plan is not applied twice, a half-applied one only with --resume); check its approval;
 * re-check preconditions against live state; show the steps and get a yes; run the steps one by
 * one, journaling each start and outcome. Core only: it never prints or prompts by itself — the
 * command passes `progress` and, on a terminal only, `confirm`.
 */

export async function runApplyPlan(options: ApplyOptions, io: ApplyIo): Promise<ApplyReport> {
  const raw = await readPlanFile(options.planPath);
  const credentials = heldCredentials(io.env, io.credentials);
  const verdict = validatePlan(raw, {
    allowDestructive: options.allowDestructive,
    allowEnv: options.allowEnv,
    credentials,
  });
  const approval = approvalStatus(raw as object);
  const report: ApplyReport = {
    status: "refused",
    plan: planName(options),
    sha256: approval.digest,
    approval: approval.state,
    journal: "",
    findings: verdict.findings,
    preconditions: [],
    steps: [],
  };
  try {
    for (const finding of report.findings.filter((f) => f.severity === "warn")) {
      io.progress(`warning: ${findingLine(finding)}`);
    }
    if (!verdict.plan) {
      // Shown even when refused: a plan blocked only by policy still says what it would do.
      const unblocked = validatePlan(raw, { allowDestructive: true, credentials }).plan;
      if (unblocked) report.steps = stepReports(unblocked);
      throw blockedRefusal(verdict.findings, approval);
    }
    report.steps = stepReports(verdict.plan);
    return await applyValidated(verdict.plan, approval, report, options, io);
  } catch (error) {
    // Every refusal (including a journal from another plan version, or a lock held by a live apply) is a report.
    if (!(error instanceof RefusedError)) throw error;
    return { ...report, status: "refused", message: error.message, hint: error.hint };
  }
}

async function applyValidated(
  plan: PlanFile,
  approval: ApprovalStatus,
  report: ApplyReport,
  options: ApplyOptions,
  io: ApplyIo,
): Promise<ApplyReport> {
  const journal = readJournal(options.planPath, approval.digest);
  report.journal = journal.path;
  const allDone = plan.steps.every((step) => journal.steps.get(step.id) === "done");
  if (journal.finished || (allDone && journal.steps.size > 0)) {
    report.steps.forEach((step) => (step.outcome = "done-before"));
    io.progress(
      `already applied: every step of ${planName(options)} is done (journal ${journal.path}); nothing to do`,
    );
    return { ...report, status: "already-applied" };
  }
  const anyStarted = journal.steps.size > 0;
  if (anyStarted && !options.resume) {
    const stopped =
      plan.steps.find((step) => journal.steps.get(step.id) === "interrupted") ??
      plan.steps.find((step) => !journal.steps.has(step.id));
    throw refusal(
      `a previous apply of this plan stopped${stopped ? ` at step ${stopped.id}` : ""} (journal ${journal.path})`,
      `run \`flyops apply ${planName(options)} --resume\` to continue from there`,
    );
  }
  await checkApproval(approval, options, io);
  if (options.resume && !anyStarted)
    io.progress("nothing to resume: no step of this plan has started; applying from the first step");

  const { check, skipped } = preconditionPlan(plan, journal);
  if (check.length > 0) io.progress(`checking ${check.length} precondition(s) against live state`);
  const checks = await checkPreconditions(io.ctx, plan.preconditions ?? [], check);
  report.preconditions = [...checks, ...skipped].sort((a, b) => a.index - b.index);
  report.preconditions.forEach((c) => io.progress(`  ${describeCheck(c)}`));
  const drift = checks.filter((c) => c.status === "drift" || c.status === "error");
  if (drift.length > 0) {
    if (!options.ignoreDrift) {
      throw refusal(
        `live state no longer matches the plan's preconditions:\n  ${drift.map(describeCheck).join("\n  ")}`,
        "make a new plan for the current state (`flyops plan ...`), or pass --ignore-drift if you have checked that the plan is still right",
      );
    }
    io.progress(
      `warning: applying despite ${drift.length} precondition(s) that do not hold (--ignore-drift)`,
    );
  }

  const decisions = await reconcileInterrupted(plan, journal, report, options, io);

  await preflight(plan, journal, decisions, report, options, io);
  if (options.dryRun) {
    io.progress("dry run: nothing was changed");
    return { ...report, status: "dry-run" };
  }
  await confirmSteps(plan, journal, decisions, report, options, io);
  return executeSteps(plan, journal, decisions, checks, report, options, io);
}

function stepReports(plan: PlanFile): ApplyReport["steps"] {
  return plan.steps.map((step) => ({
    id: step.id,
    tool: step.tool,
    risk: stepRisk(step),
    change: describeChange(step),
    outcome: "not-run",
  }));
}

/** The refusal of a blocked plan, with the one fix that applies: a policy flag, or a new plan. */
function blockedRefusal(findings: readonly Finding[], approval: ApprovalStatus): RefusedError {
  const blocks = findings.filter((f) => f.severity === "block");
  const lines = blocks.map(findingLine);
  const onlyPolicy = blocks.every((f) => f.rule === "destructive");
  const approved = approval.state === "valid" ? "; the approval stays valid" : "";
  return refusal(
    `the validator blocks this plan:\n  ${lines.join("\n  ")}`,
    onlyPolicy
      ? `the plan destroys something: if that is intended, apply it with --allow-destructive${approved}`
      : "fix the plan, approve it again, then apply",
  );
}
