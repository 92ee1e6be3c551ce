import { closeSync, constants, fstatSync, lstatSync, rmSync, writeSync, type Stats } from "node:fs";
import { RefusedError } from "../../errors.js";
import { openOwnedFile, readOwnedFile } from "../../security/owned-file.js";

/**
 * One apply per plan file at a time: two runs of the same plan would both create its machines.
 * The lock is `FILE.journal.jsonl.lock` holding the owner's pid. A lock left by a process that no
 * longer exists (an apply killed with SIGKILL) is taken over, which is what `--resume` needs.
 * Like the journal, it is a regular file of the user's own, never a symbolic link (owned-file.ts);
 * and release removes only the lock this apply made.
 */

const LOCK = "the apply lock";

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

/** Creates the lock file (O_EXCL: never an existing file, nor a link), or undefined when one exists. */
function create(path: string): ApplyLock | undefined {
  let fd: number;
  try {
    fd = openOwnedFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, LOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  }
  let ours: Stats;
  try {
    writeSync(fd, `${process.pid}\n`);
    ours = fstatSync(fd);
  } finally {
    closeSync(fd);
  }
  return {
    release: () => {
      try {
        const now = lstatSync(path);
        if (now.dev === ours.dev && now.ino === ours.ino) rmSync(path, { force: true });
      } catch {
        // Gone already: nothing to remove.
      }
    },
  };
}

export function acquireApplyLock(journalFile: string): ApplyLock {
  const path = `${journalFile}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const lock = create(path);
    if (lock) return lock;
    // Refuses a lock that is a link, another user's file, or not a file at all (owned-file.ts).
    const text = readOwnedFile(path, LOCK);
    const owner = text === undefined ? Number.NaN : Number.parseInt(text, 10);
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
