import type Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  RawMessageStreamEvent,
  TextBlockParam,
  Tool,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import { modelError, networkCode } from "./errors.js";
import type { ModelEndpoint, ModelFailure } from "./errors.js";
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from "./request-defaults.js";
import type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  StopReason,
  ToolCall,
  ToolSpec,
} from "./types.js";
import { emptyUsage } from "./types.js";

/** The Messages API requires max_tokens; answers to ops questions fit well inside this. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

export interface AnthropicModelOptions {
  model: string;
  apiKey: string;
  baseUrl: string;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/** Messages API with tools and streaming, through `@anthropic-ai/sdk`. */
export function createAnthropicModel(options: AnthropicModelOptions): ChatModel {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const endpoint: ModelEndpoint = {
    label: "Anthropic",
    baseUrl: options.baseUrl,
    baseUrlVariables: ["ANTHROPIC_BASE_URL"],
    keyVariable: "ANTHROPIC_API_KEY",
    apiKey: options.apiKey,
  };
  // The SDK loads on first use, so commands that never reach a remote model do not pay for it.
  let sdk: Promise<{ Anthropic: typeof Anthropic; client: Anthropic }> | undefined;
  const loadSdk = () =>
    (sdk ??= import("@anthropic-ai/sdk").then(({ default: Anthropic }) => ({
      Anthropic,
      // Passing the key, base URL, logging and tracing settings keeps the SDK from reading them from the environment.
      client: new Anthropic({
        apiKey: options.apiKey,
        baseURL: options.baseUrl,
        timeout: timeoutMs,
        maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
        logLevel: "off",
        openTelemetry: false,
      }),
    })));

  return {
    id: `anthropic:${options.model}`,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const { system, messages } = toAnthropicMessages(request.messages);
      const params: MessageCreateParamsStreaming = {
        model: options.model,
        max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
        messages,
        stream: true,
        ...(system === "" ? {} : { system }),
        ...(request.tools.length > 0 ? { tools: request.tools.map(toAnthropicTool) } : {}),
      };
      const { Anthropic, client } = await loadSdk();
      try {
        const stream = await client.messages.create(params, { signal: request.signal });
        const assembler = new StreamAssembler(request.onText);
        for await (const event of stream) assembler.add(event);
        return assembler.result();
      } catch (error) {
        const failure = classify(error, Anthropic, timeoutMs);
        throw failure ? modelError(failure, endpoint, error) : error;
      }
    },
  };
}

function toAnthropicTool(tool: ToolSpec): Tool {
  return {
    name: tool.name,
    description: tool.description,
    input_schema: tool.parameters as Tool.InputSchema,
  };
}

/**
 * System messages become the `system` parameter. Tool results become `tool_result` blocks in a user
 * message, and consecutive user-side messages are merged, because the API expects the results of one
 * assistant turn together in the single user message that follows it.
 */
export function toAnthropicMessages(input: ChatMessage[]): { system: string; messages: MessageParam[] } {
  const system: string[] = [];
  const messages: MessageParam[] = [];
  const pushUser = (block: TextBlockParam | ToolResultBlockParam) => {
    const last = messages[messages.length - 1];
    if (last?.role === "user" && Array.isArray(last.content)) last.content.push(block);
    else messages.push({ role: "user", content: [block] });
  };
  for (const message of input) {
    switch (message.role) {
      case "system":
        system.push(message.content);
        break;
      case "user":
        pushUser({ type: "text", text: message.content });
        break;
      case "tool":
        pushUser({
          type: "tool_result",
          tool_use_id: message.toolCallId,
          content: message.content,
          ...(message.isError ? { is_error: true } : {}),
        });
        break;
      case "assistant": {
        const content: ContentBlockParam[] = [];
        if (message.content !== "") content.push({ type: "text", text: message.content });
        for (const call of message.toolCalls ?? []) {
          content.push({ type: "tool_use", id: call.id, name: call.name, input: parseInput(call.arguments) });
        }
        // The API rejects an assistant message with no content; an empty turn carries nothing anyway.
        if (content.length > 0) messages.push({ role: "assistant", content });
        break;
      }
    }
  }
  return { system: system.join("\n\n"), messages: messages.map(simplifyUserText) };
}

/** A user message of one text block is sent as a plain string, the form the API documents first. */
function simplifyUserText(message: MessageParam): MessageParam {
  const content = message.content;
  if (
    message.role === "user" &&
    Array.isArray(content) &&
    content.length === 1 &&
    content[0]?.type === "text"
  ) {
    return { role: "user", content: content[0].text };
  }
  return message;
}

function parseInput(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Malformed arguments already went back to the model as a tool error; the transcript keeps an empty input.
  }
  return {};
}

/** Joins streamed events: text deltas in order, tool_use input from input_json_delta fragments. */
class StreamAssembler {
  private text = "";
  private readonly blocks = new Map<number, { id: string; name: string; json: string }>();
  private stop: string | null = null;
  private usage = emptyUsage();

  constructor(private readonly onText: ((delta: string) => void) | undefined) {}

  add(event: RawMessageStreamEvent): void {
    switch (event.type) {
      case "message_start":
        this.count(event.message.usage);
        break;
      case "content_block_start":
        if (event.content_block.type === "tool_use") {
          this.blocks.set(event.index, {
            id: event.content_block.id,
            name: event.content_block.name,
            json: "",
          });
        }
        break;
      case "content_block_delta":
        if (event.delta.type === "text_delta") {
          this.text += event.delta.text;
          this.onText?.(event.delta.text);
        } else if (event.delta.type === "input_json_delta") {
          const block = this.blocks.get(event.index);
          if (block) block.json += event.delta.partial_json;
        }
        break;
      case "message_delta":
        // message_delta counts are cumulative; input and cache counts appear here only on some servers.
        this.count(event.usage);
        if (event.delta.stop_reason) this.stop = event.delta.stop_reason;
        break;
      // A block or the message ending carries nothing the answer needs: its content came in deltas.
      case "content_block_stop":
      case "message_stop":
        break;
      default:
        break;
    }
  }

  /**
   * input_tokens excludes the cache: the prompt is input + cache_creation + cache_read tokens
   * (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching, "Tracking cache performance").
   */
  private count(usage: {
    input_tokens?: number | null;
    output_tokens: number;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
  }): void {
    this.usage.outputTokens = usage.output_tokens;
    if (typeof usage.input_tokens !== "number") return;
    const read = usage.cache_read_input_tokens ?? 0;
    const written = usage.cache_creation_input_tokens ?? 0;
    this.usage.inputTokens = usage.input_tokens + read + written;
    this.usage.cachedInputTokens = read;
    this.usage.cacheWriteTokens = written;
  }

  result(): ChatResponse {
    const toolCalls: ToolCall[] = [...this.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, block]) => ({
        id: block.id,
        name: block.name,
        arguments: block.json.trim() === "" ? "{}" : block.json,
      }));
    return {
      text: this.text,
      toolCalls,
      usage: { ...this.usage },
      stopReason: stopReason(this.stop),
    };
  }
}

function stopReason(stop: string | null): StopReason {
  if (stop === "tool_use") return "tool_calls";
  if (stop === "end_turn" || stop === "stop_sequence") return "end";
  if (stop === "max_tokens") return "max_tokens";
  return "other";
}

/** Tells the SDK's failures apart; anything else (a bug, an error thrown by onText) passes through unchanged. */
function classify(error: unknown, sdk: typeof Anthropic, timeoutMs: number): ModelFailure | undefined {
  if (error instanceof sdk.APIUserAbortError) return { kind: "aborted" };
  if (error instanceof sdk.APIConnectionTimeoutError) return { kind: "timeout", timeoutMs };
  if (error instanceof sdk.APIConnectionError) return { kind: "connection", cause: error.cause };
  if (error instanceof sdk.APIError) {
    const detail = error.apiMessage ?? error.message;
    return typeof error.status === "number"
      ? { kind: "status", status: error.status, detail }
      : { kind: "stream", detail };
  }
  // A stream cut mid-reply surfaces as undici's plain "terminated" error with the socket error as cause.
  if (networkCode(error) !== undefined) return { kind: "connection", cause: error };
  return undefined;
}
