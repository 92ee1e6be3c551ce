import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import { startMockOpenAI } from "../support/mock-openai.js";

// The mocks must satisfy the real SDKs in both modes, since other tests and the CLI rely on them.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe("mock OpenAI server", () => {
  it("answers non-streaming requests with tool calls the SDK parses", async () => {
    const mock = await startMockOpenAI({
      turns: [
        {
          text: "checking",
          toolCalls: [{ name: "apps_list", arguments: { org: "personal" }, id: "call_x" }],
        },
      ],
    });
    closers.push(mock.close);
    const client = new OpenAI({ apiKey: "test", baseURL: mock.baseUrl, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "q" }],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBe("checking");
    expect(choice?.message.tool_calls).toEqual([
      { id: "call_x", type: "function", function: { name: "apps_list", arguments: '{"org":"personal"}' } },
    ]);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("lets a function script answer from the request it received", async () => {
    const mock = await startMockOpenAI({
      turns: (body, index) => {
        const last = body.messages[body.messages.length - 1];
        return { text: `#${index}: ${typeof last?.content === "string" ? last.content : ""}` };
      },
    });
    closers.push(mock.close);
    const client = new OpenAI({ apiKey: "test", baseURL: mock.baseUrl, maxRetries: 0 });
    const ask = async (content: string) =>
      (await client.chat.completions.create({ model: "m", messages: [{ role: "user", content }] })).choices[0]
        ?.message.content;
    expect(await ask("one")).toBe("#0: one");
    expect(await ask("two")).toBe("#1: two");
    expect(mock.requests.map((r) => r.body.messages.length)).toEqual([1, 1]);
  });

  it("fails clearly when the script runs out of turns", async () => {
    const mock = await startMockOpenAI({ turns: [] });
    closers.push(mock.close);
    const client = new OpenAI({ apiKey: "test", baseURL: mock.baseUrl, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "q" }] }),
    ).rejects.toThrow(/no scripted turn left for request 1/);
  });
});

describe("mock Anthropic server", () => {
  it("answers non-streaming requests with tool_use blocks the SDK parses", async () => {
    const mock = await startMockAnthropic({
      turns: [{ text: "checking", toolCalls: [{ name: "volumes_list", arguments: { app: "web" } }] }],
    });
    closers.push(mock.close);
    const client = new Anthropic({
      apiKey: "test",
      baseURL: mock.baseUrl,
      maxRetries: 0,
      openTelemetry: false,
    });
    const message = await client.messages.create({
      model: "claude-sonnet-5-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "q" }],
    });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([
      { type: "text", text: "checking", citations: null },
      { type: "tool_use", id: "toolu_1_1", name: "volumes_list", input: { app: "web" } },
    ]);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(mock.requests[0]?.headers["anthropic-version"]).toBeTruthy();
  });
});
