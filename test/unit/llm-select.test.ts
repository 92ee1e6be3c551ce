import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, UsageError } from "../../src/errors.js";
import { ModelError } from "../../src/llm/errors.js";
import { createModel, parseModelSpec, resolveModelSpec } from "../../src/llm/select.js";
import { startMockAnthropic } from "../support/mock-anthropic.js";
import { startMockOpenAI } from "../support/mock-openai.js";
import { closedPort } from "../support/closed-port.js";

const openaiKey = () => "sk-test-" + "o".repeat(32);
const anthropicKey = () => "sk-ant-test-" + "a".repeat(32);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe("resolveModelSpec", () => {
  const bothKeys = { ANTHROPIC_API_KEY: anthropicKey(), OPENAI_API_KEY: openaiKey() };

  it("prefers --model, then FLYOPS_MODEL, then the config file", () => {
    const env = { ...bothKeys, FLYOPS_MODEL: "ollama:qwen3" };
    expect(resolveModelSpec({ flag: "openai:gpt-5", env, configModel: "anthropic:claude-opus-5-5" })).toEqual(
      {
        provider: "openai",
        name: "gpt-5",
        source: "--model",
      },
    );
    expect(resolveModelSpec({ env, configModel: "anthropic:claude-opus-5-5" })).toEqual({
      provider: "ollama",
      name: "qwen3",
      source: "FLYOPS_MODEL",
    });
    expect(resolveModelSpec({ env: bothKeys, configModel: "anthropic:claude-opus-5-5" })).toEqual({
      provider: "anthropic",
      name: "claude-opus-5-5",
      source: "the config file",
    });
  });

  it("falls back to the provider whose key is set, Anthropic first, then to local", () => {
    expect(resolveModelSpec({ env: bothKeys })).toMatchObject({
      provider: "anthropic",
      source: "ANTHROPIC_API_KEY",
    });
    expect(resolveModelSpec({ env: { OPENAI_API_KEY: openaiKey() } })).toEqual({
      provider: "openai",
      name: "gpt-4.1",
      source: "OPENAI_API_KEY",
    });
    expect(resolveModelSpec({ env: {} })).toMatchObject({ provider: "local", name: "rules" });
    expect(resolveModelSpec({ env: { FLYOPS_MODEL: "  ", OPENAI_API_KEY: "" }, flag: "" })).toMatchObject({
      provider: "local",
    });
  });

  it("keeps colons in model names and accepts a bare 'local'", () => {
    expect(parseModelSpec("ollama:llama3.1:8b", "--model")).toMatchObject({
      provider: "ollama",
      name: "llama3.1:8b",
    });
    expect(parseModelSpec("local", "--model")).toMatchObject({ provider: "local", name: "rules" });
    expect(parseModelSpec(" OpenAI:gpt-4.1 ", "--model")).toMatchObject({
      provider: "openai",
      name: "gpt-4.1",
    });
  });

  it("rejects an unknown provider or a missing name with a UsageError listing the providers", () => {
    expect(() => resolveModelSpec({ flag: "gemini:pro", env: {} })).toThrow(UsageError);
    expect(() => resolveModelSpec({ flag: "gemini:pro", env: {} })).toThrow(
      /openai, anthropic, ollama, local/,
    );
    expect(() => resolveModelSpec({ env: { FLYOPS_MODEL: "gpt-4.1" } })).toThrow(
      /unknown model provider "gpt-4.1".*FLYOPS_MODEL/,
    );
    expect(() => parseModelSpec("openai:", "--model")).toThrow(/names no model/);
    expect(() => parseModelSpec("anthropic", "--model")).toThrow(UsageError);
  });
});

describe("createModel", () => {
  it("needs the provider's key, named in a ConfigError; ollama needs none", () => {
    expect(() => createModel(parseModelSpec("openai:gpt-4.1", "--model"), { env: {} })).toThrow(ConfigError);
    expect(() => createModel(parseModelSpec("openai:gpt-4.1", "--model"), { env: {} })).toThrow(
      /OPENAI_API_KEY is not set/,
    );
    expect(() =>
      createModel(parseModelSpec("anthropic:claude-sonnet-5-5", "--model"), {
        env: { OPENAI_API_KEY: openaiKey() },
      }),
    ).toThrow(/ANTHROPIC_API_KEY is not set/);
    expect(createModel(parseModelSpec("ollama:llama3.1", "--model"), { env: {} }).id).toBe("ollama:llama3.1");
  });

  it("builds the local model without any key", () => {
    expect(createModel(resolveModelSpec({ env: {} }), { env: {} }).id).toBe("local:rules");
  });

  it("points the openai adapter at OPENAI_BASE_URL from the given env only", async () => {
    const mock = await startMockOpenAI({ turns: [{ text: "hi" }] });
    closers.push(mock.close);
    const env = { OPENAI_API_KEY: openaiKey(), OPENAI_BASE_URL: mock.baseUrl };
    const model = createModel(resolveModelSpec({ env }), { env });
    expect(model.id).toBe("openai:gpt-4.1");
    expect((await model.chat({ messages: [{ role: "user", content: "q" }], tools: [] })).text).toBe("hi");
    expect(mock.requests[0]?.headers.authorization).toBe(`Bearer ${openaiKey()}`);
  });

  it("points the anthropic adapter at ANTHROPIC_BASE_URL", async () => {
    const mock = await startMockAnthropic({ turns: [{ text: "hello" }] });
    closers.push(mock.close);
    const env = { ANTHROPIC_API_KEY: anthropicKey(), ANTHROPIC_BASE_URL: mock.baseUrl };
    const model = createModel(resolveModelSpec({ env }), { env });
    expect((await model.chat({ messages: [{ role: "user", content: "q" }], tools: [] })).text).toBe("hello");
    expect(mock.requests).toHaveLength(1);
  });

  it("sends ollama to FLYOPS_MODEL_BASE_URL before OPENAI_BASE_URL, without the OpenAI key", async () => {
    const mock = await startMockOpenAI({ turns: [{ text: "local answer" }] });
    closers.push(mock.close);
    const env = {
      FLYOPS_MODEL: "ollama:llama3.1",
      FLYOPS_MODEL_BASE_URL: mock.baseUrl,
      OPENAI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`,
      OPENAI_API_KEY: openaiKey(),
    };
    const model = createModel(resolveModelSpec({ env }), { env });
    expect((await model.chat({ messages: [{ role: "user", content: "q" }], tools: [] })).text).toBe(
      "local answer",
    );
    expect(JSON.stringify(mock.requests)).not.toContain(openaiKey());
  });

  it("reports an unreachable ollama server by the URL it tried", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const env = { OPENAI_BASE_URL: url };
    const model = createModel(parseModelSpec("ollama:llama3.1", "--model"), { env, maxRetries: 0 });
    const error = (await model
      .chat({ messages: [{ role: "user", content: "q" }], tools: [] })
      .catch((e: unknown) => e)) as ModelError;
    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toBe(`could not reach the model server at ${url}: connection refused`);
    expect(error.hint).toContain("FLYOPS_MODEL_BASE_URL or OPENAI_BASE_URL");
  });
});
