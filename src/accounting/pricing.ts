// Cost arithmetic exactly as the proxy does it (PROXY.md "Cost and quota arithmetic").
import type { ModelInfo } from "../models/catalog.ts";

/** Unrounded USD cost of one call: tokens × on-demand list price per token. */
export function llmCost(model: ModelInfo, inputTokens: number, outputTokens: number): number {
  return (
    inputTokens * (model.inputUsdPerMtok / 1_000_000) + outputTokens * (model.outputUsdPerMtok / 1_000_000)
  );
}

/** `metadata.cost_usd` is the cost rounded to 6 decimals (Claude 3 Haiku, 14 in / 5 out → 1e-05). */
export function roundCost(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
