import type { PlanFile, PlanStep } from "../schema/schema.js";
import { FlyopsError } from "../../errors.js";
import { executeStep } from "./step.js";
import { planName, refusal, type ApplyIo, type ApplyOptions, type ApplyReport } from "./types.js";
import type { ApprovalStatus } from "../schema/approval.js";
import { describeChange } from "../check/describe-step.js";
import type { JournalState } from "./journal.js";
import { preconditionLabel, stepMayAffect, type PreconditionCheck } from "../check/preconditions.js";
import { reconcileStep, type Reconciliation } from "./reconcile.js";
import { heldCredentials } from "../../security/secret-sources.js";
import { findTool, providerOf, type Provider } from "../../../tools/index.js";

/**
 * The gates an apply passes before anything changes: approval, which preconditions to re-read,
 * what to do with an interrupted step, a preflight of every step still to run, and the person's yes.
 */

/** Preconditions to read live now; on resume, those a started step may have changed are trusted from the journal. */
export function preconditionPlan(
  plan: PlanFile,
  journal: JournalState,
): { check: number[]; skipped: PreconditionCheck[] } {
  const pres = plan.preconditions ?? [];
  const started = plan.steps.filter((step) => journal.steps.has(step.id));
  const check: number[] = [];
  const skipped: PreconditionCheck[] = [];
  pres.forEach((pre, index) => {
    const touchedBy = started.find((step) => stepMayAffect(step, pre));
    if (touchedBy && journal.verifiedBeforeSteps.has(index)) {
      skipped.push({
        index,
        label: preconditionLabel(pre),
        status: "skipped",
        expected: pre.expect,
        note: `checked before the first step ran (journal); step ${touchedBy.id} of this plan may have changed it since`,
      });
    } else check.push(index);
  });
  return { check, skipped };
}

export async function checkApproval(
  approval: ApprovalStatus,
  options: ApplyOptions,
  io: ApplyIo,
): Promise<void> {
  if (approval.state === "valid") {
    io.progress(`approved by ${approval.approval.approvedBy} at ${approval.approval.approvedAt}`);
    return;
  }
  const problem =
    approval.state === "missing"
      ? "the plan is not approved"
      : `the plan changed after ${approval.approval.approvedBy} approved it at ${approval.approval.approvedAt}`;
  if (options.dryRun) {
    io.progress(`note: ${problem}; a real apply would refuse it without a confirmation on a terminal`);
    return;
  }
  const hint = `review it with \`flyops plan show ${planName(options)}\`, then \`flyops plan approve ${planName(options)}\``;
  if (!io.confirm) throw refusal(`${problem}; without a terminal to confirm on, nothing was applied`, hint);
  if (!(await io.confirm(`${problem}. Apply it anyway?`)))
    throw refusal(`${problem}; you declined to apply it`, hint);
}

export async function reconcileInterrupted(
  plan: PlanFile,
  journal: JournalState,
  report: ApplyReport,
  options: ApplyOptions,
  io: ApplyIo,
): Promise<Map<string, Reconciliation>> {
  const decisions = new Map<string, Reconciliation>();
  for (const step of plan.steps) {
    if (journal.steps.get(step.id) !== "interrupted") continue;
    let decision = await reconcileStep(io.ctx, step, journal.starts.get(step.id)?.before);
    if (decision.action === "ask" && options.interrupted === "retry")
      decision = { action: "rerun", note: "running it again, as --interrupted retry says" };
    if (decision.action === "ask" && options.interrupted === "done") {
      decision = {
        action: "adopt",
        how: "confirmed",
        changed: { confirmedBy: "--interrupted done" },
        note: "taken as done, as --interrupted done says",
      };
    }
    io.progress(`step ${step.id} was interrupted: ${decision.note}`);
    if (decision.action === "ask") {
      throw refusal(
        `step ${step.id} (${describeChange(step)}) was interrupted and ${decision.note}`,
        `check the app by hand, then run \`flyops apply ${planName(options)} --resume --interrupted done\` if it took effect, or \`--interrupted retry\` if it did not`,
      );
    }
    const entry = report.steps.find((s) => s.id === step.id);
    if (entry) entry.note = decision.note;
    decisions.set(step.id, decision);
  }
  return decisions;
}

export function pendingSteps(
  plan: PlanFile,
  journal: JournalState,
  decisions: Map<string, Reconciliation>,
): PlanStep[] {
  return plan.steps.filter(
    (step) => journal.steps.get(step.id) !== "done" && decisions.get(step.id)?.action !== "adopt",
  );
}

/**
 * Everything but the changes, for every step still to run: input checked against the tool,
 * secret references resolved (a missing variable stops the apply before anything changed),
 * flyctl located. A dry run ends here.
 */
export async function preflight(
  plan: PlanFile,
  journal: JournalState,
  decisions: Map<string, Reconciliation>,
  report: ApplyReport,
  options: ApplyOptions,
  io: ApplyIo,
): Promise<void> {
  const pending = new Set(pendingSteps(plan, journal, decisions).map((step) => step.id));
  for (const [index, step] of plan.steps.entries()) {
    const entry = report.steps[index];
    if (!entry) continue;
    if (!pending.has(step.id)) {
      if (options.dryRun) entry.outcome = journal.steps.get(step.id) === "done" ? "done-before" : "adopted";
      continue;
    }
    try {
      const changed = await executeStep(step, stepRunner(options, io), true);
      if (options.dryRun) Object.assign(entry, { outcome: "would-run", changed });
    } catch (error) {
      if (!(error instanceof FlyopsError)) throw error;
      throw refusal(`step ${step.id} cannot run: ${io.redactor.redact(error.message)}`, error.hint);
    }
    if (options.dryRun) io.progress(`would run ${step.id}: ${entry.change}`);
  }
}

export async function confirmSteps(
  plan: PlanFile,
  journal: JournalState,
  decisions: Map<string, Reconciliation>,
  report: ApplyReport,
  options: ApplyOptions,
  io: ApplyIo,
): Promise<void> {
  const pending = pendingSteps(plan, journal, decisions);
  io.progress(
    `${options.resume ? "resuming" : "applying"} ${planName(options)}: ${pending.length} of ${plan.steps.length} step(s) to run`,
  );
  for (const entry of report.steps) {
    const state =
      journal.steps.get(entry.id) === "done"
        ? "done before"
        : decisions.get(entry.id)?.action === "adopt"
          ? "adopt"
          : entry.risk;
    io.progress(`  ${entry.id.padEnd(4)} ${state.padEnd(11)} ${entry.change}`);
  }
  if (options.yes) return;
  if (!io.confirm) {
    throw refusal(
      "no terminal to confirm on, and --yes was not given; nothing was applied",
      "run it on a terminal, or pass --yes once you have reviewed the plan",
    );
  }
  if (!(await io.confirm(`Run ${pending.length} step(s) against ${providersOf(pending)}?`)))
    throw refusal("you declined; nothing was applied");
}

const PROVIDER_NAMES: Record<Provider, string> = { fly: "Fly", flywp: "FlyWP" };

/** Whom the steps act on, as the catalog says whose each tool is (a flyctl step is Fly's). */
function providersOf(steps: readonly PlanStep[]): string {
  const names = new Set(
    steps.map((step) => {
      const tool = findTool(step.tool);
      return PROVIDER_NAMES[tool === undefined ? "fly" : providerOf(tool)];
    }),
  );
  return [...names].join(" and ");
}

export function stepRunner(options: ApplyOptions, io: ApplyIo): Parameters<typeof executeStep>[1] {
  return {
    ctx: io.ctx,
    flyctl: io.flyctl,
    env: io.env,
    cwd: io.cwd,
    redactor: io.redactor,
    secretsVia: options.secretsVia,
    credentials: heldCredentials(io.env, io.credentials),
    show: io.progress,
    allowEnv: options.allowEnv,
  };
}
