/**
 * flyctl policy benchmark: how long the parts of the flyctl judge that read argument text take on
 * 1 MB inputs shaped to make a backtracking regex stall (runs of dots, spaces, digits, repeated
 * `/proc`, `=..`, a huge NAME=VALUE). Each part should stay far under a second: every pattern is
 * a single character class or anchored, and the version suffix of a program name is cut by a loop.
 * Finding messages also go through the redactor (display.ts), which is measured elsewhere.
 *
 *   node --import tsx bench/flyctl-policy.ts
 *
 * Prints figures only; nothing here asserts a time.
 */
import { UNSAFE_CHAR } from "../src/plan/flyctl/display.js";
import { parseFlyctl } from "../src/plan/flyctl/parse.js";
import { processChange } from "../src/plan/flyctl/process-change.js";
import { screenCommand, splitCommandLine } from "../src/security/remote-command.js";
import { secretsOnArgv } from "../src/plan/flyctl/secret-args.js";

const SIZE = 1_000_000;
const inputs: Record<string, string> = {
  dots: `=${".".repeat(SIZE)}x`,
  spaces: `a${" ".repeat(SIZE)}b`,
  "version digits": `python${"1".repeat(SIZE)}x`,
  "repeated /proc": "/proc".repeat(SIZE / 5),
  "repeated =..": `${"=..".repeat(SIZE / 3)}x`,
  "one NAME=VALUE": `A=${"b".repeat(SIZE)}`,
};

function time(run: () => unknown): string {
  const start = performance.now();
  run();
  return `${(performance.now() - start).toFixed(1)} ms`.padStart(10);
}

console.log(
  `input (${SIZE} chars)`.padEnd(24),
  "screen".padStart(10),
  "parse+judge".padStart(12),
  "unsafe".padStart(10),
);
for (const [name, text] of Object.entries(inputs)) {
  const screen = time(() => screenCommand({ source: "bench", words: splitCommandLine(text), programs: [0] }));
  const judge = time(() => {
    const parsed = parseFlyctl(["machine", "update", "148ed123a45678", "-C", text, "-e", text, "-a", "x"]);
    secretsOnArgv(parsed);
    processChange(parsed);
  });
  const unsafe = time(() => UNSAFE_CHAR.test(text));
  console.log(name.padEnd(24), screen, judge.padStart(12), unsafe);
}
