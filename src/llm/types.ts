/**
 * The neutral chat interface every model adapter speaks (openai, anthropic, ollama, local).
 * The agent loop knows only these types; SDK shapes stay inside the adapters.
 */

import type { ToolSpec } from "../../tools/json-schema.js";

export type { JsonSchema, ToolSpec } from "../../tools/json-schema.js";

export interface ToolCall {
  /** Provider-issued id; echoed back on the matching tool result. */
  id: string;
  name: string;
  /** Raw JSON text of the arguments as the model produced them; the loop parses and validates it. */
  arguments: string;
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string; isError?: boolean };

/**
 * Tokens of one or more model turns as the provider reported them. `inputTokens` counts every input
 * token, the cached ones included; `cachedInputTokens` are those read from the provider's prompt
 * cache (billed at a lower rate) and `cacheWriteTokens` those written to it (Anthropic bills them higher).
 */
export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0 };
}

export function addUsage(total: Usage, more: Usage): Usage {
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    cachedInputTokens: total.cachedInputTokens + more.cachedInputTokens,
    cacheWriteTokens: total.cacheWriteTokens + more.cacheWriteTokens,
    outputTokens: total.outputTokens + more.outputTokens,
  };
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  signal?: AbortSignal;
  /** Called with each streamed text delta of the assistant's reply. */
  onText?: (delta: string) => void;
  maxOutputTokens?: number;
}

export type StopReason = "end" | "tool_calls" | "max_tokens" | "other";

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  stopReason: StopReason;
}

export interface ChatModel {
  /** "provider:name", e.g. "openai:gpt-4.1" or "local:rules"; shown to the person as who answered. */
  readonly id: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
}
