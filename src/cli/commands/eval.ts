import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { RefusedError } from "../../errors.js";
import { MODEL_KEY_VARIABLES, createModel, resolveModelSpec } from "../../llm/select.js";
import { formatUsd } from "../../llm/cost.js";
import { markdownReport, type EvalReport, type TaskReport } from "../../eval/report.js";
import { runEval } from "../../eval/run-eval.js";
import { loadTasks } from "../../eval/task.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import { guardIo, jsonText } from "../output.js";
import { parseOptions } from "../options.js";
import { defaultDeps, type CommandDeps } from "../tool-command.js";

export const evalOptionsSchema = z.object({
  model: z.string().optional(),
  tasks: z.string().trim().min(1, "--tasks needs a glob").optional(),
  runs: z.coerce
    .number({ invalid_type_error: "--runs must be a number" })
    .int("--runs must be a whole number")
    .min(1, "--runs must be at least 1")
    .max(20, "--runs must be at most 20")
    .default(1),
  json: z.boolean().default(false),
  out: z.string().trim().min(1, "--out needs a folder").optional(),
});
export type EvalCommandOptions = z.input<typeof evalOptionsSchema>;

/**
 * `flyops eval`: the fly-bench tasks against a model, each run in a fresh in-process sandbox, so
 * no Fly token is needed and nothing real is touched. Exits 1 unless every run of every task passed.
 */
export async function runEvalCommand(
  rawOptions: EvalCommandOptions,
  deps: CommandDeps = defaultDeps(),
): Promise<EvalReport> {
  const options = parseOptions(evalOptionsSchema, rawOptions);
  const io = guardIo(deps.io, deps.redactor);
  try {
    for (const name of MODEL_KEY_VARIABLES) if (deps.env[name]) deps.redactor.add(deps.env[name]);
    const cwd = deps.cwd ?? process.cwd();
    const tasks = await loadTasks(options.tasks, cwd);
    const spec = resolveModelSpec({ flag: options.model, env: deps.env, configModel: undefined });
    const report = await runEval({
      tasks,
      runs: options.runs,
      createModel: () => createModel(spec, { env: deps.env }),
      signal: deps.signal,
      onTask: (task) => io.stderr(progressLine(task)),
    });
    if (options.out !== undefined) {
      const dir = resolve(cwd, options.out);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "eval.json"), jsonText(report));
      await writeFile(join(dir, "eval.md"), markdownReport(report));
      io.stderr(`wrote ${join(options.out, "eval.json")} and ${join(options.out, "eval.md")}\n`);
    }
    if (options.json) io.stdout(jsonText(report));
    else io.stdout(markdownReport(report));
    const failed = report.tasks.filter((t) => !t.passedAll);
    if (failed.length > 0) {
      throw new RefusedError(
        `${failed.length} of ${report.tasks.length} tasks did not pass every run: ${failed.map((t) => t.id).join(", ")}`,
        {
          hint: "the report lists each failure's reasons",
        },
      );
    }
    return report;
  } finally {
    io.flush();
  }
}

function progressLine(task: TaskReport): string {
  const cost = task.meanCostUsd === null ? "" : `, ${formatUsd(task.meanCostUsd)}`;
  const status = task.passedAll ? "pass" : "FAIL";
  const why = task.runs.find((r) => !r.passed)?.problems[0];
  return (
    terminalSafe(
      `${status} ${task.id} (${task.passes}/${task.runs.length}; ${task.meanSteps.toFixed(1)} steps, ` +
        `${Math.round(task.meanUsage.inputTokens)}+${Math.round(task.meanUsage.outputTokens)} tokens${cost})` +
        (why ? `: ${why}` : ""),
    ) + "\n"
  );
}

export function evalCommand(): Command {
  return new Command("eval")
    .description("run the fly-bench tasks against a model, each in a fresh local sandbox")
    .option("--model <provider:name>", "model to measure: openai:NAME, anthropic:NAME, ollama:NAME or local")
    .option(
      "--tasks <glob>",
      "which tasks: a glob of bench/tasks file names or ids, or of a folder of your own (default: all)",
    )
    .option("--runs <n>", "runs per task, for Pass^N (default 1)")
    .option("--json", "print the report as JSON on stdout instead of a Markdown table")
    .option("--out <dir>", "also write eval.json and eval.md into this folder")
    .action(async (options: EvalCommandOptions) => {
      await runEvalCommand(options);
    });
}
