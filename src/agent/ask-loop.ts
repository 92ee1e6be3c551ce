import pLimit from "p-limit";
import type { AnyTool, ToolContext } from "../../tools/define-tool.js";
import type { Toolset } from "../../tools/index.js";
import { addUsage, emptyUsage, type ChatMessage, type ChatModel, type Usage } from "../llm/types.js";
import { AskCancelledError, MaxStepsError } from "./errors.js";
import type { Exchange } from "./history.js";
import type { Redactor } from "../security/redact.js";
import { runToolCall, type ToolCallRecord } from "./run-tool-call.js";
import { loadAskPrompt, renderAskPrompt } from "./system-prompt.js";
import { LOAD_TOOLS, ToolOffer } from "./tool-offer.js";

/** Model turns allowed for one question unless `--max-steps` says otherwise. */
export const DEFAULT_MAX_STEPS = 10;
/** Tool calls of one turn run together, but no more than this many at once. */
export const TOOL_CONCURRENCY = 4;

export interface AskOptions {
  question: string;
  model: ChatModel;
  ctx: ToolContext;
  /**
   * The tools the loop may run. Read tools only: the loop refuses anything else. Those of a catalog
   * toolset not offered by default are offered once loaded (src/agent/tool-offer.ts).
   */
  tools: readonly AnyTool[];
  /** How `tools` group into toolsets; the catalog's unless a test says otherwise. */
  toolsets?: readonly Toolset[];
  /** Earlier questions and answers of this conversation, oldest first. */
  history?: readonly Exchange[];
  maxSteps?: number;
  redactor: Redactor;
  /** Every streamed text delta of the model's replies. */
  onText?: (delta: string) => void;
  /** Each finished tool call, in call order, for progress output. */
  onToolCall?: (record: ToolCallRecord) => void;
  /** Replaces prompts/ask.md; mainly for tests. */
  systemPrompt?: string;
  now?: Date;
  maxToolResultBytes?: number;
}

export interface AskResult {
  answer: string;
  /** Who answered, "provider:name". */
  model: string;
  /** Model turns taken. */
  steps: number;
  toolCalls: ToolCallRecord[];
  usage: Usage;
}

/**
 * Answers one question: the model calls read tools, reads their results, and answers. Tool failures
 * go back to the model as results; model failures, cancellation and running out of turns throw.
 */
export async function runAsk(options: AskOptions): Promise<AskResult> {
  const { model, ctx, redactor } = options;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const toolsByName = readToolsByName(options.tools);
  const offer = new ToolOffer([...toolsByName.values()], options.toolsets);
  const messages = await openingMessages(options);
  const limit = pLimit(TOOL_CONCURRENCY);
  const toolCalls: ToolCallRecord[] = [];
  let usage: Usage = emptyUsage();
  let wroteText = false;

  for (let step = 1; step <= maxSteps; step++) {
    // Text of an earlier turn ("let me look that up") is kept apart from what follows.
    let separate = wroteText;
    const onText = (delta: string): void => {
      if (delta === "") return;
      if (separate) options.onText?.("\n\n");
      separate = false;
      wroteText = true;
      options.onText?.(delta);
    };
    const response = await model.chat({ messages, tools: offer.specs(), signal: ctx.signal, onText });
    usage = addUsage(usage, response.usage);
    messages.push({ role: "assistant", content: response.text, toolCalls: response.toolCalls });
    if (response.toolCalls.length === 0) {
      return { answer: response.text, model: model.id, steps: step, toolCalls, usage };
    }
    const outcomes = await Promise.all(
      response.toolCalls.map((call) => {
        if (call.name === LOAD_TOOLS) return Promise.resolve(offer.load(call));
        // Only a name of toolsByName (read tools) runs; a call to it offers its set from the next turn.
        offer.noteCall(call.name);
        return limit(() =>
          runToolCall(call, {
            ctx,
            tools: toolsByName,
            redactor,
            maxResultBytes: options.maxToolResultBytes,
          }),
        );
      }),
    );
    if (ctx.signal?.aborted) throw new AskCancelledError(ctx.signal.reason);
    for (const outcome of outcomes) {
      messages.push(outcome.message);
      toolCalls.push(outcome.record);
      options.onToolCall?.(outcome.record);
    }
  }
  throw new MaxStepsError(maxSteps);
}

function readToolsByName(tools: readonly AnyTool[]): Map<string, AnyTool> {
  const byName = new Map<string, AnyTool>();
  for (const tool of tools) {
    // A programming error, not a person's: ask must never be able to change anything.
    if (tool.access !== "read") throw new Error(`the ask loop was offered ${tool.access} tool ${tool.name}`);
    byName.set(tool.name, tool);
  }
  return byName;
}

/** System prompt, earlier exchanges as user/assistant turns, then the question; all redacted. */
async function openingMessages(options: AskOptions): Promise<ChatMessage[]> {
  const { redactor, ctx } = options;
  const system =
    options.systemPrompt ??
    renderAskPrompt(await loadAskPrompt(), { org: ctx.org, app: ctx.app, today: options.now ?? new Date() });
  const messages: ChatMessage[] = [{ role: "system", content: system }];
  for (const exchange of options.history ?? []) {
    messages.push({ role: "user", content: redactor.redact(exchange.question) });
    messages.push({ role: "assistant", content: redactor.redact(exchange.answer) });
  }
  messages.push({ role: "user", content: redactor.redact(options.question) });
  return messages;
}
