import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RefusedError } from "../../src/errors.js";
import { acquireApplyLock } from "../../src/plan/apply/lock.js";
import {
  JournalMismatchError,
  JournalWriter,
  journalPath,
  readJournal,
} from "../../src/plan/apply/journal.js";

const sha = "a".repeat(64);
const at = "2026-11-22T10:00:00.000Z";
let dir: string;
let planPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flyops-journal-"));
  planPath = join(dir, "plan.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("journal", () => {
  it("is absent before the first apply", () => {
    const state = readJournal(planPath, sha);
    expect(state.entries).toEqual([]);
    expect(state.steps.size).toBe(0);
    expect(state.finished).toBe(false);
    expect(state.path).toBe(`${planPath}.journal.jsonl`);
  });

  it("appends one line per event, private to its owner, and reads back each step's status", () => {
    const writer = JournalWriter.open(planPath);
    writer.append({ at, plan: sha, event: "apply_started", resumed: false, verified: [0, 1], ignored: [] });
    writer.append({ at, plan: sha, event: "step_started", step: "s1", tool: "machines_stop" });
    writer.append({
      at,
      plan: sha,
      event: "step_done",
      step: "s1",
      tool: "machines_stop",
      how: "ran",
      changed: { machine_id: "m1", state: "stopped" },
    });
    writer.append({ at, plan: sha, event: "step_started", step: "s2", tool: "machines_create", before: [] });
    writer.close();
    expect(statSync(journalPath(planPath)).mode & 0o777).toBe(0o600);
    expect(readFileSync(journalPath(planPath), "utf8").trim().split("\n")).toHaveLength(4);
    const state = readJournal(planPath, sha);
    expect(state.steps.get("s1")).toBe("done");
    expect(state.steps.get("s2")).toBe("interrupted");
    expect(state.starts.get("s2")?.before).toEqual([]);
    expect([...state.verifiedBeforeSteps]).toEqual([0, 1]);
    expect(state.finished).toBe(false);
  });

  it("counts a failed step as interrupted and a later success as done", () => {
    const writer = JournalWriter.open(planPath);
    writer.append({ at, plan: sha, event: "step_started", step: "s1", tool: "volumes_extend" });
    writer.append({ at, plan: sha, event: "step_failed", step: "s1", tool: "volumes_extend", error: "503" });
    expect(readJournal(planPath, sha).steps.get("s1")).toBe("interrupted");
    writer.append({ at, plan: sha, event: "step_started", step: "s1", tool: "volumes_extend" });
    writer.append({
      at,
      plan: sha,
      event: "step_done",
      step: "s1",
      tool: "volumes_extend",
      how: "ran",
      changed: {},
    });
    writer.append({ at, plan: sha, event: "apply_finished" });
    writer.close();
    const state = readJournal(planPath, sha);
    expect(state.steps.get("s1")).toBe("done");
    expect(state.finished).toBe(true);
  });

  it("drops a line a crash cut short, and repairs the file before appending", () => {
    const writer = JournalWriter.open(planPath);
    writer.append({ at, plan: sha, event: "step_started", step: "s1", tool: "machines_stop" });
    writer.close();
    appendFileSync(journalPath(planPath), '{"at":"x","plan":"aaa","event":"step_do');
    expect(readJournal(planPath, sha).steps.get("s1")).toBe("interrupted");
    const again = JournalWriter.open(planPath);
    again.append({
      at,
      plan: sha,
      event: "step_done",
      step: "s1",
      tool: "machines_stop",
      how: "ran",
      changed: {},
    });
    again.close();
    expect(readJournal(planPath, sha).steps.get("s1")).toBe("done");
  });

  it("refuses a journal written for another version of the plan", () => {
    const writer = JournalWriter.open(planPath);
    writer.append({ at, plan: "b".repeat(64), event: "step_started", step: "s1", tool: "machines_stop" });
    writer.close();
    expect(() => readJournal(planPath, sha)).toThrow(JournalMismatchError);
  });

  it("refuses a damaged line in the middle", () => {
    writeFileSync(
      journalPath(planPath),
      `not json\n${JSON.stringify({ at, plan: sha, event: "apply_finished" })}\n`,
    );
    expect(() => readJournal(planPath, sha)).toThrow(/damaged at line 1/);
  });
});

describe("apply lock", () => {
  it("lets one apply in at a time and is released", () => {
    const journal = journalPath(planPath);
    const lock = acquireApplyLock(journal);
    writeFileSync(`${journal}.lock`, "1\n");
    // pid 1 always exists: a live owner.
    expect(() => acquireApplyLock(journal)).toThrow(RefusedError);
    lock.release();
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });

  it("takes over a lock left by a process that died", () => {
    const journal = journalPath(planPath);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    writeFileSync(`${journal}.lock`, `${dead.stdout}\n`);
    const lock = acquireApplyLock(journal);
    expect(readFileSync(`${journal}.lock`, "utf8").trim()).toBe(String(process.pid));
    lock.release();
  });
});
