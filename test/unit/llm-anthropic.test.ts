import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicModel, toAnthropicMessages } from "../../src/llm/anthropic.js";
import { ModelError } from "../../src/llm/errors.js";
import type { ChatMessage, ToolSpec } from "../../src/llm/types.js";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import type { ScriptedTurn } from "../support/mock-anthropic.js";
import { closedPort } from "../support/closed-port.js";

const fakeKey = () => "sk-ant-test-" + "x".repeat(32);

const tools: ToolSpec[] = [
  {
    name: "machines_list",
    description: "List machines of an app.",
    parameters: { type: "object", properties: { app: { type: "string" } }, required: ["app"] },
  },
  {
    name: "volumes_list",
    description: "List volumes of an app.",
    parameters: { type: "object", properties: { app: { type: "string" } }, required: ["app"] },
  },
];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function mockWith(turns: ScriptedTurn[]) {
  const mock = await startMockAnthropic({ turns });
  closers.push(mock.close);
  const model = createAnthropicModel({
    model: "claude-sonnet-5-5",
    baseUrl: mock.baseUrl,
    apiKey: fakeKey(),
  });
  return { mock, model };
}

describe("anthropic adapter", () => {
  it("streams text deltas to onText in order, sends system separately, and maps usage", async () => {
    const { mock, model } = await mockWith([
      {
        text: "The largest machine is 148e4d55 with 2048 MB.",
        usage: { inputTokens: 300, cachedInputTokens: 200, cacheWriteTokens: 50, outputTokens: 14 },
      },
    ]);
    const deltas: string[] = [];
    const response = await model.chat({
      messages: [
        { role: "system", content: "Answer only from tool results." },
        { role: "user", content: "which machine uses the most memory?" },
      ],
      tools,
      onText: (d) => deltas.push(d),
    });

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("The largest machine is 148e4d55 with 2048 MB.");
    expect(response).toMatchObject({
      text: "The largest machine is 148e4d55 with 2048 MB.",
      toolCalls: [],
      stopReason: "end",
      usage: { inputTokens: 300, cachedInputTokens: 200, cacheWriteTokens: 50, outputTokens: 14 },
    });
    expect(model.id).toBe("anthropic:claude-sonnet-5-5");

    const sent = mock.requests[0];
    expect(sent?.path).toBe("/v1/messages");
    expect(sent?.body).toEqual({
      model: "claude-sonnet-5-5",
      max_tokens: 4096,
      stream: true,
      system: "Answer only from tool results.",
      messages: [{ role: "user", content: "which machine uses the most memory?" }],
      tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })),
    });
    expect(JSON.stringify(sent?.headers)).toContain(fakeKey());
  });

  it("assembles two parallel tool_use blocks from input_json_delta fragments", async () => {
    const { model } = await mockWith([
      {
        text: "Let me look.",
        toolCalls: [
          { name: "machines_list", arguments: { app: "web" } },
          { name: "volumes_list", arguments: { app: "web" } },
        ],
      },
    ]);
    const response = await model.chat({ messages: [{ role: "user", content: "web?" }], tools });

    expect(response.stopReason).toBe("tool_calls");
    expect(response.text).toBe("Let me look.");
    expect(response.toolCalls).toEqual([
      { id: "toolu_1_1", name: "machines_list", arguments: '{"app":"web"}' },
      { id: "toolu_1_2", name: "volumes_list", arguments: '{"app":"web"}' },
    ]);
  });

  it("sends tool_use blocks and merges consecutive tool results into one user message", async () => {
    const { mock, model } = await mockWith([{ text: "Done." }]);
    const messages: ChatMessage[] = [
      { role: "system", content: "s1" },
      { role: "user", content: "web?" },
      {
        role: "assistant",
        content: "Let me look.",
        toolCalls: [
          { id: "toolu_a", name: "machines_list", arguments: '{"app":"web"}' },
          { id: "toolu_b", name: "volumes_list", arguments: '{"app":"web"}' },
        ],
      },
      { role: "tool", toolCallId: "toolu_a", name: "machines_list", content: "m1 started" },
      { role: "tool", toolCallId: "toolu_b", name: "volumes_list", content: "app not found", isError: true },
    ];
    await model.chat({ messages, tools });

    expect(mock.requests[0]?.body.messages).toEqual([
      { role: "user", content: "web?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool_use", id: "toolu_a", name: "machines_list", input: { app: "web" } },
          { type: "tool_use", id: "toolu_b", name: "volumes_list", input: { app: "web" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_a", content: "m1 started" },
          { type: "tool_result", tool_use_id: "toolu_b", content: "app not found", is_error: true },
        ],
      },
    ]);
  });

  it("joins system messages, drops empty assistant turns, and keeps a user note after tool results together", () => {
    const { system, messages } = toAnthropicMessages([
      { role: "system", content: "a" },
      { role: "user", content: "q1" },
      { role: "assistant", content: "" },
      { role: "system", content: "b" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "t1", name: "machines_list", arguments: "not json" }],
      },
      { role: "tool", toolCallId: "t1", name: "machines_list", content: "bad arguments" },
      { role: "user", content: "note" },
    ]);
    expect(system).toBe("a\n\nb");
    expect(messages).toEqual([
      { role: "user", content: "q1" },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "machines_list", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: "bad arguments" },
          { type: "text", text: "note" },
        ],
      },
    ]);
  });

  it("fails with a one-line ModelError naming the URL when the server is unreachable", async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const model = createAnthropicModel({
      model: "claude-sonnet-5-5",
      baseUrl,
      apiKey: fakeKey(),
      maxRetries: 0,
    });
    const error = (await model
      .chat({ messages: [{ role: "user", content: "q" }], tools })
      .catch((e: unknown) => e)) as ModelError;

    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toBe(`could not reach the model server at ${baseUrl}: connection refused`);
    expect(error.hint).toContain("ANTHROPIC_BASE_URL");
  });

  it("names ANTHROPIC_API_KEY on 401 and reports overload readably", async () => {
    const { mock, model } = await mockWith([
      { error: { status: 401, message: "invalid x-api-key", retryable: false } },
      { error: { status: 529, message: "Overloaded", retryable: false } },
    ]);
    const denied = (await model
      .chat({ messages: [{ role: "user", content: "q" }], tools })
      .catch((e: unknown) => e)) as ModelError;
    expect(denied).toBeInstanceOf(ModelError);
    expect(denied.message).toBe(`Anthropic at ${mock.baseUrl} rejected the API key (401)`);
    expect(denied.hint).toContain("ANTHROPIC_API_KEY");

    const overloaded = (await model
      .chat({ messages: [{ role: "user", content: "q" }], tools })
      .catch((e: unknown) => e)) as ModelError;
    expect(overloaded.message).toBe(`Anthropic at ${mock.baseUrl} failed with 529: Overloaded`);
  });
});
