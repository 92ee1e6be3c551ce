import { relative, resolve } from "node:path";
import { Option, type Command } from "commander";
import { z } from "zod";
import { UsageError } from "../../errors.js";
import { MODEL_KEY_VARIABLES, createModel, resolveModelSpec } from "../../llm/select.js";
import { makePlan } from "../../plan/maker/maker.js";
import { estimateCost, usageLine, type Cost } from "../../llm/cost.js";
import type { Usage } from "../../llm/types.js";
import { URL_PASSWORD, withheldNote, withholdSecretValues } from "../../security/withhold-secrets.js";
import { defaultPlanPath, pathTaken, writePlanFile } from "../../plan/schema/plan-file.js";
import { renderReview, reviewPlan, type PlanReview } from "../../plan/check/review.js";
import type { PlanFile } from "../../plan/schema/schema.js";
import { terminalSafe } from "../../security/terminal-safe.js";
import { jsonText } from "../output.js";
import { DESTRUCTIVE_FLAGS, addFlags, parseOptions, type FlagSpec } from "../options.js";
import { addRuntimeOptions, type Runtime } from "../runtime.js";
import { defaultDeps, withRuntime, type CommandDeps } from "../tool-command.js";

export const planMakeOptionsSchema = z.object({
  output: z.string().trim().min(1, "-o needs a file name").optional(),
  allowDestructive: z.boolean().default(false),
  destroyer: z.boolean().default(false),
  model: z.string().optional(),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
  verbose: z.boolean().default(false),
  app: z.string().optional(),
  org: z.string().optional(),
  sandbox: z.boolean().default(false),
});
export type PlanMakeOptions = z.input<typeof planMakeOptionsSchema>;

export interface PlanMakeResult {
  file: string;
  plan: PlanFile;
  review: PlanReview;
  model: string;
  proposals: number;
  usage: Usage;
  /** Estimated from src/llm/prices.ts; null for a model the table does not list. */
  cost: Cost | null;
}

/**
 * `flyops plan "REQUEST"` (also `flyops ask --maker "REQUEST"`): the model reads live facts and
 * proposes a plan; the validated plan is written (mode 0600) and reviewed. Nothing is changed.
 */
export async function runPlanMake(
  request: string | undefined,
  rawOptions: PlanMakeOptions,
  deps: CommandDeps = defaultDeps(),
): Promise<PlanMakeResult> {
  const options = parseOptions(planMakeOptionsSchema, rawOptions);
  const text = request?.trim() ?? "";
  if (text === "")
    throw new UsageError("plan needs a change request", {
      hint: 'for example: flyops plan "stop machine 148e… of my-app"',
    });
  const json = options.json || options.raw;
  const allowDestructive = options.allowDestructive || options.destroyer;
  const cwd = deps.cwd ?? process.cwd();
  const now = new Date();
  const outputPath = options.output === undefined ? undefined : resolve(cwd, options.output);
  if (outputPath !== undefined && pathTaken(outputPath)) {
    throw new UsageError(`${options.output} already exists`, {
      hint: "choose another -o file, or move the old plan (and its journal) aside",
    });
  }

  for (const name of MODEL_KEY_VARIABLES) if (deps.env[name]) deps.redactor.add(deps.env[name]);
  return withRuntime(
    options,
    deps,
    (runtime, io) =>
      makeAndWrite(text, { json, allowDestructive, cwd, now, outputPath }, options, runtime, { ...deps, io }),
    { verbose: options.verbose },
  );
}

interface MakeSettings {
  json: boolean;
  allowDestructive: boolean;
  cwd: string;
  now: Date;
  outputPath: string | undefined;
}

async function makeAndWrite(
  text: string,
  { json, allowDestructive, cwd, now, outputPath }: MakeSettings,
  options: z.output<typeof planMakeOptionsSchema>,
  runtime: Runtime,
  deps: CommandDeps,
): Promise<PlanMakeResult> {
  const { redactor } = deps;
  const spec = resolveModelSpec({ flag: options.model, env: deps.env, configModel: runtime.config.model });
  const model = createModel(spec, { env: deps.env });
  deps.io.stderr(`making a plan with ${model.id}: reading live facts first\n`);
  // The request is kept in the plan (and names its file); no secret value or token in it is.
  const { text: withheldText, withheld } = withholdSecretValues(text);
  if (withheld.length > 0) deps.io.stderr(withheldPlanNote(withheld));
  const kept = redactor.redact(withheldText);
  const made = await makePlan({
    request: kept,
    model,
    ctx: runtime.ctx,
    redactor,
    allowDestructive,
    allowEnv: runtime.config.secretsAllowEnv,
    now,
    // The tool name is the model's word: one line, escaped.
    onToolCall: (tool, ok) => deps.io.stderr(`  ${terminalSafe(tool)}${ok ? "" : " (failed)"}\n`),
  });
  const path = outputPath ?? defaultPlanPath(kept, now, cwd);
  await writePlanFile(path, made.plan);
  const file = relative(cwd, path) || path;
  const allowEnv = runtime.config.secretsAllowEnv;
  const review = await reviewPlan(made.plan, { file, allowDestructive, allowEnv, ctx: runtime.ctx });
  const result: PlanMakeResult = {
    file,
    plan: made.plan,
    review,
    model: made.model,
    proposals: made.proposals,
    usage: made.usage,
    cost: estimateCost(made.model, made.usage) ?? null,
  };
  if (options.verbose) deps.io.stderr(`usage: ${usageLine(made.model, made.usage)}\n`);
  if (json) {
    deps.io.stdout(redactor.redact(jsonText(result)));
  } else {
    if (made.answer.trim() !== "") deps.io.stderr(`${redactor.redact(made.answer.trim())}\n`);
    deps.io.stdout(redactor.redact(renderReview(review)));
    deps.io.stdout(
      `\nwrote ${file}; nothing was changed. Next: \`flyops plan approve ${file}\`, then \`flyops apply ${file}\`\n`,
    );
  }
  return result;
}

/** The shared note, plus how a plan sets secrets instead. */
function withheldPlanNote(withheld: readonly string[]): string {
  const example = withheld.find((name) => name !== URL_PASSWORD) ?? "NAME";
  return (
    withheldNote(withheld, "a plan") +
    `  A plan sets secrets from references resolved at apply time, e.g. {"fromEnv": "${example}"} ` +
    `(export ${example} before \`flyops apply\`) or {"fromFile": "PATH"}.\n`
  );
}

/** Adds the maker's arguments, options and action to the `plan` command itself. */
/** The flags only plan making has; `ask --maker` takes the same list. */
export const PLAN_MAKE_FLAGS: readonly FlagSpec[] = [
  {
    flags: "-o, --output <file>",
    key: "output",
    help: "where to write the plan (default: plans/<date>-<slug>.json)",
  },
  ...DESTRUCTIVE_FLAGS,
];

export function addPlanMakeOptions(command: Command): Command {
  command.argument("[request]", 'the change, e.g. "add a 512MB shared-cpu-1x machine in iad to my-app"');
  addFlags(command, PLAN_MAKE_FLAGS)
    .option("--model <provider:name>", "model to use: openai:NAME, anthropic:NAME, ollama:NAME or local")
    .option("--json", "print { file, plan, review, model, proposals, usage, cost } as JSON on stdout")
    .addOption(new Option("--raw", "alias of --json").hideHelp())
    .option("--verbose", "show details, tokens and estimated cost on stderr");
  addRuntimeOptions(command);
  return command.action(async (request: string | undefined, options: PlanMakeOptions) => {
    await runPlanMake(request, options);
  });
}
