import type OpenAI from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { modelError, networkCode } from "./errors.js";
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from "./request-defaults.js";
import type { ModelEndpoint, ModelFailure } from "./errors.js";
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

export interface OpenAIModelOptions {
  /** "openai" for api.openai.com (or a proxy); "ollama" for any OpenAI-compatible server. */
  flavour: "openai" | "ollama";
  model: string;
  baseUrl: string;
  /** Optional for "ollama": local servers take no key. */
  apiKey?: string | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/** Chat Completions with tools and streaming, through the `openai` SDK. */
export function createOpenAIModel(options: OpenAIModelOptions): ChatModel {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ollama = options.flavour === "ollama";
  const endpoint: ModelEndpoint = {
    label: ollama ? "the OpenAI-compatible server" : "OpenAI",
    baseUrl: options.baseUrl,
    baseUrlVariables: ollama ? ["FLYOPS_MODEL_BASE_URL", "OPENAI_BASE_URL"] : ["OPENAI_BASE_URL"],
    keyVariable: ollama ? "FLYOPS_MODEL_API_KEY" : "OPENAI_API_KEY",
    apiKey: options.apiKey,
  };
  // The SDK loads on first use, so commands that never reach a remote model do not pay for it.
  let sdk: Promise<{ OpenAI: typeof OpenAI; client: OpenAI }> | undefined;
  const loadSdk = () =>
    (sdk ??= import("openai").then(({ default: OpenAI }) => ({
      OpenAI,
      // Every setting is passed explicitly so nothing is read from the ambient process environment.
      client: new OpenAI({
        apiKey: options.apiKey ?? "ollama",
        baseURL: options.baseUrl,
        organization: null,
        project: null,
        adminAPIKey: null,
        webhookSecret: null,
        timeout: timeoutMs,
        maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
        logLevel: "off",
      }),
    })));

  return {
    id: `${options.flavour}:${options.model}`,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const params: ChatCompletionCreateParamsStreaming = {
        model: options.model,
        messages: request.messages.map(toOpenAIMessage),
        stream: true,
        stream_options: { include_usage: true },
        // Some OpenAI-compatible servers reject an empty tools array.
        ...(request.tools.length > 0 ? { tools: request.tools.map(toOpenAITool) } : {}),
        ...(request.maxOutputTokens === undefined
          ? {}
          : ollama
            ? { max_tokens: request.maxOutputTokens }
            : { max_completion_tokens: request.maxOutputTokens }),
      };
      const { OpenAI, client } = await loadSdk();
      try {
        const stream = await client.chat.completions.create(params, { signal: request.signal });
        const assembler = new StreamAssembler(request.onText);
        for await (const chunk of stream) assembler.add(chunk);
        return assembler.result();
      } catch (error) {
        const failure = classify(error, OpenAI, timeoutMs);
        throw failure ? modelError(failure, endpoint, error) : error;
      }
    },
  };
}

function toOpenAITool(tool: ToolSpec): ChatCompletionTool {
  return {
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

export function toOpenAIMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case "system":
    case "user":
      return { role: message.role, content: message.content };
    case "assistant": {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: "assistant", content: message.content };
      return {
        role: "assistant",
        content: message.content === "" ? null : message.content,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
}

/** Joins streamed deltas: text in arrival order, tool-call fragments by their `index`. */
class StreamAssembler {
  private text = "";
  private readonly calls: { id: string; name: string; arguments: string }[] = [];
  private finish: string | null = null;
  private usage = emptyUsage();

  constructor(private readonly onText: ((delta: string) => void) | undefined) {}

  add(chunk: ChatCompletionChunk): void {
    // With stream_options.include_usage the last chunk carries the usage and no choices; prompt_tokens
    // includes the cached ones (https://platform.openai.com/docs/guides/prompt-caching).
    if (chunk.usage) {
      this.usage = {
        inputTokens: chunk.usage.prompt_tokens,
        cachedInputTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
        cacheWriteTokens: 0,
        outputTokens: chunk.usage.completion_tokens,
      };
    }
    const choice = chunk.choices[0];
    if (!choice) return;
    const content = choice.delta.content;
    if (content) {
      this.text += content;
      this.onText?.(content);
    }
    choice.delta.tool_calls?.forEach((delta, position) => {
      const slot = this.slotFor(delta.index, delta.id, position);
      if (delta.id) slot.id = delta.id;
      if (delta.function?.name) slot.name += delta.function.name;
      if (delta.function?.arguments) slot.arguments += delta.function.arguments;
    });
    if (choice.finish_reason) this.finish = choice.finish_reason;
  }

  private slotFor(index: number | undefined, id: string | undefined, position: number) {
    // Servers that omit `index` (some OpenAI-compatible ones) send each call whole, one per array entry.
    const key =
      index ?? (id === undefined ? Math.max(0, this.calls.length - 1) : this.calls.length + position);
    let slot = this.calls[key];
    if (!slot) {
      slot = { id: "", name: "", arguments: "" };
      this.calls[key] = slot;
    }
    return slot;
  }

  result(): ChatResponse {
    const toolCalls: ToolCall[] = this.calls
      .filter((call) => call !== undefined && call.name !== "")
      .map((call, n) => ({
        id: call.id || `call_${n + 1}`,
        name: call.name,
        arguments: call.arguments.trim() === "" ? "{}" : call.arguments,
      }));
    return { text: this.text, toolCalls, usage: this.usage, stopReason: stopReason(this.finish, toolCalls) };
  }
}

function stopReason(finish: string | null, toolCalls: ToolCall[]): StopReason {
  if (finish === "tool_calls" || (toolCalls.length > 0 && finish !== "length")) return "tool_calls";
  if (finish === "stop") return "end";
  if (finish === "length") return "max_tokens";
  return "other";
}

/** Tells the SDK's failures apart; anything else (a bug, an error thrown by onText) passes through unchanged. */
function classify(error: unknown, sdk: typeof OpenAI, timeoutMs: number): ModelFailure | undefined {
  if (error instanceof sdk.APIUserAbortError) return { kind: "aborted" };
  if (error instanceof sdk.APIConnectionTimeoutError) return { kind: "timeout", timeoutMs };
  if (error instanceof sdk.APIConnectionError) return { kind: "connection", cause: error.cause };
  if (error instanceof sdk.APIError) {
    const detail = apiMessage(error.error) ?? error.message;
    return typeof error.status === "number"
      ? { kind: "status", status: error.status, detail }
      : { kind: "stream", detail };
  }
  // A stream cut mid-reply surfaces as undici's plain "terminated" error with the socket error as cause.
  if (networkCode(error) !== undefined) return { kind: "connection", cause: error };
  return undefined;
}

function apiMessage(body: unknown): string | undefined {
  if (typeof body === "object" && body !== null) {
    const message = (body as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  return undefined;
}
