// InvokeResponse → Message (CONTRACT §3b): the proxy's content blocks pass through (tool names mapped
// back to the client's own, tool_use ids unchanged), DeepSeek R1's inline `<think>` becomes a `thinking`
// block, and the stop reason — which the proxy omits (PROXY.md) — is synthesised.
import { splitThinking } from "../../translation/think.ts";
import type { InvokeContentBlock, InvokeResponse } from "../../upstream/types.ts";
import type { MessagesPlan } from "./to-invoke.ts";
import type { ContentBlock, Message, StopReason, Usage } from "./types.ts";

/** Upstream stop reasons → Anthropic's (a proxy that forwards Bedrock's own would send these). */
const STOP_REASONS: Readonly<Record<string, StopReason>> = {
  end_turn: "end_turn", // Anthropic Messages, as Bedrock relays it
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_use: "tool_use",
  pause_turn: "pause_turn",
  refusal: "refusal",
  guardrail_intervened: "refusal", // Bedrock Converse (translation.md §7)
  content_filtered: "refusal", // Bedrock Converse
  model_context_window_exceeded: "max_tokens", // the answer was cut, as at max_tokens
};

function stopReason(
  answer: InvokeResponse,
  content: readonly ContentBlock[],
  plan: MessagesPlan,
): StopReason {
  if (content.some((b) => b.type === "tool_use")) return "tool_use";
  const upstream = (answer.metadata as Record<string, unknown>).stop_reason;
  if (typeof upstream === "string" && Object.hasOwn(STOP_REASONS, upstream))
    return STOP_REASONS[upstream] ?? "end_turn";
  return answer.usage.output_tokens >= plan.maxTokens ? "max_tokens" : "end_turn";
}

function toBlocks(block: InvokeContentBlock, plan: MessagesPlan): ContentBlock[] {
  if (block.type === "tool_use") return [{ ...block, name: plan.toolNames[block.name] ?? block.name }];
  if (block.type !== "text") return [];
  if (!plan.model.family.inlineReasoning && !/^\s*<think>/.test(block.text))
    return block.text === "" ? [] : [block];
  const { content, reasoning } = splitThinking(block.text);
  const out: ContentBlock[] = [];
  // No signature: the proxy's reasoning is not Anthropic-signed (clients drop it from later turns anyway).
  if (reasoning !== undefined && reasoning !== "")
    out.push({ type: "thinking", thinking: reasoning, signature: "" });
  if (content !== "") out.push({ type: "text", text: content });
  return out;
}

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

export function toUsage(answer: InvokeResponse): Usage {
  const u = answer.usage as unknown as Record<string, unknown>;
  return {
    input_tokens: count(u.input_tokens),
    output_tokens: count(u.output_tokens),
    cache_creation_input_tokens: count(u.cache_creation_input_tokens),
    cache_read_input_tokens: count(u.cache_read_input_tokens),
  };
}

export function toMessage(answer: InvokeResponse, plan: MessagesPlan, id: string): Message {
  const content = answer.content.flatMap((b) => toBlocks(b, plan));
  const metadataStop = (answer.metadata as Record<string, unknown>).stop_sequence;
  const reason = stopReason(answer, content, plan);
  return {
    id,
    type: "message",
    role: "assistant",
    model: plan.requestedModel,
    content,
    stop_reason: reason,
    stop_sequence: reason === "stop_sequence" && typeof metadataStop === "string" ? metadataStop : null,
    usage: toUsage(answer),
    bedrock: answer.metadata,
  };
}
