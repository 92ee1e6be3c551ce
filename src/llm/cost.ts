import { PRICES, type ModelPrice } from "./prices.js";
import type { Usage } from "./types.js";

/** An estimated cost in US dollars, with where its rates came from. */
export interface Cost {
  usd: number;
  readAt: string;
  source: string;
}

/**
 * The price row of "provider:name". A dated snapshot name (claude-sonnet-4-5-20250929,
 * gpt-4.1-2025-04-14) takes the row of its alias; any other unknown name has no price.
 */
export function priceOf(modelId: string): { price: ModelPrice; readAt: string; source: string } | undefined {
  const colon = modelId.indexOf(":");
  if (colon < 0) return undefined;
  const provider = PRICES[modelId.slice(0, colon)];
  if (!provider) return undefined;
  const name = modelId.slice(colon + 1);
  const price = provider.models[name] ?? provider.models[name.replace(/-\d{4}-?\d{2}-?\d{2}$/, "")];
  return price && { price, readAt: provider.readAt, source: provider.source };
}

/** What `usage` costs at the table's rates; undefined for a model the table does not list. */
export function estimateCost(modelId: string, usage: Usage): Cost | undefined {
  const found = priceOf(modelId);
  if (!found) return undefined;
  const { price } = found;
  const fresh = Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens);
  const perToken =
    fresh * price.input +
    usage.cachedInputTokens * price.cachedInput +
    usage.cacheWriteTokens * (price.cacheWrite ?? price.input) +
    usage.outputTokens * price.output;
  return { usd: perToken / 1_000_000, readAt: found.readAt, source: found.source };
}

/** "$0.0123" — enough digits that a single question's cost does not round to zero. */
export function formatUsd(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/** One line for --verbose: tokens always, the cost when the model has a price. */
export function usageLine(modelId: string, usage: Usage): string {
  const cost = estimateCost(modelId, usage);
  const tokens = `${usage.inputTokens} input tokens (${usage.cachedInputTokens} cached), ${usage.outputTokens} output tokens`;
  return cost
    ? `${tokens}; estimated cost ${formatUsd(cost.usd)} (prices of ${cost.readAt})`
    : `${tokens}; no price known for ${modelId}`;
}
