import type { ChatModel } from "../llm/types.js";
import { evalReport, taskReport, type EvalReport, type TaskReport } from "./report.js";
import { preparedSandbox, runTaskOnce } from "./run-task.js";
import type { LoadedTask } from "./task.js";

export interface EvalOptions {
  tasks: readonly LoadedTask[];
  createModel: () => ChatModel;
  runs: number;
  signal?: AbortSignal;
  /** Told after each task, for progress lines. */
  onTask?: (report: TaskReport) => void;
}

/**
 * Every task, `runs` times, each run against a fresh sandbox. Every task's verifier is checked
 * against its sandbox first, so a broken one stops the eval before any model is paid for.
 */
export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const startedAt = new Date();
  for (const { task } of options.tasks) await (await preparedSandbox(task)).close();
  const modelId = options.createModel().id;
  const reports: TaskReport[] = [];
  for (const { task } of options.tasks) {
    const runs = [];
    for (let i = 0; i < options.runs; i++)
      runs.push(await runTaskOnce(task, options.createModel, options.signal));
    const report = taskReport(task, runs);
    reports.push(report);
    options.onTask?.(report);
  }
  return evalReport(modelId, startedAt, options.runs, reports);
}
