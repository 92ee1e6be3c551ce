/**
 * Context benchmark: the bytes and approximate tokens (characters / 4, see src/eval/context-size.ts)
 * of system prompt + tool schemas that every `flyops ask` and `flyops plan` request carries, with the
 * catalog as it is and as it would be three times larger; then the built-in model's fly-bench pass
 * rate, so a change meant to shrink the context shows what it does to answers.
 *
 *   npm run bench            # this, then the fleet benchmark
 *   node --import tsx bench/context.ts
 *
 * Prints figures only; nothing here asserts a size.
 */
import { measureContext, type ContextSize } from "../src/eval/context-size.js";
import { runEval } from "../src/eval/run-eval.js";
import { loadTasks } from "../src/eval/task.js";
import { createLocalModel } from "../src/llm/local/index.js";

const rows: ContextSize[] = [...(await measureContext(1)), ...(await measureContext(3))];
const pad = (text: string | number, width: number): string => String(text).padStart(width);
console.log("context per model request (system prompt + tool schemas; tokens ≈ characters / 4)");
console.log(
  `${"request".padEnd(32)}${pad("tools", 6)}${pad("prompt B", 10)}${pad("tools B", 10)}${pad("total B", 10)}${pad("≈ tokens", 10)}`,
);
for (const row of rows) {
  console.log(
    `${row.what.padEnd(32)}${pad(row.tools, 6)}${pad(row.promptBytes, 10)}${pad(row.toolBytes, 10)}${pad(row.bytes, 10)}${pad(row.approxTokens, 10)}`,
  );
}

const tasks = await loadTasks(undefined, process.cwd());
const started = performance.now();
const report = await runEval({ tasks, runs: 1, createModel: createLocalModel });
const passed = report.tasks.filter((t) => t.passedAll).length;
console.log(
  `\nfly-bench with the built-in model: ${passed}/${report.tasks.length} tasks pass ` +
    `(Pass@1 ${(report.totals.passAt1 * 100).toFixed(1)}%) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
