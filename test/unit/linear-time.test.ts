import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GROUPS, MB, SHAPES } from "../support/linear-time-cases.js";

/**
 * Every redaction and validation function completes on about a megabyte of whitespace and of
 * near-miss shapes (test/support/linear-time-cases.ts). Linear code finishes each case in
 * milliseconds; the super-linear patterns these replace took minutes on a tenth of the input and
 * hours on this, and a regular expression cannot be interrupted from the thread running it. So
 * each group runs in a child process that is killed at the deadline: the bound is the deadline,
 * and nothing measures time. A group passes when every case reports done and the child exits 0.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RUNNER = fileURLToPath(new URL("../support/linear-time-run.ts", import.meta.url));
const DEADLINE_MS = 100_000;

interface GroupRun {
  code: number | null;
  done: string[];
  stderr: string;
}

function runGroup(name: string): Promise<GroupRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", RUNNER, name], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), DEADLINE_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const done = stdout
        .split("\n")
        .filter((line) => line.startsWith("done "))
        .map((line) => line.slice("done ".length));
      resolve({ code, done, stderr });
    });
  });
}

describe("linear time on a megabyte", () => {
  it("uses inputs of about a megabyte", () => {
    for (const [name, text] of Object.entries(SHAPES)) expect(text.length, name).toBeGreaterThanOrEqual(MB);
  });

  it.each(Object.keys(GROUPS))(
    "%s: every case completes before the deadline",
    async (name) => {
      const run = await runGroup(name);
      const expected = GROUPS[name]!.map(([caseName]) => caseName);
      const missing = expected.filter((caseName) => !run.done.includes(caseName));
      // The first missing case is the one that did not finish (or threw: stderr says which).
      expect(missing, `${missing[0] ?? ""} did not complete\n${run.stderr}`).toEqual([]);
      expect(run.code).toBe(0);
    },
    DEADLINE_MS + 20_000,
  );
});
