import { resolve } from "node:path";
import { Command, Option } from "commander";
import { z } from "zod";
import { ConfigError, UsageError } from "../../errors.js";
import { readPlanFile } from "../../plan/schema/plan-file.js";
import { renderReview, reviewPlan, type PlanReview } from "../../plan/check/review.js";
import { guardIo, jsonText, stderrLogger } from "../output.js";
import { addRuntimeOptions, type Runtime } from "../runtime.js";
import { defaultDeps, type CommandDeps } from "../tool-command.js";

export const planShowOptionsSchema = z.object({
  allowDestructive: z.boolean().default(false),
  destroyer: z.boolean().default(false),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
  app: z.string().optional(),
  org: z.string().optional(),
  sandbox: z.boolean().default(false),
});
export type PlanShowOptions = z.input<typeof planShowOptionsSchema>;

/**
 * `flyops plan show FILE`: the plan as a person reviews it, with its preconditions checked against
 * live state. Without Fly credentials it still shows the plan and says the checks were skipped.
 */
export async function runPlanShow(
  file: string,
  rawOptions: PlanShowOptions,
  deps: CommandDeps = defaultDeps(),
): Promise<PlanReview> {
  const parsed = planShowOptionsSchema.safeParse(rawOptions);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const options = parsed.data;
  const cwd = deps.cwd ?? process.cwd();
  const raw = await readPlanFile(resolve(cwd, file));
  const { redactor } = deps;
  const io = guardIo(deps.io, redactor);
  let runtime: Runtime | undefined;
  let offlineNote: string | undefined;
  try {
    runtime = await deps.createRuntime({
      app: options.app,
      org: options.org,
      sandbox: options.sandbox,
      env: deps.env,
      cwd,
      log: stderrLogger(io, redactor, Boolean(deps.env.FLYOPS_DEBUG)),
      signal: deps.signal,
    });
    runtime.credentials.forEach((credential) => redactor.add(credential));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    offlineNote = `not checked: ${error.message}`;
  }
  try {
    const review = await reviewPlan(raw, {
      file,
      allowDestructive: options.allowDestructive || options.destroyer,
      // Offline, a config file that cannot be read allows nothing: the review is the stricter for it.
      allowEnv: runtime?.config.secretsAllowEnv ?? [],
      ctx: runtime?.ctx,
      offlineNote,
    });
    const text = options.json || options.raw ? jsonText(review) : renderReview(review);
    io.stdout(text);
    return review;
  } finally {
    io.flush();
    await runtime?.close();
  }
}

export function planShowCommand(): Command {
  const command = new Command("show")
    .description(
      "Show a plan for review: each step's risk and change, whether its preconditions hold now, its approval",
    )
    .argument("<file>", "plan file")
    .option("--allow-destructive", "judge the plan as `apply --allow-destructive` would")
    .option("--destroyer", "alias of --allow-destructive")
    .option("--json", "print the review as JSON on stdout")
    .addOption(new Option("--raw", "alias of --json").hideHelp());
  addRuntimeOptions(command);
  return command.action(async (file: string, options: PlanShowOptions) => {
    await runPlanShow(file, options);
  });
}
