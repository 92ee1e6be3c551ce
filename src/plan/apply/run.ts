import type { PlanFile } from "../schema/schema.js";
import { countingChanges, type ChangeCounter } from "../../fly/change-tracker.js";
import { MachineLeasedError } from "../../fly/leases.js";
import { acquireApplyLock } from "./lock.js";
import { executeStep } from "./step.js";
import { stepRunner } from "./gates.js";
import { planName, refusal, type ApplyIo, type ApplyOptions, type ApplyReport } from "./types.js";
import { JournalWriter, readJournal, type JournalState, type StepEffect } from "./journal.js";
import type { PreconditionCheck } from "../check/preconditions.js";
import { isCreate, snapshotBeforeCreate, type Reconciliation } from "./reconcile.js";

/**
 * Running the steps: under the apply lock, each step's start is journaled (with, for a create,
 * what already existed) before it runs and its outcome after; the first failure stops the run.
 */

function resumeHint(planPath: string): string {
  return `after fixing the cause, run \`flyops apply ${planPath} --resume\`: finished steps are skipped and the interrupted one is reconciled`;
}

export async function executeSteps(
  plan: PlanFile,
  journal: JournalState,
  decisions: Map<string, Reconciliation>,
  checks: PreconditionCheck[],
  report: ApplyReport,
  options: ApplyOptions,
  io: ApplyIo,
): Promise<ApplyReport> {
  const lock = acquireApplyLock(journal.path);
  let writer: JournalWriter | undefined;
  try {
    const current = readJournal(options.planPath, report.sha256);
    if (current.entries.length !== journal.entries.length) {
      throw refusal(
        "the journal changed while this apply was starting; another apply ran meanwhile",
        `run \`flyops apply ${planName(options)} --resume\` again`,
      );
    }
    writer = JournalWriter.open(options.planPath);
    const at = (): string => new Date().toISOString();
    const base = { plan: report.sha256 };
    writer.append({
      ...base,
      at: at(),
      event: "apply_started",
      resumed: options.resume,
      verified: checks.filter((c) => c.status === "holds").map((c) => c.index),
      ignored: checks.filter((c) => c.status !== "holds").map((c) => c.index),
    });
    const total = plan.steps.length;
    for (const [index, step] of plan.steps.entries()) {
      const entry = report.steps[index];
      if (!entry) continue;
      const counter = `[${index + 1}/${total}] ${step.id}`;
      if (journal.steps.get(step.id) === "done") {
        entry.outcome = "done-before";
        io.progress(`${counter} done before; skipped`);
        continue;
      }
      const decision = decisions.get(step.id);
      if (decision?.action === "adopt") {
        writer.append({
          ...base,
          at: at(),
          event: "step_done",
          step: step.id,
          tool: step.tool,
          how: decision.how,
          changed: decision.changed,
        });
        Object.assign(entry, { outcome: "adopted", changed: decision.changed });
        io.progress(`${counter} ${decision.note}`);
        continue;
      }
      let started = false;
      const sent: ChangeCounter = { sent: 0 };
      try {
        const before = isCreate(step) ? await snapshotBeforeCreate(io.ctx, step) : undefined;
        writer.append({
          ...base,
          at: at(),
          event: "step_started",
          step: step.id,
          tool: step.tool,
          ...(before ? { before } : {}),
        });
        started = true;
        io.progress(`${counter} ${entry.change} ...`);
        await io.onStep?.(step.id, "started");
        const changed = await countingChanges(sent, () => executeStep(step, stepRunner(options, io), false));
        await io.onStep?.(step.id, "ran");
        writer.append({
          ...base,
          at: at(),
          event: "step_done",
          step: step.id,
          tool: step.tool,
          how: "ran",
          changed,
        });
        Object.assign(entry, { outcome: "ran", changed });
        io.progress(`${counter} done${describeEffect(changed)}`);
      } catch (error) {
        const message = io.redactor.redact(error instanceof Error ? error.message : String(error));
        const unchanged = error instanceof MachineLeasedError && sent.sent === 0;
        if (started)
          writer.append({
            ...base,
            at: at(),
            event: "step_failed",
            step: step.id,
            tool: step.tool,
            error: message,
            ...(unchanged ? { unchanged } : {}),
          });
        Object.assign(entry, { outcome: "failed", error: message });
        io.progress(`${counter} ${unchanged ? "stopped" : "failed"}: ${message}`);
        if (unchanged) return leasedStop(report, step.id, message, options, journal.path);
        return {
          ...report,
          status: "failed",
          message: `step ${step.id} failed: ${message}`,
          hint: resumeHint(planName(options)),
        };
      }
    }
    writer.append({ ...base, at: at(), event: "apply_finished" });
    io.progress(`applied: ${total} step(s) done; journal ${journal.path}`);
    return { ...report, status: "applied" };
  } finally {
    writer?.close();
    lock.release();
  }
}

/**
 * A step refused because someone else holds its machine's lease changed nothing: the apply stops
 * there, the journal says so (step_failed, unchanged), and `--resume` runs the step afresh once
 * the lease has ended, as flyctl's deploy stops on "lease currently held by" rather than racing.
 */
function leasedStop(
  report: ApplyReport,
  stepId: string,
  message: string,
  options: ApplyOptions,
  journalPath: string,
): ApplyReport {
  return {
    ...report,
    status: "failed",
    message: `stopped at step ${stepId}: ${message} (journal ${journalPath})`,
    hint: `once the lease has ended, run \`flyops apply ${planName(options)} --resume\`: step ${stepId} runs from its start, the steps before it stay done`,
  };
}

function describeEffect(changed: StepEffect): string {
  const parts = ["machine_id", "volume_id", "ip", "hostname", "state", "secrets"]
    .filter((key) => changed[key] !== undefined)
    .map((key) => {
      const value = changed[key];
      return `${key}=${Array.isArray(value) ? value.join(",") : String(value)}`;
    });
  return parts.length > 0 ? ` (${parts.join(" ")})` : "";
}
