/**
 * A loopback server speaking the Anthropic Messages API (POST /v1/messages), streaming (SSE events
 * message_start … message_stop) and not, with tool_use blocks. It replays scripted turns and records
 * every request so tests can assert on exactly what the real `@anthropic-ai/sdk` sent.
 *
 *   const mock = await startMockAnthropic({ turns: [{ toolCalls: [{ name: "apps_list", arguments: {} }] }, { text: "Done." }] });
 *   // FLYOPS_MODEL=anthropic:claude-sonnet-5-5 ANTHROPIC_BASE_URL=mock.baseUrl ANTHROPIC_API_KEY=<any>
 *   mock.requests[1].body.messages  // ends with a user message of tool_result blocks
 */
import type { ServerResponse } from "node:http";
import type { MessageCreateParams } from "@anthropic-ai/sdk/resources/messages";
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

export type AnthropicRequestBody = MessageCreateParams;

export interface MockAnthropicOptions {
  turns: TurnScript<AnthropicRequestBody>;
}

export async function startMockAnthropic({
  turns,
}: MockAnthropicOptions): Promise<MockModelServer<AnthropicRequestBody>> {
  let served = 0;
  const server = await startRecordingServer<AnthropicRequestBody>((req, res, rawBody, body) => {
    if (req.method !== "POST" || req.url?.split("?")[0] !== "/v1/messages") {
      sendJson(res, 404, errorBody(404, `mock anthropic: no route ${req.method} ${req.url}`));
      return;
    }
    const index = served++;
    const turn = pickTurn(turns, body, index);
    if (turn.error) {
      sendJson(res, turn.error.status, errorBody(turn.error.status, turn.error.message), {
        ...errorHeaders(turn),
        "request-id": `req_mock_${index + 1}`,
      });
      return;
    }
    const reply = new Reply(turn, body, rawBody, index);
    if (body.stream) reply.stream(res);
    else sendJson(res, 200, reply.message(), { "request-id": `req_mock_${index + 1}` });
  });
  return { baseUrl: server.origin, requests: server.requests, close: server.close };
}

type Block =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown; json: string };

class Reply {
  private readonly id: string;
  private readonly usage: ReturnType<typeof defaultUsage>;

  constructor(
    private readonly turn: ScriptedTurn,
    private readonly body: AnthropicRequestBody,
    rawBody: string,
    private readonly index: number,
  ) {
    this.id = `msg_mock_${index + 1}`;
    this.usage = defaultUsage(rawBody, turn);
  }

  private get stopReason(): "end_turn" | "max_tokens" | "tool_use" {
    if (this.turn.stop === "max_tokens") return "max_tokens";
    return (this.turn.toolCalls ?? []).length > 0 ? "tool_use" : "end_turn";
  }

  private get blocks(): Block[] {
    const blocks: Block[] = [];
    if (this.turn.text) blocks.push({ type: "text", text: this.turn.text });
    (this.turn.toolCalls ?? []).forEach((call, n) => {
      const json = argumentsJson(call);
      blocks.push({
        type: "tool_use",
        id: call.id ?? `toolu_${this.index + 1}_${n + 1}`,
        name: call.name,
        input: safeParse(json),
        json,
      });
    });
    return blocks;
  }

  private envelope(
    content: unknown[],
    stopReason: string | null,
    outputTokens: number,
  ): Record<string, unknown> {
    return {
      id: this.id,
      type: "message",
      role: "assistant",
      model: this.body.model,
      content,
      container: null,
      diagnostics: null,
      stop_details: null,
      stop_reason: stopReason,
      stop_sequence: null,
      // input_tokens counts only what came after the last cache breakpoint.
      usage: {
        input_tokens: this.usage.inputTokens - this.usage.cachedInputTokens - this.usage.cacheWriteTokens,
        output_tokens: outputTokens,
        cache_creation_input_tokens: this.usage.cacheWriteTokens,
        cache_read_input_tokens: this.usage.cachedInputTokens,
        cache_creation: null,
        inference_geo: null,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: "standard",
        speed: null,
      },
    };
  }

  message(): unknown {
    const content = this.blocks.map((b) =>
      b.type === "text"
        ? { type: "text", text: b.text, citations: null }
        : { type: b.type, id: b.id, name: b.name, input: b.input },
    );
    return this.envelope(content, this.stopReason, this.usage.outputTokens);
  }

  stream(res: ServerResponse): void {
    const sse = startSse(res);
    const send = (data: { type: string } & Record<string, unknown>) => sse.event(data.type, data);
    send({ type: "message_start", message: this.envelope([], null, 1) });
    sse.event("ping", { type: "ping" });
    this.blocks.forEach((block, index) => {
      if (block.type === "text") {
        send({
          type: "content_block_start",
          index,
          content_block: { type: "text", text: "", citations: null },
        });
        for (const text of textPieces(block.text)) {
          send({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
        }
      } else {
        send({
          type: "content_block_start",
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        });
        for (const partial_json of halves(block.json)) {
          send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
        }
      }
      send({ type: "content_block_stop", index });
    });
    send({
      type: "message_delta",
      delta: { stop_reason: this.stopReason, stop_sequence: null, stop_details: null, container: null },
      // As in the streaming example of Anthropic's docs: the delta carries the cumulative output count only.
      usage: { output_tokens: this.usage.outputTokens },
    });
    send({ type: "message_stop" });
    sse.end();
  }
}

function errorBody(status: number, message: string): unknown {
  const type =
    status === 401
      ? "authentication_error"
      : status === 403
        ? "permission_error"
        : status === 404
          ? "not_found_error"
          : status === 429
            ? "rate_limit_error"
            : status === 529
              ? "overloaded_error"
              : status >= 500
                ? "api_error"
                : "invalid_request_error";
  return { type: "error", error: { type, message } };
}

function safeParse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return {};
  }
}
