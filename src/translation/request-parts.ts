// The face-neutral parts of an invoke request, shared by every face that translates into one: the
// sampling keys a family takes, a tool definition as Bedrock takes it, how user text and tool results
// may share a turn, and how a conversation opens (a user turn first, the system prompt folded or
// top-level). Pure, like the rest of translation/.
import type { ModelInfo } from "../models/catalog.ts";
import type { FamilyId } from "../models/families.ts";
import { invalidRequest } from "../shared/errors.ts";
import type { InvokeContentBlock, InvokeRequest, InvokeTool } from "../upstream/types.ts";
import { toInvokeMessage, type Turn } from "./messages.ts";
import { sanitizeToolName } from "./tool-ids.ts";

/** `translation.system_prompt`: fold into the first user turn, or top-level `system` (Claude only). */
export type SystemPromptPlacement = "fold" | "top_level";

/** Families whose upstream accepts user text and tool results in one turn (translation.md §1.4). */
export const MIXES_TOOL_RESULTS_AND_TEXT: Readonly<Record<FamilyId, boolean>> = {
  "anthropic-claude": true, // Anthropic Messages: tool_results first, then text, one turn
  "amazon-nova": false, // Converse-backed: "Conversation blocks and tool result blocks cannot be provided in the same turn"
  "meta-llama": false, // same Bedrock rule (strands-agents issue #1223)
  mistral: false,
  deepseek: false,
};

/** Claude 4.5+ rejects temperature and top_p together (BAG TEMPERATURE_TOPP_CONFLICT_MODELS). */
const TEMPERATURE_TOP_P_CONFLICT = /claude-(?:sonnet|haiku|opus)-4-[5-9]/;

/** Sampling keys as a face received them (already in Bedrock's ranges). */
export interface Sampling {
  temperature?: number | undefined;
  top_p?: number | undefined;
  top_k?: number | undefined;
  stop_sequences?: string[] | undefined;
}

/** The sampling keys the model's family accepts (translation.md §6, §11); the others are left out. */
export function familySampling(asked: Sampling, model: ModelInfo): Partial<InvokeRequest> {
  const keys = new Set(model.family.samplingKeys);
  const out: Partial<InvokeRequest> = {};
  if (asked.temperature !== undefined && keys.has("temperature")) out.temperature = asked.temperature;
  if (asked.top_p !== undefined && keys.has("top_p")) {
    if (!(out.temperature !== undefined && TEMPERATURE_TOP_P_CONFLICT.test(model.id)))
      out.top_p = asked.top_p;
  }
  if (asked.top_k !== undefined && keys.has("top_k")) out.top_k = asked.top_k;
  if (asked.stop_sequences !== undefined && keys.has("stop_sequences"))
    out.stop_sequences = asked.stop_sequences;
  return out;
}

/** A tool definition as Bedrock takes it, from any face's name, description and JSON schema. */
export function invokeTool(
  name: string,
  description: string | undefined,
  parameters: Record<string, unknown> | undefined,
): InvokeTool {
  const { $schema: _ignored, ...schema } = parameters ?? { type: "object", properties: {} };
  return {
    name: sanitizeToolName(name),
    // Bedrock rejects an empty description; LiteLLM sends the name instead (translation.md §12 #2).
    description: description?.trim() ? description : name,
    // OpenAI takes `parameters: {}` (no arguments); Bedrock needs `input_schema.type: "object"`.
    input_schema: schema.type === undefined ? { type: "object", ...schema } : schema,
  };
}

/**
 * The turns as the proxy takes them: a user turn first and the system prompt folded into it, or sent
 * top-level where configured and the family understands it. Shared by every face.
 */
export function openConversation(
  turns: Turn[],
  system: readonly string[],
  systemPrompt: SystemPromptPlacement,
  model: ModelInfo,
): { messages: InvokeRequest["messages"]; system: { system?: string } } {
  // Chat UIs often open with an assistant greeting; Bedrock needs a user turn first, so one opens the
  // conversation: the folded system text, else a placeholder (as "(continued)" bridges turns elsewhere).
  if (turns[0] !== undefined && turns[0].role !== "user")
    turns.unshift({ role: "user", blocks: [], from: turns[0].from });
  const first = turns[0];
  const topLevel = systemPrompt === "top_level" && model.family.topLevelSystem;
  if (system.length > 0 && !topLevel) {
    // Fold into the first user turn (PROXY.md: what every real client of the proxy does).
    const text: InvokeContentBlock = { type: "text", text: system.join("\n\n") };
    if (first === undefined) turns.push({ role: "user", blocks: [text], from: 0 });
    else first.blocks.unshift(text);
  }
  if (first !== undefined && first.blocks.length === 0)
    first.blocks.push({ type: "text", text: "(conversation start)" });
  if (turns.length === 0)
    throw invalidRequest("'messages' holds no user content to send.", "messages", "invalid_value");
  return {
    messages: turns.map(toInvokeMessage),
    system: topLevel && system.length > 0 ? { system: system.join("\n\n") } : {},
  };
}

export function hasToolBlocks(turns: readonly Turn[]): boolean {
  return turns.some((t) =>
    t.blocks.some((b: InvokeContentBlock) => b.type === "tool_use" || b.type === "tool_result"),
  );
}
