/**
 * Terminal-safe rendering benchmark: how long terminalSafe and the validator's character test take
 * on inputs of growing size, plain and hostile. Time per megabyte should stay flat as the input
 * grows (linear time); a backtracking pattern would show it climbing.
 *
 *   node --import tsx bench/terminal-safe.ts
 *
 * Prints figures only; nothing here asserts a time.
 */
import { performance } from "node:perf_hooks";
import { hasUnsafeCharacters, terminalSafe, unsafeCharacters } from "../src/security/terminal-safe.js";

const SIZES = [250_000, 500_000, 1_000_000, 2_000_000];

const INPUTS: Record<string, (n: number) => string> = {
  "plain ASCII": (n) => "destroy machine 148e272b0e4d89 ".repeat(Math.ceil(n / 31)).slice(0, n),
  whitespace: (n) => " ".repeat(n),
  "ANSI sequences": (n) => "\u001b[1A\u001b[2K".repeat(Math.ceil(n / 8)).slice(0, n),
  "zero-width spaces": (n) => "\u200b".repeat(n),
  "tag characters": (n) => "\u{e0041}".repeat(Math.ceil(n / 2)),
  "newlines (lines mode keeps them)": (n) => "a\n".repeat(Math.ceil(n / 2)),
  "lone surrogates": (n) => "\ud800x".repeat(Math.ceil(n / 2)),
};

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

console.log(
  "input                              size (chars)  line ms   lines ms  json ms  test ms  list ms  ms/MB (line)",
);
for (const [name, make] of Object.entries(INPUTS)) {
  for (const size of SIZES) {
    const text = make(size);
    const line = time(() => terminalSafe(text));
    const lines = time(() => terminalSafe(text, "lines"));
    const json = time(() => terminalSafe(JSON.stringify(text), "json"));
    const test = time(() => hasUnsafeCharacters(`${text}\u001b`));
    const list = time(() => unsafeCharacters(text));
    const perMb = (line / text.length) * 1_000_000;
    console.log(
      [
        name.padEnd(34),
        String(text.length).padStart(12),
        line.toFixed(1).padStart(8),
        lines.toFixed(1).padStart(9),
        json.toFixed(1).padStart(8),
        test.toFixed(1).padStart(8),
        list.toFixed(1).padStart(8),
        perMb.toFixed(1).padStart(13),
      ].join(" "),
    );
  }
}
