import { lstatSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { writeOwnedFileAtomic } from "../../security/owned-file.js";
import { firstDuplicateKey } from "./json-duplicates.js";

/**
 * Reading and writing plan files. A plan is written atomically (a crash leaves the old file or the
 * new one, never half of each) with mode 0600: it describes infrastructure and who approved it.
 *
 * Links: a plan is READ through a symbolic link (git carries them, and `plans/current.json ->
 * 2026-11-22-scale.json` is a fair use; what is read is only parsed, validated and shown, and its
 * approval covers the content, wherever it lives). A plan is never WRITTEN through one: the maker
 * and `plan approve` refuse a target that is a link, not a regular file, or not the user's own
 * (owned-file.ts), instead of replacing whatever the link points to. (write-file-atomic, used
 * before, follows the link to its target and opens a predictable temp name without O_EXCL.)
 */

export const DEFAULT_PLAN_DIR = "plans";

/**
 * The file's JSON, not yet validated: the validator decides what is wrong with it and reports all
 * of it. A key written twice in one object is refused here (UsageError, exit 2): JSON.parse would
 * silently keep the second.
 */
export async function readPlanFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read plan file ${path}${code ? ` (${code})` : ""}`, {
      hint:
        code === "ENOENT"
          ? 'check the path; new plans are written under plans/ by `flyops plan "REQUEST"`'
          : undefined,
    });
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`plan file ${path} is not valid JSON: ${reason}`, {
      hint: "fix the JSON syntax, then run `flyops plan check` on it",
    });
  }
  let duplicate: string | undefined;
  try {
    duplicate = firstDuplicateKey(text);
  } catch {
    // Only a nesting deeper than the stack gets here; no plan is shaped like that.
    throw new UsageError(`plan file ${path} is nested too deeply to check`);
  }
  if (duplicate !== undefined) {
    throw new UsageError(
      `plan file ${path} has the key ${duplicate} twice: a JSON reader keeps only the last one, so what a reviewer reads may not be what runs`,
      { hint: "remove one of the two, then run `flyops plan check` and approve the plan again" },
    );
  }
  return plan;
}

export async function writePlanFile(path: string, plan: object): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeOwnedFileAtomic(resolve(path), `${JSON.stringify(plan, null, 2)}\n`, "the plan file");
}

/** "Stop the machine 148e… of my-app!" → "stop-the-machine-148e-of-my-app", cut at a word near 48 characters. */
export function slugify(request: string): string {
  const slug = request
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= 48) return slug || "plan";
  const cut = slug.slice(0, 48);
  const atWord = cut.lastIndexOf("-");
  return atWord > 16 ? cut.slice(0, atWord) : cut;
}

/** True when something, even a dangling link, already has this name. */
export function pathTaken(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** plans/<date>-<slug>.json under `cwd`; a number is added rather than overwrite an existing plan. */
export function defaultPlanPath(request: string, now: Date, cwd: string): string {
  const base = `${now.toISOString().slice(0, 10)}-${slugify(request)}`;
  const dir = join(cwd, DEFAULT_PLAN_DIR);
  let path = join(dir, `${base}.json`);
  for (let n = 2; pathTaken(path); n += 1) path = join(dir, `${base}-${n}.json`);
  return path;
}
