import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { GROUPS, MB, SHAPES } from "../support/linear-time-cases.js";

/**
 * Every redaction and validation function completes on about a megabyte of whitespace and of
 * near-miss shapes (test/support/linear-time-cases.ts). Linear code finishes each case in
 * milliseconds; the super-linear patterns these replace took minutes on a tenth of the input and
 * hours on this, and a regular expression cannot be interrupted from the thread running it. So
 * the groups run in a child process that is killed when a group runs past the deadline: the bound
 * is the deadline, and nothing measures time. One child runs every group, so the code under test
 * is loaded once. A group passes when every case reports done and the child exits 0; a group that
 * hangs or throws leaves the groups after it undone too, and its own first missing case is the
 * one that did not finish (or threw: stderr says which).
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RUNNER = fileURLToPath(new URL("../support/linear-time-run.ts", import.meta.url));
const DEADLINE_MS = 100_000;
const NAMES = Object.keys(GROUPS);

interface Run {
  code: number | null;
  /** Finished cases by group. */
  done: Map<string, string[]>;
  stderr: string;
}

function runGroups(names: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", RUNNER, ...names], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const done = new Map<string, string[]>(names.map((name) => [name, []]));
    let pending = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("start ")) {
          // Each group gets the whole deadline from its own start.
          clearTimeout(timer);
          timer = setTimeout(() => child.kill("SIGKILL"), DEADLINE_MS);
        } else if (line.startsWith("done ")) {
          const [group = "", caseName = ""] = line.slice("done ".length).split("\t");
          done.get(group)?.push(caseName);
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, done, stderr });
    });
  });
}

let run: Run;
beforeAll(
  async () => {
    run = await runGroups(NAMES);
  },
  NAMES.length * DEADLINE_MS + 20_000,
);

describe("linear time on a megabyte", () => {
  it("uses inputs of about a megabyte", () => {
    for (const [name, text] of Object.entries(SHAPES)) expect(text.length, name).toBeGreaterThanOrEqual(MB);
  });

  it.each(NAMES)("%s: every case completes before the deadline", (name) => {
    const done = run.done.get(name) ?? [];
    const expected = GROUPS[name]!.map(([caseName]) => caseName);
    const missing = expected.filter((caseName) => !done.includes(caseName));
    // The first missing case is the one that did not finish (or threw: stderr says which).
    expect(missing, `${missing[0] ?? ""} did not complete\n${run.stderr}`).toEqual([]);
    expect(run.code).toBe(0);
  });
});
