/**
 * Start-up benchmark: how long `flyops --version`, `flyops --help` and `flyops fly --help` take,
 * against `node -e 0`, run alternately in one process so both see the same machine load.
 *
 *   npm run build && node --import tsx bench/startup.ts [--runs 15]
 *
 * Prints medians and the ratio to bare Node; nothing here asserts a time.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "15" } } });
const runs = Number(values.runs);
const cli = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));

const commands: Record<string, string[]> = {
  "node -e 0": ["-e", "0"],
  "flyops --version": [cli, "--version"],
  "flyops --help": [cli, "--help"],
  "flyops fly --help": [cli, "fly", "--help"],
};

function millis(args: string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { stdio: "ignore" });
  if (run.status !== 0) throw new Error(`${args.join(" ")} exited ${run.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const samples = new Map<string, number[]>(Object.keys(commands).map((name) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(commands)) samples.get(name)?.push(millis(args));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const base = median(samples.get("node -e 0") ?? []);
for (const [name, xs] of samples) {
  const m = median(xs);
  process.stdout.write(
    `${name.padEnd(20)} median ${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)}× node\n`,
  );
}
