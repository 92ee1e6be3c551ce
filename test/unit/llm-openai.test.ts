import { afterEach, describe, expect, it } from "vitest";
import { ModelError } from "../../src/llm/errors.js";
import { createOpenAIModel } from "../../src/llm/openai.js";
import type { ChatMessage, ToolSpec } from "../../src/llm/types.js";
import { startMockOpenAI } from "../support/mock-openai.js";
import type { ScriptedTurn } from "../support/mock-openai.js";
import { closedPort } from "../support/closed-port.js";

const fakeKey = () => "sk-test-" + "x".repeat(32);

const tools: ToolSpec[] = [
  {
    name: "apps_list",
    description: "List apps.",
    parameters: { type: "object", properties: { org: { type: "string" } }, additionalProperties: false },
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
  const mock = await startMockOpenAI({ turns });
  closers.push(mock.close);
  const model = createOpenAIModel({
    flavour: "openai",
    model: "gpt-4.1",
    baseUrl: mock.baseUrl,
    apiKey: fakeKey(),
  });
  return { mock, model };
}

describe("openai adapter", () => {
  it("streams text deltas to onText in order and maps usage", async () => {
    const { mock, model } = await mockWith([
      {
        text: "Two apps are running: web and api.",
        usage: { inputTokens: 120, cachedInputTokens: 64, outputTokens: 9 },
      },
    ]);
    const deltas: string[] = [];
    const response = await model.chat({
      messages: [
        { role: "system", content: "You answer from tool results." },
        { role: "user", content: "what apps are running?" },
      ],
      tools,
      onText: (d) => deltas.push(d),
    });

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("Two apps are running: web and api.");
    expect(response.text).toBe("Two apps are running: web and api.");
    expect(response.toolCalls).toEqual([]);
    expect(response.stopReason).toBe("end");
    expect(response.usage).toEqual({
      inputTokens: 120,
      cachedInputTokens: 64,
      cacheWriteTokens: 0,
      outputTokens: 9,
    });
    expect(model.id).toBe("openai:gpt-4.1");

    const sent = mock.requests[0];
    expect(sent?.path).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe(`Bearer ${fakeKey()}`);
    expect(sent?.body).toMatchObject({
      model: "gpt-4.1",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: "You answer from tool results." },
        { role: "user", content: "what apps are running?" },
      ],
      tools: [
        {
          type: "function",
          function: { name: "apps_list", description: "List apps.", parameters: tools[0]?.parameters },
        },
        { type: "function", function: { name: "volumes_list" } },
      ],
    });
  });

  it("assembles two parallel tool calls from streamed fragments", async () => {
    const { model } = await mockWith([
      {
        toolCalls: [
          { name: "apps_list", arguments: { org: "personal" } },
          { name: "volumes_list", arguments: { app: "web" } },
        ],
      },
    ]);
    const response = await model.chat({ messages: [{ role: "user", content: "apps and volumes?" }], tools });

    expect(response.stopReason).toBe("tool_calls");
    expect(response.toolCalls).toEqual([
      { id: "call_1_1", name: "apps_list", arguments: '{"org":"personal"}' },
      { id: "call_1_2", name: "volumes_list", arguments: '{"app":"web"}' },
    ]);
  });

  it("encodes assistant tool calls and tool results on the follow-up", async () => {
    const { mock, model } = await mockWith([{ text: "web has one unattached volume." }]);
    const messages: ChatMessage[] = [
      { role: "user", content: "unattached volumes?" },
      {
        role: "assistant",
        content: "",
        toolCalls: [
          { id: "call_a", name: "apps_list", arguments: "{}" },
          { id: "call_b", name: "volumes_list", arguments: '{"app":"web"}' },
        ],
      },
      { role: "tool", toolCallId: "call_a", name: "apps_list", content: "web" },
      {
        role: "tool",
        toolCallId: "call_b",
        name: "volumes_list",
        content: "vol_1 unattached",
        isError: false,
      },
    ];
    await model.chat({ messages, tools });

    const body = mock.requests[0]?.body;
    expect(body?.messages).toEqual([
      { role: "user", content: "unattached volumes?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "apps_list", arguments: "{}" } },
          { id: "call_b", type: "function", function: { name: "volumes_list", arguments: '{"app":"web"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "web" },
      { role: "tool", tool_call_id: "call_b", content: "vol_1 unattached" },
    ]);
  });

  it("turns a tool call without arguments into an empty object and reports truncation", async () => {
    const { model } = await mockWith([
      { text: "partial", toolCalls: [{ name: "apps_list", arguments: "" }], stop: "max_tokens" },
    ]);
    const response = await model.chat({
      messages: [{ role: "user", content: "q" }],
      tools,
      maxOutputTokens: 5,
    });
    expect(response.toolCalls).toEqual([{ id: "call_1_1", name: "apps_list", arguments: "{}" }]);
    expect(response.stopReason).toBe("max_tokens");
  });

  it("sends max_completion_tokens to OpenAI and max_tokens to compatible servers, and no empty tools array", async () => {
    const mock = await startMockOpenAI({ turns: [{ text: "a" }, { text: "b" }] });
    closers.push(mock.close);
    const openai = createOpenAIModel({
      flavour: "openai",
      model: "gpt-4.1",
      baseUrl: mock.baseUrl,
      apiKey: fakeKey(),
    });
    const ollama = createOpenAIModel({ flavour: "ollama", model: "llama3.1:8b", baseUrl: mock.baseUrl });
    await openai.chat({ messages: [{ role: "user", content: "q" }], tools: [], maxOutputTokens: 50 });
    await ollama.chat({ messages: [{ role: "user", content: "q" }], tools: [], maxOutputTokens: 50 });

    const [first, second] = mock.requests;
    expect(first?.body).toMatchObject({ max_completion_tokens: 50 });
    expect(first?.body).not.toHaveProperty("tools");
    expect(second?.body).toMatchObject({ model: "llama3.1:8b", max_tokens: 50 });
    expect(second?.headers.authorization).toBe("Bearer ollama");
    expect(ollama.id).toBe("ollama:llama3.1:8b");
  });

  it("fails with a one-line ModelError naming the URL when the server is unreachable", async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    const model = createOpenAIModel({
      flavour: "openai",
      model: "gpt-4.1",
      baseUrl,
      apiKey: fakeKey(),
      maxRetries: 0,
    });
    const error = await model
      .chat({ messages: [{ role: "user", content: "q" }], tools })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ModelError);
    const { message, hint } = error as ModelError;
    expect(message).toBe(`could not reach the model server at ${baseUrl}: connection refused`);
    expect(message).not.toContain("\n");
    expect(hint).toContain("OPENAI_BASE_URL");
  });

  it("names the key variable on 401 without echoing the key", async () => {
    const { model } = await mockWith([
      { error: { status: 401, message: `Incorrect API key provided: ${fakeKey()}`, retryable: false } },
    ]);
    const error = (await model
      .chat({ messages: [{ role: "user", content: "q" }], tools })
      .catch((e: unknown) => e)) as ModelError;

    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toContain("rejected the API key (401)");
    expect(error.hint).toContain("OPENAI_API_KEY");
    expect(`${error.message} ${error.hint}`).not.toContain(fakeKey());
  });

  it("reports rate limiting and server failures readably after retrying", async () => {
    const { mock, model } = await mockWith([
      { error: { status: 429, message: "Rate limit reached for gpt-4.1" } },
      { error: { status: 429, message: "Rate limit reached for gpt-4.1" } },
      { error: { status: 429, message: "Rate limit reached for gpt-4.1" } },
      { error: { status: 503, message: "The server is overloaded", retryable: false } },
    ]);
    const limited = (await model
      .chat({ messages: [{ role: "user", content: "q" }], tools })
      .catch((e: unknown) => e)) as ModelError;
    expect(limited).toBeInstanceOf(ModelError);
    expect(limited.message).toBe(
      `OpenAI at ${mock.baseUrl} is rate limiting requests (429): Rate limit reached for gpt-4.1`,
    );
    expect(mock.requests).toHaveLength(3);

    const failed = (await model
      .chat({ messages: [{ role: "user", content: "q" }], tools })
      .catch((e: unknown) => e)) as ModelError;
    expect(failed.message).toBe(`OpenAI at ${mock.baseUrl} failed with 503: The server is overloaded`);
  });

  it("passes an error thrown by onText through unchanged and reports a cancelled request", async () => {
    const { model } = await mockWith([{ text: "hello there" }, { text: "never read" }]);
    const boom = new Error("sink closed");
    const thrown = await model
      .chat({
        messages: [{ role: "user", content: "q" }],
        tools,
        onText: () => {
          throw boom;
        },
      })
      .catch((e: unknown) => e);
    expect(thrown).toBe(boom);

    const controller = new AbortController();
    controller.abort();
    const cancelled = await model
      .chat({ messages: [{ role: "user", content: "q" }], tools, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(cancelled).toBeInstanceOf(ModelError);
    expect((cancelled as ModelError).message).toBe("the model request was cancelled");
  });
});

describe("model errors", () => {
  it("show a base URL without the user and password it may carry", async () => {
    const port = await closedPort();
    const model = createOpenAIModel({
      flavour: "ollama",
      model: "m",
      baseUrl: `http://proxyuser:proxypass@127.0.0.1:${port}/v1`,
      maxRetries: 0,
    });
    const error = (await model
      .chat({ messages: [{ role: "user", content: "q" }], tools })
      .catch((e: unknown) => e)) as ModelError;
    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toContain(`could not reach the model server at http://127.0.0.1:${port}/v1: `);
    expect(`${error.message} ${error.hint}`).not.toContain("proxypass");
  });
});
