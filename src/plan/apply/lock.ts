import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { RefusedError } from "../../errors.js";

/**
 * One apply per plan file at a time: two runs of the same plan would both create its machines.
 * The lock is `FILE.journal.jsonl.lock` holding the owner's pid. A lock left by a process that no
 * longer exists (an apply killed with SIGKILL) is taken over, which is what `--resume` needs.
 */

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface ApplyLock {
  release(): void;
}

export function acquireApplyLock(journalFile: string): ApplyLock {
  const path = `${journalFile}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let owner = Number.NaN;
    try {
      owner = Number.parseInt(readFileSync(path, "utf8"), 10);
    } catch {
      // Vanished between our attempts: try again.
    }
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new RefusedError(`another flyops apply (pid ${owner}) is running this plan`, {
        hint: `wait for it to finish; if no such apply is running, remove ${path}`,
      });
    }
    rmSync(path, { force: true });
  }
  throw new RefusedError(`could not lock ${path}`, {
    hint: "another apply may be starting at the same moment; retry",
  });
}
