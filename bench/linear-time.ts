/**
 * Linear-time benchmark: `flyops plan check` of a plan with a megabyte of whitespace in its
 * `request` (and in its summary, a reason, a machine name), and the redactor, the stream
 * redactor and secret withholding on megabyte inputs: whitespace and near-miss shapes that
 * super-linear patterns re-read from every position. Each figure is the best of a few runs, with
 * the same figure at half the size beside it: linear code takes about twice as long at twice the
 * size.
 *
 *   npm run bench:linear
 *
 * Prints figures only; nothing here asserts a time (test/unit/linear-time.test.ts checks that
 * every case completes).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPlanCheck } from "../src/cli/commands/plan-check.js";
import { validatePlan } from "../src/plan/check/validator.js";
import { Redactor, containsToken } from "../src/security/redact.js";
import { RedactingStream } from "../src/security/redact-stream.js";
import { withholdSecretValues } from "../src/security/withhold-secrets.js";

const MB = 1 << 20;
const RUNS = 3;

/** `unit` repeated to `size` characters, after `head`. */
const fill = (size: number, unit: string, head = ""): string =>
  head + unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

const SHAPES: Readonly<Record<string, (size: number) => string>> = {
  spaces: (size) => fill(size, " "),
  newlines: (size) => fill(size, "\n"),
  "Authorization: + spaces": (size) => fill(size, " ", "Authorization:"),
  "Bearer repeated": (size) => fill(size, "Bearer "),
  "fo1_ + spaces": (size) => fill(size, " ", "fo1_"),
  "sk- near misses": (size) => fill(size, "sk-abcdefghijklmnopqr "),
  "base64, no prefix": (size) => fill(size, "Ab3+/="),
  "assignments a=b": (size) => fill(size, "a=b "),
};

function best(run: () => unknown): number {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

async function bestAsync(run: () => Promise<unknown>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

const row = (what: string, full: number, half: number): string =>
  `${what.padEnd(52)} ${full.toFixed(1).padStart(9)} ms ${half.toFixed(1).padStart(9)} ms`;

function plan(request: string, summary = "Stop it.", reason = "asked", name?: string): unknown {
  const step = name
    ? { id: "s1", tool: "machines_create", reason, input: { app: "demo-web", region: "iad", name } }
    : { id: "s1", tool: "machines_stop", reason, input: { app: "demo-web", machine_id: "148e272b0e4d89" } };
  return {
    version: 1,
    request,
    createdAt: "2026-11-22T10:00:00Z",
    org: "personal",
    summary,
    steps: [step],
    preconditions: [],
  };
}

const dir = mkdtempSync(join(tmpdir(), "flyops-bench-linear-"));
const lines: string[] = [`${"".padEnd(52)} ${"1 MiB".padStart(12)} ${"0.5 MiB".padStart(12)}`];
try {
  const planFile = (size: number): string => {
    const file = join(dir, `plan-${size}.json`);
    writeFileSync(file, JSON.stringify(plan(fill(size, " "))));
    return file;
  };
  const quiet = { io: { stdout: () => undefined, stderr: () => undefined }, env: { XDG_CONFIG_HOME: dir } };
  const [fullFile, halfFile] = [planFile(MB), planFile(MB / 2)];
  lines.push(
    row(
      "plan check: whitespace in request (file to verdict)",
      await bestAsync(() => runPlanCheck(fullFile, {}, quiet)),
      await bestAsync(() => runPlanCheck(halfFile, {}, quiet)),
    ),
  );
  const fields: ReadonlyArray<readonly [string, (size: number) => unknown]> = [
    ["summary", (size) => plan("stop it", fill(size, " "))],
    ["reason", (size) => plan("stop it", "Stop it.", fill(size, " "))],
    ["machine name", (size) => plan("stop it", "Stop it.", "asked", fill(size, " "))],
    ["request of Bearer repeated", (size) => plan(fill(size, "Bearer "))],
  ];
  for (const [field, build] of fields) {
    const [full, half] = [build(MB), build(MB / 2)];
    lines.push(
      row(
        `validatePlan: ${field}`,
        best(() => validatePlan(full, { allowDestructive: false })),
        best(() => validatePlan(half, { allowDestructive: false })),
      ),
    );
  }

  const redactor = new Redactor(["correct horse battery staple"]);
  const streamed = (text: string): void => {
    const stream = new RedactingStream(redactor, () => undefined);
    for (let at = 0; at < text.length; at += 4096) stream.write(text.slice(at, at + 4096));
    stream.end();
  };
  for (const [shape, make] of Object.entries(SHAPES)) {
    const [full, half] = [make(MB), make(MB / 2)];
    lines.push(
      row(
        `Redactor.redact: ${shape}`,
        best(() => redactor.redact(full)),
        best(() => redactor.redact(half)),
      ),
    );
    lines.push(
      row(
        `containsToken: ${shape}`,
        best(() => containsToken(full)),
        best(() => containsToken(half)),
      ),
    );
    lines.push(
      row(
        `RedactingStream, 4 KiB pieces: ${shape}`,
        best(() => streamed(full)),
        best(() => streamed(half)),
      ),
    );
    lines.push(
      row(
        `withholdSecretValues: ${shape}`,
        best(() => withholdSecretValues(full)),
        best(() => withholdSecretValues(half)),
      ),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${lines.join("\n")}\n`);
