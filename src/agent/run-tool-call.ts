import type { AnyTool, ToolContext } from "../../tools/define-tool.js";
import { ToolInputError, invokeTool, parseToolInput } from "../../tools/invoke.js";
import { FlyopsError } from "../errors.js";
import { FlyApiError, FlyGraphQLError, FlyNetworkError } from "../fly/errors.js";
import type { ChatMessage, ToolCall } from "../llm/types.js";
import type { Redactor } from "../security/redact.js";
import { formatToolError, formatToolOutput, type ToolErrorKind } from "./tool-result.js";

/** What the caller of `flyops ask --json` sees of each call the model made. */
export interface ToolCallRecord {
  tool: string;
  /** The parsed arguments, or the raw text when they were not valid JSON. */
  input: unknown;
  ok: boolean;
}

export interface ToolCallOutcome {
  message: Extract<ChatMessage, { role: "tool" }>;
  record: ToolCallRecord;
}

export interface RunToolCallOptions {
  ctx: ToolContext;
  /** The offered tools by name: a call to anything else is an error result, never a run. */
  tools: ReadonlyMap<string, AnyTool>;
  redactor: Redactor;
  maxResultBytes?: number;
}

/** A failure of one call, already described for the model. */
class CallFailure extends Error {
  constructor(
    readonly kind: ToolErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Runs one tool call of the model. Every failure of the call itself becomes a result the model can
 * read and recover from; only a cancellation escapes, because then nobody is waiting for an answer.
 */
export async function runToolCall(call: ToolCall, options: RunToolCallOptions): Promise<ToolCallOutcome> {
  const { ctx, tools, redactor } = options;
  const parsed = parseArguments(call.arguments);
  const input = parsed instanceof CallFailure ? call.arguments : parsed;
  let content: string;
  let ok = false;
  try {
    if (parsed instanceof CallFailure) throw parsed;
    const tool = tools.get(call.name);
    if (!tool) {
      const names = [...tools.keys()].join(", ");
      throw new CallFailure(
        "unknown_tool",
        `there is no tool named "${call.name}"`,
        `the available tools are: ${names}`,
      );
    }
    const output = await invokeTool(ctx, tool, parsed);
    content = formatToolOutput(
      tool,
      tool.view(output, parseToolInput(tool, parsed)),
      redactor,
      options.maxResultBytes,
    );
    ok = true;
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    const failure = describeFailure(error);
    if (
      failure.kind === "tool_failure" &&
      !(error instanceof FlyopsError) &&
      !(error instanceof CallFailure)
    ) {
      ctx.log.warn(`tool ${call.name} failed unexpectedly: ${redactor.redact(failure.message)}`);
    }
    content = formatToolError(call.name, failure.kind, failure.message, failure.hint, redactor);
  }
  return {
    message: {
      role: "tool",
      toolCallId: call.id,
      name: call.name,
      content,
      ...(ok ? {} : { isError: true }),
    },
    record: { tool: call.name, input, ok },
  };
}

function parseArguments(text: string): unknown {
  // Some models send "" for a tool without parameters.
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new CallFailure(
      "invalid_arguments",
      `the arguments are not valid JSON: ${reason}`,
      "send one JSON object",
    );
  }
}

function describeFailure(error: unknown): CallFailure {
  if (error instanceof CallFailure) return error;
  if (error instanceof ToolInputError) return new CallFailure("invalid_input", error.message, error.hint);
  if (error instanceof FlyApiError || error instanceof FlyNetworkError || error instanceof FlyGraphQLError) {
    return new CallFailure("api_error", error.message, error.hint);
  }
  if (error instanceof FlyopsError) return new CallFailure("tool_failure", error.message, error.hint);
  const message = error instanceof Error ? error.message : String(error);
  return new CallFailure("tool_failure", `the tool failed: ${message}`);
}
