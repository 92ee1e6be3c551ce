import { formatUsd } from "../llm/cost.js";
import type { Usage } from "../llm/types.js";
import type { RunResult } from "./run-task.js";
import type { Task } from "./task.js";

/** Figures per task and in total, in the terms k8s-bench and HolmesGPT's evals use. */

export interface TaskReport {
  id: string;
  title: string;
  difficulty: Task["difficulty"];
  tags: Task["tags"];
  runs: RunResult[];
  passes: number;
  /** Passed every run. */
  passedAll: boolean;
  meanSteps: number;
  meanToolCalls: number;
  meanUsage: Usage;
  /** null when the model has no price. */
  meanCostUsd: number | null;
  meanMs: number;
}

export interface EvalReport {
  model: string;
  startedAt: string;
  runsPerTask: number;
  tasks: TaskReport[];
  totals: {
    tasks: number;
    /** Mean share of passing runs per task: the expected chance one run passes. */
    passAt1: number;
    /** Share of tasks that passed all N runs (Pass^N). */
    passHatN: number;
    meanInputTokens: number;
    meanCachedInputTokens: number;
    meanOutputTokens: number;
    /** Per task run; null when the model has no price. */
    meanCostUsd: number | null;
    totalCostUsd: number | null;
    ms: number;
  };
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

export function taskReport(task: Task, runs: RunResult[]): TaskReport {
  const passes = runs.filter((r) => r.passed).length;
  const costs = runs.map((r) => r.costUsd);
  return {
    id: task.id,
    title: task.title,
    difficulty: task.difficulty,
    tags: task.tags,
    runs,
    passes,
    passedAll: passes === runs.length,
    meanSteps: mean(runs.map((r) => r.steps)),
    meanToolCalls: mean(runs.map((r) => r.toolCalls)),
    meanUsage: {
      inputTokens: mean(runs.map((r) => r.usage.inputTokens)),
      cachedInputTokens: mean(runs.map((r) => r.usage.cachedInputTokens)),
      cacheWriteTokens: mean(runs.map((r) => r.usage.cacheWriteTokens)),
      outputTokens: mean(runs.map((r) => r.usage.outputTokens)),
    },
    meanCostUsd: costs.every((c): c is number => c !== undefined) ? mean(costs) : null,
    meanMs: mean(runs.map((r) => r.ms)),
  };
}

export function evalReport(
  model: string,
  startedAt: Date,
  runsPerTask: number,
  tasks: TaskReport[],
): EvalReport {
  const runs = tasks.flatMap((t) => t.runs);
  const costs = runs.map((r) => r.costUsd);
  const priced = costs.every((c): c is number => c !== undefined);
  return {
    model,
    startedAt: startedAt.toISOString(),
    runsPerTask,
    tasks,
    totals: {
      tasks: tasks.length,
      passAt1: mean(tasks.map((t) => t.passes / Math.max(1, t.runs.length))),
      passHatN: mean(tasks.map((t) => (t.passedAll ? 1 : 0))),
      meanInputTokens: mean(runs.map((r) => r.usage.inputTokens)),
      meanCachedInputTokens: mean(runs.map((r) => r.usage.cachedInputTokens)),
      meanOutputTokens: mean(runs.map((r) => r.usage.outputTokens)),
      meanCostUsd: priced ? mean(costs) : null,
      totalCostUsd: priced ? costs.reduce((a, b) => a + b, 0) : null,
      ms: runs.reduce((a, r) => a + r.ms, 0),
    },
  };
}

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
const whole = (n: number): string => String(Math.round(n));
const cost = (usd: number | null): string => (usd === null ? "n/a" : formatUsd(usd));

/** The report as a Markdown table, one row per task, then the totals. */
export function markdownReport(report: EvalReport): string {
  const n = report.runsPerTask;
  const lines = [
    `# fly-bench: ${report.model}`,
    "",
    `${report.totals.tasks} tasks × ${n} run(s), started ${report.startedAt}.`,
    "",
    `| task | tags | passed | steps | tool calls | input tokens | cached | output tokens | cost | time |`,
    `|---|---|---|---|---|---|---|---|---|---|`,
    ...report.tasks
      .map((t) =>
        [
          t.id,
          t.tags.join(", "),
          `${t.passes}/${t.runs.length}`,
          t.meanSteps.toFixed(1),
          t.meanToolCalls.toFixed(1),
          whole(t.meanUsage.inputTokens),
          whole(t.meanUsage.cachedInputTokens),
          whole(t.meanUsage.outputTokens),
          cost(t.meanCostUsd),
          `${(t.meanMs / 1000).toFixed(2)} s`,
        ].join(" | "),
      )
      .map((row) => `| ${row} |`),
    "",
    `**Pass@1** ${percent(report.totals.passAt1)} · **Pass^${n}** ${percent(report.totals.passHatN)} · ` +
      `mean tokens per task run: ${whole(report.totals.meanInputTokens)} input ` +
      `(${whole(report.totals.meanCachedInputTokens)} cached), ${whole(report.totals.meanOutputTokens)} output · ` +
      `mean cost ${cost(report.totals.meanCostUsd)}, total ${cost(report.totals.totalCostUsd)} · ` +
      `${(report.totals.ms / 1000).toFixed(1)} s`,
    "",
  ];
  const failures = report.tasks.flatMap((t) =>
    t.runs.flatMap((r, i) => (r.passed ? [] : [`- ${t.id} run ${i + 1}: ${r.problems.join("; ")}`])),
  );
  if (failures.length > 0) lines.push("## Failures", "", ...failures, "");
  return lines.join("\n");
}
