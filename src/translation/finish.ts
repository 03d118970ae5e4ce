// Upstream stop reasons → OpenAI finish_reason (translation.md §7). The proxy omits `stop_reason`
// (PROXY.md), so the reason is normally synthesised from the answer; the table serves a proxy that adds it.
import type { FinishReason } from "../openai/types.ts";

export const STOP_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: "stop", // LiteLLM-FR, PK-FR, BAG
  stop_sequence: "stop", // all
  max_tokens: "length", // all
  tool_use: "tool_calls", // all
  pause_turn: "stop", // PK-FR
  refusal: "content_filter", // LiteLLM-FR
  guardrail_intervened: "content_filter", // LiteLLM-FR, PK-FR, BAG (Converse)
  content_filtered: "content_filter", // LiteLLM-FR, PK-FR, BAG (Converse)
  model_context_window_exceeded: "length", // translation.md §7 recommendation
};

export function finishReason(answer: {
  stopReason?: unknown;
  toolCalls: number;
  outputTokens: number;
  maxTokens: number;
}): FinishReason {
  if (answer.toolCalls > 0) return "tool_calls";
  if (typeof answer.stopReason === "string" && Object.hasOwn(STOP_REASONS, answer.stopReason)) {
    return STOP_REASONS[answer.stopReason] ?? "stop";
  }
  return answer.outputTokens >= answer.maxTokens ? "length" : "stop";
}
