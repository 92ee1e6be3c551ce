import { Command, Option } from "commander";
import { z } from "zod";
import { toolsByAccess } from "../../../tools/index.js";
import { DEFAULT_MAX_STEPS, runAsk, type AskResult } from "../../agent/ask-loop.js";
import { appendExchange, clearHistory, historyFile, loadHistory } from "../../agent/history.js";
import { withheldNote, withholdSecretValues } from "../../security/withhold-secrets.js";
import { UsageError } from "../../errors.js";
import { LOCAL_MODEL_ID, LocalModelCannotAnswer } from "../../llm/local/index.js";
import { MODEL_KEY_VARIABLES, createModel, resolveModelSpec } from "../../llm/select.js";
import type { ApplyReport } from "../../plan/apply/applier.js";
import { guardIo, jsonText, stderrLogger } from "../output.js";
import { addRuntimeOptions } from "../runtime.js";
import { defaultDeps, type CommandDeps } from "../tool-command.js";
import { applyDeps, runApply } from "./apply.js";
import { runPlanMake, type PlanMakeResult } from "./plan-make.js";

export const askOptionsSchema = z.object({
  model: z.string().optional(),
  maxSteps: z.coerce
    .number({ invalid_type_error: "--max-steps must be a number" })
    .int("--max-steps must be a whole number")
    .min(1, "--max-steps must be at least 1")
    .max(100, "--max-steps must be at most 100")
    .default(DEFAULT_MAX_STEPS),
  new: z.boolean().default(false),
  json: z.boolean().default(false),
  raw: z.boolean().default(false),
  verbose: z.boolean().default(false),
  app: z.string().optional(),
  org: z.string().optional(),
  sandbox: z.boolean().default(false),
  // The seed product's spellings of `flyops plan` and `flyops apply`, passed through to them.
  maker: z.boolean().default(false),
  output: z.string().optional(),
  allowDestructive: z.boolean().default(false),
  destroyer: z.boolean().default(false),
  apply: z.boolean().default(false),
  planFile: z.string().optional(),
  yes: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  resume: z.boolean().default(false),
  ignoreDrift: z.boolean().default(false),
  // Left undefined when not given, so apply's own default holds and a misplaced flag can be told.
  secretsVia: z.enum(["rest", "flyctl"], { message: "--secrets-via must be rest or flyctl" }).optional(),
  interrupted: z.enum(["retry", "done"], { message: "--interrupted must be retry or done" }).optional(),
});

export type AskCommandOptions = z.input<typeof askOptionsSchema>;
type ParsedAskOptions = z.output<typeof askOptionsSchema>;

/**
 * `flyops ask "QUESTION"`; with --maker it is `flyops plan "REQUEST"`, with --apply --plan-file FILE
 * it is `flyops apply FILE`.
 */
export async function runAskCommand(
  question: string | undefined,
  rawOptions: AskCommandOptions,
  deps: CommandDeps = defaultDeps(),
): Promise<AskResult | PlanMakeResult | ApplyReport> {
  const options = parseOptions(rawOptions);
  const { app, org, sandbox, json, raw, verbose, model, allowDestructive, destroyer } = options;
  if (options.maker) {
    return runPlanMake(
      question,
      { app, org, sandbox, json, raw, verbose, model, allowDestructive, destroyer, output: options.output },
      deps,
    );
  }
  if (options.apply) {
    if (options.planFile === undefined) throw new UsageError("--apply needs --plan-file FILE");
    if (question !== undefined) throw new UsageError("--apply takes no question, only --plan-file FILE");
    const { yes, dryRun, resume, ignoreDrift, secretsVia, interrupted } = options;
    return runApply(
      options.planFile,
      {
        app,
        org,
        sandbox,
        json,
        raw,
        yes,
        dryRun,
        resume,
        allowDestructive,
        destroyer,
        ignoreDrift,
        secretsVia,
        interrupted,
      },
      deps,
    );
  }
  return answerQuestion(question, options, deps);
}

/** Answers from read-only tool calls, streams the answer, and keeps the conversation. */
async function answerQuestion(
  question: string | undefined,
  options: ParsedAskOptions,
  deps: CommandDeps,
): Promise<AskResult> {
  const asked = question?.trim() ?? "";
  if (asked === "")
    throw new UsageError("ask needs a question", {
      hint: 'for example: flyops ask "which machines are stopped?"',
    });
  const json = options.json || options.raw;
  const { env, redactor } = deps;
  // Known before anything runs, so even the first log line cannot carry a key.
  for (const name of MODEL_KEY_VARIABLES) if (env[name]) redactor.add(env[name]);
  // Everything printed, the streamed answer included, leaves through here.
  const io = guardIo(deps.io, redactor);
  try {
    return await answerWith(asked, json, options, { ...deps, io });
  } finally {
    io.flush();
  }
}

async function answerWith(
  asked: string,
  json: boolean,
  options: ParsedAskOptions,
  deps: CommandDeps,
): Promise<AskResult> {
  const { env, io, redactor } = deps;
  // The question goes to the model and into the history file; no secret value in it does.
  const { text, withheld } = withholdSecretValues(asked);
  if (withheld.length > 0) io.stderr(withheldNote(withheld, "the conversation history"));

  const log = stderrLogger(io, redactor, options.verbose);
  const runtime = await deps.createRuntime({
    app: options.app,
    org: options.org,
    sandbox: options.sandbox,
    env,
    cwd: deps.cwd,
    log,
    signal: deps.signal,
  });
  try {
    for (const credential of runtime.credentials) redactor.add(credential);
    const spec = resolveModelSpec({ flag: options.model, env, configModel: runtime.config.model });
    log.debug(`model ${spec.provider}:${spec.name} (from ${spec.source})`);
    const model = createModel(spec, { env });

    const file = historyFile(runtime.ctx.org, env);
    if (options.new) await clearHistory(file);
    const history = options.new ? [] : await loadHistory(file, log);
    if (history.length > 0)
      log.debug(`continuing the conversation in ${file} (${history.length} earlier questions)`);

    let streamed = "";
    const result = await runAsk({
      question: text,
      model,
      ctx: runtime.ctx,
      tools: toolsByAccess("read"),
      history,
      maxSteps: options.maxSteps,
      redactor,
      onText: json
        ? undefined
        : (delta) => {
            streamed += delta;
            io.stdout(delta);
          },
      onToolCall: (call) =>
        log.debug(`tool ${call.tool} ${JSON.stringify(call.input)} ${call.ok ? "ok" : "failed"}`),
    }).catch(async (error: unknown) => {
      // A refused question stays in the conversation, so that a follow-up to it is not taken for one to an older question.
      if (error instanceof LocalModelCannotAnswer)
        await appendExchange(
          file,
          history,
          {
            question: text,
            answer: `(not answered) ${error.message}`,
            model: LOCAL_MODEL_ID,
            at: new Date().toISOString(),
          },
          { org: runtime.ctx.org, redactor },
        );
      throw error;
    });

    if (json) {
      const { answer, model: modelId, steps, toolCalls, usage } = result;
      io.stdout(jsonText({ answer, model: modelId, steps, toolCalls, usage }));
    } else {
      // A model that did not stream still has its answer printed; either way the answer ends a line.
      if (streamed === "") io.stdout(result.answer);
      if (!(streamed || result.answer).endsWith("\n")) io.stdout("\n");
    }
    io.stderr(`answered by ${result.model}\n`);
    if (options.verbose) {
      const { inputTokens, outputTokens } = result.usage;
      io.stderr(
        `usage: ${inputTokens} input tokens, ${outputTokens} output tokens; ${result.steps} model turns, ${result.toolCalls.length} tool calls\n`,
      );
    }
    await appendExchange(
      file,
      history,
      { question: text, answer: result.answer, model: result.model, at: new Date().toISOString() },
      { org: runtime.ctx.org, redactor },
    );
    return result;
  } finally {
    await runtime.close();
  }
}

const MAKER_FLAGS = ["output"] as const;
const APPLY_FLAGS = [
  "planFile",
  "yes",
  "dryRun",
  "resume",
  "ignoreDrift",
  "secretsVia",
  "interrupted",
] as const;
const FLAG_NAMES: Record<string, string> = {
  output: "--output",
  planFile: "--plan-file",
  yes: "--yes",
  dryRun: "--dry-run",
  resume: "--resume",
  ignoreDrift: "--ignore-drift",
  secretsVia: "--secrets-via",
  interrupted: "--interrupted",
  allowDestructive: "--allow-destructive",
  destroyer: "--destroyer",
};

function parseOptions(raw: AskCommandOptions): ParsedAskOptions {
  const parsed = askOptionsSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const options = parsed.data;
  if (options.maker && options.apply) throw new UsageError("--maker and --apply do not go together");
  // A flag of one mode given in another would be silently ignored; say so instead.
  const misplaced = [
    ...(options.maker ? [] : MAKER_FLAGS),
    ...(options.apply ? [] : APPLY_FLAGS),
    ...(options.maker || options.apply ? [] : (["allowDestructive", "destroyer"] as const)),
  ].filter((name) => options[name] !== undefined && options[name] !== false);
  if (misplaced.length > 0) {
    throw new UsageError(
      `${misplaced.map((name) => FLAG_NAMES[name]).join(", ")} can only be used with --maker or --apply`,
      {
        hint: 'ask is read-only; change requests go to flyops ask --maker "REQUEST" (or flyops plan)',
      },
    );
  }
  return options;
}

export function askCommand(): Command {
  const command = new Command("ask")
    .argument("[question]", 'the question, e.g. "which machines are using the most memory?"')
    .option(
      "--model <provider:name>",
      "model to use: openai:NAME, anthropic:NAME, ollama:NAME or local (default: FLYOPS_MODEL, then a provider whose API key is set, then local)",
    )
    .option("--max-steps <n>", `most model turns for one question (default ${DEFAULT_MAX_STEPS})`)
    .option("--new", "start a new conversation instead of continuing the last one")
    .option("--json", "print { answer, model, steps, toolCalls, usage } as JSON only")
    .option("--raw", "alias of --json")
    .option("--verbose", "show the model, tool calls and token usage on stderr")
    .option("--maker", 'make a plan instead of answering: same as flyops plan "REQUEST"')
    .option("-o, --output <file>", "with --maker: where to write the plan")
    .option("--allow-destructive", "with --maker or --apply: allow steps that destroy, release or remove")
    .addOption(new Option("--destroyer", "alias of --allow-destructive").hideHelp())
    .option("--apply", "apply a reviewed plan instead of answering: same as flyops apply FILE")
    .option("--plan-file <file>", "with --apply: the plan file")
    .option("-y, --yes", "with --apply: do not ask before running the steps")
    .option("--dry-run", "with --apply: do everything but the changes")
    .option("--resume", "with --apply: continue an apply that stopped")
    .option("--ignore-drift", "with --apply: apply even when live state no longer matches the preconditions")
    .addOption(
      new Option(
        "--secrets-via <how>",
        "with --apply: send secrets_set steps through the REST secrets endpoint or `flyctl secrets import`",
      ).choices(["rest", "flyctl"]),
    )
    .addOption(
      new Option(
        "--interrupted <what>",
        "with --apply --resume: whether an interrupted step flyops cannot check took effect",
      ).choices(["retry", "done"]),
    );
  addRuntimeOptions(command);
  return command.action(async (question: string | undefined, options: AskCommandOptions) => {
    // applyDeps asks its questions on stderr, so stdout stays JSON-only under --json.
    await runAskCommand(question, options, applyDeps());
  });
}
