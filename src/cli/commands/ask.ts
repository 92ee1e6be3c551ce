import { Command } from "commander";
import { z } from "zod";
import { PROVIDERS } from "../../../tools/define-tool.js";
import { providerTools, providerToolsets } from "../../../tools/index.js";
import { defaultProvider } from "../../config/index.js";
import { DEFAULT_MAX_STEPS, runAsk, type AskResult } from "../../agent/ask-loop.js";
import { appendExchange, clearHistory, historyFile, loadHistory } from "../../agent/history.js";
import { loadAskPrompt, loadProviderNote, renderAskPrompt } from "../../agent/system-prompt.js";
import { withheldNote, withholdSecretValues } from "../../security/withhold-secrets.js";
import { UsageError } from "../../errors.js";
import { LOCAL_MODEL_ID, LocalModelCannotAnswer } from "../../llm/local/index.js";
import { MODEL_KEY_VARIABLES, createModel, resolveModelSpec } from "../../llm/select.js";
import { estimateCost, usageLine } from "../../llm/cost.js";
import type { ApplyReport } from "../../plan/apply/applier.js";
import { jsonText, type Io } from "../output.js";
import { addRuntimeOptions, type Runtime } from "../runtime.js";
import { defaultDeps, withRuntime, type CommandDeps } from "../tool-command.js";
import { DESTRUCTIVE_FLAGS, addFlags, flagName, parseOptions, pickFlags, type FlagSpec } from "../options.js";
import { APPLY_FLAGS, applyDeps, runApply } from "./apply.js";
import { PLAN_MAKE_FLAGS, runPlanMake, type PlanMakeResult } from "./plan-make.js";

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
  provider: z
    .enum(["fly", "flywp"], {
      errorMap: () => ({ message: `--provider must be one of ${PROVIDERS.join(", ")}` }),
    })
    .optional(),
});

/** What commander parsed: ask's own options, and those of plan or apply it passes through. */
export type AskCommandOptions = z.input<typeof askOptionsSchema> & {
  maker?: boolean;
  apply?: boolean;
  planFile?: string;
} & Record<string, unknown>;
type ParsedAskOptions = z.output<typeof askOptionsSchema>;

/**
 * The seed product's spellings: `ask --maker "REQUEST"` is `flyops plan`, `ask --apply --plan-file
 * FILE` is `flyops apply FILE`. Their flags are plan's and apply's own lists (PLAN_MAKE_FLAGS,
 * APPLY_FLAGS), passed through as given: each command checks its own.
 */
const MAKER_FLAG: FlagSpec = {
  flags: "--maker",
  key: "maker",
  help: 'make a plan instead of answering: same as flyops plan "REQUEST"',
};
const APPLY_FLAG: FlagSpec = {
  flags: "--apply",
  key: "apply",
  help: "apply a reviewed plan instead of answering: same as flyops apply FILE",
};
const PLAN_FILE_FLAG: FlagSpec = { flags: "--plan-file <file>", key: "planFile", help: "the plan file" };
const SHARED = ["app", "org", "sandbox", "json", "raw"] as const;

/** The flags each mode takes beyond ask's own. */
const MODE_FLAGS = {
  ask: [] as readonly FlagSpec[],
  maker: PLAN_MAKE_FLAGS,
  apply: [PLAN_FILE_FLAG, ...APPLY_FLAGS],
};

function passed(raw: AskCommandOptions, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => raw[key] !== undefined).map((key) => [key, raw[key]]));
}

/** Which command ask stands for; a flag of another mode would be silently ignored, so it is an error. */
function askMode(raw: AskCommandOptions): keyof typeof MODE_FLAGS {
  if (raw.maker && raw.apply) throw new UsageError("--maker and --apply do not go together");
  const mode = raw.maker ? "maker" : raw.apply ? "apply" : "ask";
  if (mode !== "ask" && raw.provider !== undefined)
    throw new UsageError("--provider applies to questions only", {
      hint: "a plan's steps are whichever provider's tools it names; the maker reads every configured provider",
    });
  const allowed = new Set(MODE_FLAGS[mode].map((spec) => spec.key));
  const seen = new Set<string>();
  const misplaced = [...MODE_FLAGS.maker, ...MODE_FLAGS.apply].filter((spec) => {
    if (seen.has(spec.key) || allowed.has(spec.key)) return false;
    seen.add(spec.key);
    return raw[spec.key] !== undefined && raw[spec.key] !== false;
  });
  if (misplaced.length > 0) {
    throw new UsageError(`${misplaced.map(flagName).join(", ")} can only be used with --maker or --apply`, {
      hint: 'ask is read-only; change requests go to flyops ask --maker "REQUEST" (or flyops plan)',
    });
  }
  return mode;
}

/** What `flyops ask` stands for, with the options the command it stands for will check. */
export type AskRoute =
  | { kind: "ask"; question: string | undefined; options: Record<string, unknown> }
  | { kind: "maker"; request: string | undefined; options: Record<string, unknown> }
  | { kind: "apply"; file: string; options: Record<string, unknown> };

/**
 * `flyops ask "QUESTION"`; with --maker it is `flyops plan "REQUEST"`, with --apply --plan-file FILE
 * it is `flyops apply FILE`, each given exactly the flags it declares.
 */
export function askRoute(question: string | undefined, raw: AskCommandOptions): AskRoute {
  const mode = askMode(raw);
  if (mode === "maker") {
    const shared = passed(raw, [...SHARED, "verbose", "model"]);
    return { kind: "maker", request: question, options: { ...shared, ...pickFlags(raw, PLAN_MAKE_FLAGS) } };
  }
  if (mode === "apply") {
    if (raw.planFile === undefined) throw new UsageError("--apply needs --plan-file FILE");
    if (question !== undefined) throw new UsageError("--apply takes no question, only --plan-file FILE");
    return {
      kind: "apply",
      file: raw.planFile,
      options: { ...passed(raw, SHARED), ...pickFlags(raw, APPLY_FLAGS) },
    };
  }
  return { kind: "ask", question, options: passed(raw, Object.keys(askOptionsSchema.shape)) };
}

export async function runAskCommand(
  question: string | undefined,
  raw: AskCommandOptions,
  deps: CommandDeps = defaultDeps(),
): Promise<AskResult | PlanMakeResult | ApplyReport> {
  const route = askRoute(question, raw);
  switch (route.kind) {
    case "maker":
      return runPlanMake(route.request, route.options, deps);
    case "apply":
      return runApply(route.file, route.options, deps);
    case "ask":
      return answerQuestion(route.question, parseOptions(askOptionsSchema, route.options), deps);
  }
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
  // Everything printed, the streamed answer included, leaves through the runtime's io.
  return withRuntime(options, deps, (runtime, io) => answerWith(asked, json, options, runtime, io, deps), {
    verbose: options.verbose,
  });
}

async function answerWith(
  asked: string,
  json: boolean,
  options: ParsedAskOptions,
  runtime: Runtime,
  io: Io,
  { env, redactor }: CommandDeps,
): Promise<AskResult> {
  const { log } = runtime.ctx;
  // The question goes to the model and into the history file; no secret value in it does.
  const { text, withheld } = withholdSecretValues(asked);
  if (withheld.length > 0) io.stderr(withheldNote(withheld, "the conversation history"));
  const spec = resolveModelSpec({ flag: options.model, env, configModel: runtime.config.model });
  log.debug(`model ${spec.provider}:${spec.name} (from ${spec.source})`);
  const model = createModel(spec, { env });

  const file = historyFile(runtime.ctx.org, env);
  if (options.new) await clearHistory(file);
  const history = options.new ? [] : await loadHistory(file, log);
  if (history.length > 0)
    log.debug(`continuing the conversation in ${file} (${history.length} earlier questions)`);

  // The catalog says which tools are whose: the provider only picks them.
  const provider = options.provider ?? defaultProvider(runtime.config);
  log.debug(`provider ${provider}${options.provider ? "" : " (the one configured)"}`);
  const note = await loadProviderNote(provider);
  const systemPrompt =
    note === undefined
      ? undefined
      : `${renderAskPrompt(await loadAskPrompt(), { org: runtime.ctx.org, app: runtime.ctx.app, today: new Date() })}\n\n${note}`;
  let streamed = "";
  const result = await runAsk({
    question: text,
    model,
    ctx: runtime.ctx,
    ...(systemPrompt === undefined ? {} : { systemPrompt }),
    tools: providerTools(provider, "read"),
    toolsets: providerToolsets(provider),
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

  const cost = estimateCost(result.model, result.usage);
  if (json) {
    const { answer, model: modelId, steps, toolCalls, usage } = result;
    io.stdout(jsonText({ answer, model: modelId, steps, toolCalls, usage, cost: cost ?? null }));
  } else {
    // A model that did not stream still has its answer printed; either way the answer ends a line.
    if (streamed === "") io.stdout(result.answer);
    if (!(streamed || result.answer).endsWith("\n")) io.stdout("\n");
  }
  io.stderr(`answered by ${result.model}\n`);
  if (options.verbose) {
    io.stderr(
      `usage: ${usageLine(result.model, result.usage)}; ${result.steps} model turns, ${result.toolCalls.length} tool calls\n`,
    );
  }
  await appendExchange(
    file,
    history,
    {
      question: text,
      answer: result.answer,
      model: result.model,
      at: new Date().toISOString(),
      usage: result.usage,
      ...(cost ? { costUsd: cost.usd } : {}),
    },
    { org: runtime.ctx.org, redactor },
  );
  return result;
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
    .option("--json", "print { answer, model, steps, toolCalls, usage, cost } as JSON only")
    .option("--raw", "alias of --json")
    .option("--verbose", "show the model, tool calls, tokens and estimated cost on stderr")
    .option(
      "--provider <name>",
      `what to ask about: ${PROVIDERS.join(" or ")} (default: fly when a Fly token is configured, flywp when only a FlyWP token is)`,
    );
  const only = (specs: readonly FlagSpec[]) => specs.filter((spec) => !DESTRUCTIVE_FLAGS.includes(spec));
  addFlags(command, [MAKER_FLAG]);
  addFlags(command, only(PLAN_MAKE_FLAGS), "with --maker: ");
  addFlags(command, DESTRUCTIVE_FLAGS, "with --maker or --apply: ");
  addFlags(command, [APPLY_FLAG]);
  addFlags(command, [PLAN_FILE_FLAG, ...only(APPLY_FLAGS)], "with --apply: ");
  addRuntimeOptions(command);
  return command.action(async (question: string | undefined, options: AskCommandOptions) => {
    // applyDeps asks its questions on stderr, so stdout stays JSON-only under --json.
    await runAskCommand(question, options, applyDeps());
  });
}
