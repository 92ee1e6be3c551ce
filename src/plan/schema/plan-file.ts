import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { UsageError } from "../../errors.js";
import { firstDuplicateKey } from "./json-duplicates.js";

/**
 * Reading and writing plan files. A plan is written atomically (a crash leaves the old file or the
 * new one, never half of each) with mode 0600: it describes infrastructure and who approved it.
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
  await writeFileAtomic(path, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600, fsync: true });
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

/** plans/<date>-<slug>.json under `cwd`; a number is added rather than overwrite an existing plan. */
export function defaultPlanPath(request: string, now: Date, cwd: string): string {
  const base = `${now.toISOString().slice(0, 10)}-${slugify(request)}`;
  const dir = join(cwd, DEFAULT_PLAN_DIR);
  let path = join(dir, `${base}.json`);
  for (let n = 2; existsSync(path); n += 1) path = join(dir, `${base}-${n}.json`);
  return path;
}
