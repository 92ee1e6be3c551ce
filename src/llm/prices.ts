/**
 * The price table: US dollars per million tokens, per provider and model, as each provider's
 * price page showed them on the date given. This file is data only; src/llm/cost.ts reads it.
 * A model not listed here is shown with its tokens and no cost. To update: read the page at
 * `source`, change the rows and `readAt` together.
 *
 * `cachedInput` is the rate of prompt-cache hits; `cacheWrite` (Anthropic) that of 5-minute cache writes.
 */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  cacheWrite?: number;
  output: number;
}

export interface ProviderPrices {
  /** The day the rates below were read from `source`. */
  readAt: string;
  source: string;
  models: Readonly<Record<string, ModelPrice>>;
}

export const PRICES: Readonly<Record<string, ProviderPrices>> = {
  openai: {
    readAt: "2026-12-07",
    source: "https://platform.openai.com/docs/pricing",
    models: {
      "gpt-4.1": { input: 2.0, cachedInput: 0.5, output: 8.0 },
      "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
      "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
      "gpt-5.5": { input: 5.0, cachedInput: 0.5, output: 30.0 },
      "gpt-5.4": { input: 2.5, cachedInput: 0.25, output: 15.0 },
      "gpt-5.4-mini": { input: 0.75, cachedInput: 0.075, output: 4.5 },
      "gpt-5.4-nano": { input: 0.2, cachedInput: 0.02, output: 1.25 },
    },
  },
  anthropic: {
    readAt: "2026-12-07",
    source: "https://platform.claude.com/docs/en/about-claude/pricing",
    models: {
      "claude-opus-4-5": { input: 5, cacheWrite: 6.25, cachedInput: 0.5, output: 25 },
      "claude-opus-4-6": { input: 5, cacheWrite: 6.25, cachedInput: 0.5, output: 25 },
      "claude-opus-4-7": { input: 5, cacheWrite: 6.25, cachedInput: 0.5, output: 25 },
      "claude-opus-4-1": { input: 15, cacheWrite: 18.75, cachedInput: 1.5, output: 75 },
      "claude-sonnet-4-6": { input: 3, cacheWrite: 3.75, cachedInput: 0.3, output: 15 },
      "claude-sonnet-4-5": { input: 3, cacheWrite: 3.75, cachedInput: 0.3, output: 15 },
      "claude-sonnet-4-0": { input: 3, cacheWrite: 3.75, cachedInput: 0.3, output: 15 },
      "claude-haiku-4-5": { input: 1, cacheWrite: 1.25, cachedInput: 0.1, output: 5 },
      "claude-3-5-haiku-latest": { input: 0.8, cacheWrite: 1, cachedInput: 0.08, output: 4 },
    },
  },
  // The built-in model runs in this process: it costs nothing and reports no tokens.
  local: {
    readAt: "2026-12-07",
    source: "src/llm/local (no provider)",
    models: { rules: { input: 0, cachedInput: 0, output: 0 } },
  },
};
