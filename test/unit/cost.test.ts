import { describe, expect, it } from "vitest";
import { estimateCost, usageLine } from "../../src/llm/cost.js";
import { PRICES } from "../../src/llm/prices.js";

const usage = { inputTokens: 10_000, cachedInputTokens: 4_000, cacheWriteTokens: 1_000, outputTokens: 500 };

describe("estimated cost", () => {
  it("prices fresh, cached, cache-written and output tokens at the table's rates", () => {
    const row = PRICES.anthropic?.models["claude-sonnet-4-6"];
    if (!row?.cacheWrite) throw new Error("claude-sonnet-4-6 has no row");
    const expected =
      (5_000 * row.input + 4_000 * row.cachedInput + 1_000 * row.cacheWrite + 500 * row.output) / 1e6;
    expect(estimateCost("anthropic:claude-sonnet-4-6", usage)?.usd).toBeCloseTo(expected, 12);
  });

  it("takes a dated snapshot name at its alias's price", () => {
    expect(estimateCost("openai:gpt-4.1-2025-04-14", usage)).toEqual(estimateCost("openai:gpt-4.1", usage));
  });

  it("has no cost for a model or provider the table does not list, and says so", () => {
    expect(estimateCost("openai:gpt-imaginary", usage)).toBeUndefined();
    expect(estimateCost("ollama:llama3.1", usage)).toBeUndefined();
    expect(usageLine("ollama:llama3.1", usage)).toBe(
      "10000 input tokens (4000 cached), 500 output tokens; no price known for ollama:llama3.1",
    );
  });

  it("dates every provider's rates and names their source", () => {
    for (const provider of Object.values(PRICES)) {
      expect(provider.readAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(provider.source).not.toBe("");
    }
  });
});
