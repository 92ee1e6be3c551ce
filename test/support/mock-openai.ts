/**
 * A loopback server speaking OpenAI Chat Completions (POST /v1/chat/completions), streaming (SSE,
 * with `stream_options.include_usage`) and not, with parallel tool calls. It replays scripted turns
 * and records every request so tests can assert on exactly what the real `openai` SDK sent.
 *
 *   const mock = await startMockOpenAI({ turns: [{ toolCalls: [{ name: "apps_list", arguments: {} }] }, { text: "Done." }] });
 *   // FLYOPS_MODEL=openai:gpt-4.1 OPENAI_BASE_URL=mock.baseUrl OPENAI_API_KEY=<any>
 *   mock.requests[1].body.messages  // includes the tool result
 */
import type { ServerResponse } from "node:http";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import {
  argumentsJson,
  defaultUsage,
  errorHeaders,
  halves,
  pickTurn,
  sendJson,
  startRecordingServer,
  startSse,
  textPieces,
} from "./mock-model-turns.js";
import type { MockModelServer, ScriptedTurn, TurnScript } from "./mock-model-turns.js";

export type { ScriptedTurn, ScriptedToolCall, RecordedModelRequest } from "./mock-model-turns.js";

export type OpenAIRequestBody = ChatCompletionCreateParams;

export interface MockOpenAIOptions {
  turns: TurnScript<OpenAIRequestBody>;
}

export async function startMockOpenAI({
  turns,
}: MockOpenAIOptions): Promise<MockModelServer<OpenAIRequestBody>> {
  let served = 0;
  const server = await startRecordingServer<OpenAIRequestBody>((req, res, rawBody, body) => {
    if (req.method !== "POST" || req.url?.split("?")[0] !== "/v1/chat/completions") {
      sendJson(res, 404, {
        error: { message: `mock openai: no route ${req.method} ${req.url}`, type: "invalid_request_error" },
      });
      return;
    }
    const index = served++;
    const turn = pickTurn(turns, body, index);
    if (turn.error) {
      sendJson(
        res,
        turn.error.status,
        {
          error: { message: turn.error.message, type: errorType(turn.error.status), param: null, code: null },
        },
        errorHeaders(turn),
      );
      return;
    }
    const reply = new Reply(turn, body, rawBody, index);
    if (body.stream) reply.stream(res, body.stream_options?.include_usage === true);
    else sendJson(res, 200, reply.completion());
  });
  return { baseUrl: `${server.origin}/v1`, requests: server.requests, close: server.close };
}

class Reply {
  private readonly id: string;
  private readonly created = 1_763_800_000;
  private readonly usage: Record<string, unknown>;

  constructor(
    private readonly turn: ScriptedTurn,
    private readonly body: OpenAIRequestBody,
    rawBody: string,
    private readonly index: number,
  ) {
    this.id = `chatcmpl-mock-${index + 1}`;
    const usage = defaultUsage(rawBody, turn);
    // CompletionUsage as the API sends it: prompt_tokens includes the cached ones.
    this.usage = {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
      prompt_tokens_details: { cached_tokens: usage.cachedInputTokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    };
  }

  private get finishReason(): "stop" | "length" | "tool_calls" {
    if (this.turn.stop === "max_tokens") return "length";
    return this.toolCalls.length > 0 ? "tool_calls" : "stop";
  }

  private get toolCalls(): { id: string; name: string; arguments: string }[] {
    return (this.turn.toolCalls ?? []).map((call, n) => ({
      id: call.id ?? `call_${this.index + 1}_${n + 1}`,
      name: call.name,
      arguments: argumentsJson(call),
    }));
  }

  completion(): unknown {
    const calls = this.toolCalls;
    return {
      id: this.id,
      object: "chat.completion",
      created: this.created,
      model: this.body.model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: this.turn.text ?? null,
            refusal: null,
            ...(calls.length > 0
              ? {
                  tool_calls: calls.map((c) => ({
                    id: c.id,
                    type: "function",
                    function: { name: c.name, arguments: c.arguments },
                  })),
                }
              : {}),
          },
          logprobs: null,
          finish_reason: this.finishReason,
        },
      ],
      usage: this.usage,
    };
  }

  stream(res: ServerResponse, includeUsage: boolean): void {
    const sse = startSse(res);
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      sse.event(undefined, {
        id: this.id,
        object: "chat.completion.chunk",
        created: this.created,
        model: this.body.model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      });
    chunk({ role: "assistant", content: "", refusal: null });
    for (const piece of textPieces(this.turn.text ?? "")) chunk({ content: piece });
    this.toolCalls.forEach((call, n) => {
      chunk({
        tool_calls: [
          { index: n, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
        ],
      });
      for (const part of halves(call.arguments))
        chunk({ tool_calls: [{ index: n, function: { arguments: part } }] });
    });
    chunk({}, this.finishReason);
    if (includeUsage) {
      sse.event(undefined, {
        id: this.id,
        object: "chat.completion.chunk",
        created: this.created,
        model: this.body.model,
        choices: [],
        usage: this.usage,
      });
    }
    sse.raw("data: [DONE]");
    sse.end();
  }
}

function errorType(status: number): string {
  if (status === 401) return "invalid_api_key";
  if (status === 429) return "rate_limit_exceeded";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}
