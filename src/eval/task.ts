import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { z } from "zod";
import { FlyopsError } from "../errors.js";
import { packageRoot } from "../package-root.js";

/**
 * A fly-bench task: a sandbox to start from, the prompts a person gives (questions, follow-ups,
 * change requests) and what must hold after each. bench/README.md documents the format.
 */

export const DEFAULT_TASK_DIR = join(packageRoot, "bench", "tasks");

/** The sandbox's record kinds a change can touch, each named by its key (see sandbox-diff.ts). */
export const RECORD_KINDS = [
  "app",
  "machine",
  "volume",
  "secret",
  "ip",
  "cert",
  "mpg",
  "addon",
  "token",
  "wireguard",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** A number the answer must state, counted from the sandbox, so it is never typed in by hand. */
const countFact = z
  .object({ kind: z.enum(RECORD_KINDS), where: z.record(z.union([z.string(), z.number(), z.boolean()])) })
  .strict();

const answerCheck = z
  .object({
    /** Ids, names, regions... that must appear in the answer; each must exist in the sandbox. */
    has: z.array(z.string().min(1)).default([]),
    /** Facts of the sandbox that must not appear (what a broader or wrong answer would name). */
    not: z.array(z.string().min(1)).default([]),
    counts: z.array(countFact).default([]),
    /** No secret value of the sandbox and nothing token-shaped may appear in the answer. */
    noSecrets: z.boolean().default(false),
  })
  .strict();

const askPrompt = z.object({ ask: z.string().min(1), expect: answerCheck }).strict();

const expectedChange = z
  .object({
    kind: z.enum(RECORD_KINDS),
    change: z.enum(["created", "modified", "deleted"]),
    /** The record's key: required for modified and deleted, absent for created (ids are generated). */
    id: z.string().min(1).optional(),
    /** Values the record must have after the change (a partial, compared key by key, deeply). */
    fields: z.record(z.unknown()).default({}),
  })
  .strict()
  .refine((c) => (c.change === "created") === (c.id === undefined), {
    message: "a created record has no id (its fields identify it); a modified or deleted one needs its id",
  });

const planPrompt = z
  .object({
    plan: z.string().min(1),
    allowDestructive: z.boolean().default(false),
    /** Variables the apply may read secret values from (`fromEnv`); obvious fakes only. */
    env: z.record(z.string()).default({}),
    expect: z
      .object({
        /** applied: plan → approve → apply ran; refused: the maker or the validator said no. */
        outcome: z.enum(["applied", "refused"]),
        /** Every change the sandbox must show afterwards, and nothing else. */
        changes: z.array(expectedChange).default([]),
      })
      .strict(),
  })
  .strict();

const setupStep = z.union([
  z
    .object({ request: z.object({ method: z.string(), path: z.string(), body: z.unknown() }).strict() })
    .strict(),
  /** Reads a machine and updates it with these config keys merged in (metadata, env...), as a deploy would. */
  z
    .object({
      patchMachineConfig: z
        .object({ app: z.string(), machine_id: z.string(), config: z.record(z.unknown()) })
        .strict(),
    })
    .strict(),
]);

export const taskSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "ids are kebab-case"),
    title: z.string().min(1),
    difficulty: z.enum(["easy", "medium", "hard"]),
    tags: z
      .array(z.enum(["ask", "plan", "troubleshoot", "safety", "follow-up", "aggregate", "filter"]))
      .min(1),
    setup: z
      .object({
        seed: z.literal("demo").default("demo"),
        org: z.string().optional(),
        app: z.string().optional(),
        steps: z.array(setupStep).default([]),
      })
      .strict()
      .default({}),
    prompts: z.array(z.union([askPrompt, planPrompt])).min(1),
  })
  .strict();

export type Task = z.infer<typeof taskSchema>;
export type TaskPrompt = Task["prompts"][number];
export type AskPrompt = z.infer<typeof askPrompt>;
export type PlanPrompt = z.infer<typeof planPrompt>;
export type AnswerCheck = z.infer<typeof answerCheck>;
export type ExpectedChange = z.infer<typeof expectedChange>;
export type CountFact = z.infer<typeof countFact>;
export type SetupStep = z.infer<typeof setupStep>;

export function isAskPrompt(prompt: TaskPrompt): prompt is AskPrompt {
  return "ask" in prompt;
}

export class TaskFileError extends FlyopsError {}

export interface LoadedTask {
  task: Task;
  file: string;
}

/**
 * The tasks a glob names; several globs may be given, separated by commas. A glob's folder is
 * literal, its file part may hold `*` (any run of characters); a glob without a folder is matched
 * against the default task folder's file names and the tasks' ids. Every file of a folder is parsed
 * and checked, matched or not: one bad file fails the load.
 */
export async function loadTasks(glob: string | undefined, cwd: string): Promise<LoadedTask[]> {
  const loaded = new Map<string, LoadedTask>();
  for (const pattern of (glob ?? "*")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const hasFolder = pattern.includes("/");
    const dir = hasFolder ? resolve(cwd, dirname(pattern)) : DEFAULT_TASK_DIR;
    const matcher = wildcard(hasFolder ? basename(pattern) : pattern);
    for (const found of await loadFolder(dir, cwd)) {
      const name = basename(found.file);
      if (matcher.test(name) || matcher.test(found.task.id)) loaded.set(found.file, found);
    }
  }
  if (loaded.size === 0) {
    throw new TaskFileError(`no task matches ${glob ?? "*"}`, {
      hint: `the tasks are in ${DEFAULT_TASK_DIR}`,
    });
  }
  return [...loaded.values()];
}

async function loadFolder(dir: string, cwd: string): Promise<LoadedTask[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".yaml") || n.endsWith(".yml")).sort();
  } catch (error) {
    throw new TaskFileError(`cannot read the task folder ${dir}: ${(error as Error).message}`, {
      hint: "pass --tasks with a folder that holds fly-bench YAML tasks, e.g. bench/tasks/*.yaml",
    });
  }
  const { parse } = await import("yaml");
  const loaded: LoadedTask[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const task = parseTask(parse, await readFile(file, "utf8"), relative(cwd, file) || file);
    const stem = name.replace(/\.ya?ml$/, "");
    if (task.id !== stem) {
      throw new TaskFileError(`${file}: the task id "${task.id}" is not the file name "${stem}"`);
    }
    loaded.push({ task, file });
  }
  return loaded;
}

function parseTask(parse: (text: string) => unknown, text: string, file: string): Task {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new TaskFileError(`${file} is not YAML: ${(error as Error).message}`);
  }
  const result = taskSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new TaskFileError(`${file} is not a valid task:\n- ${problems.join("\n- ")}`);
  }
  return result.data;
}

/** `*` matches any run of characters; everything else is literal. Linear: no nested quantifiers. */
function wildcard(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}
