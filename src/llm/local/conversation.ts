import type { ChatMessage, ToolCall } from "../types.js";
import { parseToolContent, type Json } from "./tool-result.js";

/** One tool call the model made while answering the current question, and its result if it came back. */
export interface Exchange {
  call: ToolCall;
  input: Record<string, unknown>;
  result?: { ok: boolean; value: Json; text: string };
}

export interface Conversation {
  system: string;
  /** The question being answered: the last user message. */
  question: string;
  /** Earlier user questions, oldest first; follow-ups may lean on them. */
  earlierQuestions: string[];
  /** Tool calls made since the last user message, in order. */
  exchanges: Exchange[];
  /** How many tool calls the whole conversation holds, so new call ids never collide. */
  callCount: number;
}

export function readConversation(messages: readonly ChatMessage[]): Conversation {
  let lastUser = -1;
  messages.forEach((m, i) => {
    if (m.role === "user") lastUser = i;
  });
  const system = messages
    .filter((m): m is Extract<ChatMessage, { role: "system" }> => m.role === "system")
    .map((m) => m.content)
    .join("\n");
  const users = messages.filter((m): m is Extract<ChatMessage, { role: "user" }> => m.role === "user");
  const question = lastUser >= 0 ? (messages[lastUser] as { content: string }).content : "";
  const earlierQuestions = users.slice(0, -1).map((m) => m.content);

  const exchanges: Exchange[] = [];
  const byId = new Map<string, Exchange>();
  let callCount = 0;
  messages.forEach((m, i) => {
    if (m.role === "assistant") callCount += m.toolCalls?.length ?? 0;
    if (i <= lastUser) return;
    if (m.role === "assistant") {
      for (const call of m.toolCalls ?? []) {
        const exchange: Exchange = { call, input: parseArguments(call.arguments) };
        exchanges.push(exchange);
        byId.set(call.id, exchange);
      }
    } else if (m.role === "tool") {
      const exchange = byId.get(m.toolCallId);
      if (exchange) {
        const value = parseToolContent(m.content);
        exchange.result = { ok: m.isError !== true && !looksLikeError(value), value, text: m.content };
      }
    }
  });
  return { system, question, earlierQuestions, exchanges, callCount };
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** A loop may send an error back as `{ "error": ... }` without flagging the message. */
function looksLikeError(value: Json): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.includes("error") &&
    keys.every((k) => ["error", "message", "hint", "kind", "tool", "status", "ok"].includes(k))
  );
}

/** Stable key of a call: the same tool with the same input is the same fact. */
export function callKey(name: string, input: Record<string, unknown>): string {
  return `${name} ${canonicalJson(input)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
