// One record per model family (STYLE.md #6): how the proxy and Bedrock treat requests for it.
// Adding a family touches this file and the catalogue only.

export type FamilyId = "anthropic-claude" | "meta-llama" | "amazon-nova" | "mistral" | "deepseek";

export interface ModelFamily {
  id: FamilyId;
  /** Display name of the company, used as `owned_by` on /v1/models. */
  owner: string;
  /** Native tool use through the proxy. Source: participant guide §3 ("natively supported by Claude
   *  series, DeepSeek, and Amazon Nova"; Llama and Mistral "do not support these parameters"). */
  nativeTools: boolean;
  /** Sampling keys Bedrock accepts for the family. Nova rejects `temperature` (PROXY.md, observed 500
   *  "extraneous key [temperature]"); the others take temperature/top_p. */
  samplingKeys: readonly ("temperature" | "top_p" | "top_k" | "stop_sequences")[];
  /** Whether a top-level `system` prompt is understood (Anthropic Messages shape). */
  topLevelSystem: boolean;
  /** The Bedrock message returned when the prompt is longer than the context window (PROXY.md). */
  contextExceededMessage: (contextWindow: number) => string;
  /** The model emits `<think>…</think>` reasoning inline (DeepSeek R1). */
  inlineReasoning: boolean;
}

const llamaStyleContextMessage = (contextWindow: number): string =>
  `This model's maximum context length is ${contextWindow} tokens. Please reduce the length of the prompt`;

export const FAMILIES: Readonly<Record<FamilyId, ModelFamily>> = {
  "anthropic-claude": {
    id: "anthropic-claude",
    owner: "anthropic",
    nativeTools: true,
    samplingKeys: ["temperature", "top_p", "top_k", "stop_sequences"],
    topLevelSystem: true,
    // Anthropic's own wording for an over-long prompt, as Bedrock relays it.
    contextExceededMessage: (w) => `prompt is too long: input exceeds the ${w} token limit`,
    inlineReasoning: false,
  },
  "meta-llama": {
    id: "meta-llama",
    owner: "meta",
    nativeTools: false,
    samplingKeys: ["temperature", "top_p"],
    topLevelSystem: false,
    contextExceededMessage: llamaStyleContextMessage,
    inlineReasoning: false,
  },
  "amazon-nova": {
    id: "amazon-nova",
    owner: "amazon",
    nativeTools: true,
    samplingKeys: [],
    topLevelSystem: false,
    contextExceededMessage: () =>
      "Input Tokens Exceeded: Number of input tokens exceeds maximum length. Please update the input to try again.",
    inlineReasoning: false,
  },
  mistral: {
    id: "mistral",
    owner: "mistral",
    nativeTools: false,
    samplingKeys: ["temperature", "top_p", "top_k", "stop_sequences"],
    topLevelSystem: false,
    contextExceededMessage: llamaStyleContextMessage,
    inlineReasoning: false,
  },
  deepseek: {
    id: "deepseek",
    owner: "deepseek",
    nativeTools: true,
    samplingKeys: ["temperature", "top_p", "stop_sequences"],
    topLevelSystem: false,
    contextExceededMessage: llamaStyleContextMessage,
    inlineReasoning: true,
  },
};
