import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats } from "node:fs";
import { lstat, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { RefusedError } from "../errors.js";

/**
 * Files flyops writes beside a plan: the plan itself (the maker, `plan approve`), its apply journal
 * and its apply lock. A plan's folder is often a git checkout, and git carries symbolic links: a
 * pull request can put `PLAN.journal.jsonl -> ~/.bashrc` beside a plan, and an apply that opened
 * the journal by name would append to the shell's start-up file, with content partly chosen by
 * the plan. So each of these files must be a regular file owned by the user flyops runs as, with
 * one name only, and is opened without following a link:
 *
 * - the last component is looked at with lstat first (a link, a FIFO, a device, a folder, another
 *   user's file or a hard-linked file is refused, naming the file);
 * - it is opened with O_NOFOLLOW (a link put there after the lstat fails the open) and O_NONBLOCK
 *   (a FIFO cannot hang the open);
 * - the open descriptor is checked again with fstat, and must be the very file (device and inode)
 *   the path names before and after the open, so a folder of the path swapped meanwhile is refused.
 *
 * A new plan file is written to a fresh temp file created with O_EXCL (a name planted in advance
 * fails the create instead of being followed) and renamed over the target, which must itself be
 * absent or pass the same checks. On a platform without O_NOFOLLOW (Windows) or without user ids,
 * those parts of the check fall away; the rest holds.
 */

export class UnsafeFileError extends RefusedError {}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

interface Problem {
  problem: string;
  hint: string;
}

const LINK: Omit<Problem, "hint"> = { problem: "it is a symbolic link, and flyops never writes through one" };

function linkHint(path: string): string {
  return `a plan's folder can come from a pull request or a shared checkout: see where it points (ls -l ${path}), remove the link, and run the command again`;
}

function refuse(what: string, path: string, { problem, hint }: Problem): UnsafeFileError {
  return new UnsafeFileError(`refusing to use ${what} ${path}: ${problem}; nothing was written to it`, {
    hint,
  });
}

/** Why a file flyops writes beside a plan may not be used, or undefined when it may. */
function problemOf(info: Stats, path: string): Problem | undefined {
  if (info.isSymbolicLink()) return { ...LINK, hint: linkHint(path) };
  if (!info.isFile())
    return { problem: "it is not a regular file", hint: `move ${path} aside, then run the command again` };
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid)
    return {
      problem: `it belongs to another user (uid ${info.uid}), not to the user flyops runs as (uid ${uid})`,
      hint: `find out who made ${path} and why, move it aside, then run the command again`,
    };
  if (info.nlink > 1)
    return {
      problem: `it has ${info.nlink} names (hard links), so what flyops writes would appear under the others too`,
      hint: `copy ${path} aside if you need it, remove it, then run the command again`,
    };
  return undefined;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function replaced(path: string): Problem {
  return {
    problem: "it, or a folder on its path, was replaced while flyops opened it",
    hint: `check what is changing ${dirname(path)}, then run the command again`,
  };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Refuses (UnsafeFileError) a path whose last component is not a plain file of the user's; undefined when absent. */
export function checkOwnedFile(path: string, what: string): Stats | undefined {
  const info = lstatOrUndefined(path);
  const problem = info && problemOf(info, path);
  if (problem) throw refuse(what, path, problem);
  return info;
}

/**
 * Opens `path` with `flags` (O_NOFOLLOW and O_NONBLOCK added; with O_CREAT a new file gets mode
 * 0600) and returns the descriptor, once the file has passed every check above. Errors of the file
 * system (ENOENT without O_CREAT, EEXIST with O_EXCL, EACCES) go to the caller as they are.
 */
export function openOwnedFile(path: string, flags: number, what: string): number {
  const before = checkOwnedFile(path, what);
  let fd: number;
  try {
    fd = openSync(path, flags | NOFOLLOW | NONBLOCK, 0o600);
  } catch (error) {
    // ELOOP: a link was put there after the lstat (EMLINK on FreeBSD, EFTYPE on some BSDs).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK" || code === "EFTYPE")
      throw refuse(what, path, { ...LINK, hint: linkHint(path) });
    throw error;
  }
  try {
    const opened = fstatSync(fd);
    const problem = problemOf(opened, path);
    if (problem) throw refuse(what, path, problem);
    const after = lstatOrUndefined(path);
    if ((before && !sameFile(before, opened)) || !after || !sameFile(after, opened))
      throw refuse(what, path, replaced(path));
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The text of an owned file (checked as openOwnedFile does), or undefined when there is none. */
export function readOwnedFile(path: string, what: string): string | undefined {
  let fd: number;
  try {
    fd = openOwnedFile(path, constants.O_RDONLY, what);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

async function checkTarget(path: string, what: string): Promise<void> {
  try {
    const problem = problemOf(await lstat(path), path);
    if (problem) throw refuse(what, path, problem);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Replaces `path` with `text` atomically (a crash leaves the old file or the new one), mode 0600.
 * The target must be absent or pass the checks above; the temp file is new (O_EXCL), beside it.
 */
export async function writeOwnedFileAtomic(path: string, text: string, what: string): Promise<void> {
  await checkTarget(path, what);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString("hex")}.tmp`);
  const handle = await open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW | NONBLOCK,
    0o600,
  );
  try {
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
      const written = await handle.stat();
      // The temp path must still name the file just written: no folder of the path was swapped.
      if (!sameFile(written, await lstat(temp))) throw refuse(what, path, replaced(path));
    } finally {
      await handle.close();
    }
    await checkTarget(path, what);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}

/** The rename must survive a crash too; some platforms cannot fsync a folder, and then it is skipped. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here (Windows): the file itself is synced.
  }
}
