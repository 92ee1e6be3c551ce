import { resolve } from "node:path";
import { Command, Option } from "commander";
import { z } from "zod";
import { readPlanFile } from "../../plan/schema/plan-file.js";
import { renderReview, reviewPlan, type PlanReview } from "../../plan/check/review.js";
import { parseOptions } from "../options.js";
import { jsonText } from "../output.js";
import { addRuntimeOptions } from "../runtime.js";
import { defaultDeps, withOptionalRuntime, type CommandDeps } from "../tool-command.js";
import { heldCredentials } from "../../security/secret-sources.js";

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
  const options = parseOptions(planShowOptionsSchema, rawOptions);
  const raw = await readPlanFile(resolve(deps.cwd ?? process.cwd(), file));
  return withOptionalRuntime(options, deps, async (runtime, io, unavailable) => {
    const review = await reviewPlan(raw, {
      file,
      allowDestructive: options.allowDestructive || options.destroyer,
      // Offline, a config file that cannot be read allows nothing: the review is the stricter for it.
      allowEnv: runtime?.config.secretsAllowEnv ?? [],
      ctx: runtime?.ctx,
      credentials: heldCredentials(deps.env, runtime?.credentials),
      offlineNote: unavailable === undefined ? undefined : `not checked: ${unavailable}`,
    });
    io.stdout(options.json || options.raw ? jsonText(review) : renderReview(review));
    return review;
  });
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
