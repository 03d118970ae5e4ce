// InvokeResponse → ChatCompletion (CONTRACT §3, translation.md §7): text blocks → content, tool_use →
// tool_calls (ids `call_<upstream id>`), `<think>` → reasoning_content, empty content survives,
// finish_reason synthesised, usage with `cost`, the upstream metadata under `bedrock`.
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionMessageToolCall,
  CompletionUsage,
} from "../openai/types.ts";
import type { InvokeResponse } from "../upstream/types.ts";
import { finishReason } from "./finish.ts";
import type { TranslationPlan } from "./request.ts";
import { splitThinking } from "./think.ts";
import { shortHash, toClientToolCallId } from "./tool-ids.ts";

export interface CompletionIdentity {
  id: string;
  /** Unix seconds. */
  created: number;
}

const EMULATED_CALL = /<tool_call>\s*(\{[\s\S]*?\})\s*<\/tool_call>/g;

/** Tool calls written as `<tool_call>{…}</tool_call>` by a model without native tools (tool emulation). */
function emulatedCalls(
  text: string,
  plan: TranslationPlan,
): { text: string; calls: ChatCompletionMessageToolCall[] } {
  const calls: ChatCompletionMessageToolCall[] = [];
  const rest = text.replace(EMULATED_CALL, (whole, json: string) => {
    try {
      const parsed = JSON.parse(json) as { name?: unknown; arguments?: unknown };
      const name = typeof parsed.name === "string" ? parsed.name : undefined;
      if (name === undefined || !Object.values(plan.toolNames).includes(name)) return whole;
      const args = JSON.stringify(parsed.arguments ?? {});
      // Stateless, deterministic id: nothing needs mapping back, results are rendered as text.
      calls.push({
        id: `call_${shortHash(`${calls.length}:${name}:${args}`)}`,
        type: "function",
        function: { name, arguments: args },
      });
      return "";
    } catch {
      return whole;
    }
  });
  return { text: rest.trim(), calls };
}

function toChoice(answer: InvokeResponse, index: number, plan: TranslationPlan): ChatCompletionChoice {
  let text = answer.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  let calls: ChatCompletionMessageToolCall[] = answer.content.flatMap((b) =>
    b.type === "tool_use"
      ? [
          {
            id: toClientToolCallId(b.id),
            type: "function" as const,
            function: { name: plan.toolNames[b.name] ?? b.name, arguments: JSON.stringify(b.input ?? {}) },
          },
        ]
      : [],
  );
  let reasoning: string | undefined;
  if (plan.model.family.inlineReasoning || /^\s*<think>/.test(text))
    ({ content: text, reasoning } = splitThinking(text));
  if (plan.emulatedTools) {
    const emulated = emulatedCalls(text, plan);
    if (emulated.calls.length > 0) ({ text, calls } = emulated);
  }
  // Bedrock has no switch for it that the proxy is known to accept (translation.md §4, §13): the
  // client asked for one call at a time, so it gets the first; the model asks for the next one after
  // seeing the result.
  if (plan.oneToolCall && calls.length > 1) calls = calls.slice(0, 1);
  const stopReason = (answer.metadata as Record<string, unknown>).stop_reason;
  return {
    index,
    message: {
      role: "assistant",
      // null when the model only called tools; "" when it said nothing at all (translation.md §7).
      content: text === "" && calls.length > 0 ? null : text,
      refusal: null,
      ...(calls.length > 0 ? { tool_calls: calls } : {}),
      ...(reasoning === undefined ? {} : { reasoning_content: reasoning }),
    },
    logprobs: null,
    finish_reason: finishReason({
      stopReason,
      toolCalls: calls.length,
      outputTokens: answer.usage.output_tokens,
      maxTokens: plan.maxTokens,
    }),
  };
}

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** Summed over the choices (one upstream call each). Cache counts join prompt_tokens (translation.md §7). */
export function toUsage(answers: readonly InvokeResponse[]): CompletionUsage {
  let prompt = 0;
  let completion = 0;
  let total = 0;
  let cached = 0;
  let cost = 0;
  for (const a of answers) {
    const u = a.usage as unknown as Record<string, unknown>;
    const p = count(u.input_tokens) + count(u.cache_read_input_tokens) + count(u.cache_creation_input_tokens);
    prompt += p;
    completion += count(u.output_tokens);
    total +=
      u.total_tokens === undefined || u.total_tokens === null
        ? p + count(u.output_tokens)
        : count(u.total_tokens);
    cached += count(u.cache_read_input_tokens);
    cost += count(a.metadata.cost_usd);
  }
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    ...(cached > 0 ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
    // Each cost_usd has 6 decimals (PROXY.md); keep the sum free of float noise.
    cost: Math.round(cost * 1e9) / 1e9,
  };
}

/** The metadata that reports the latest budget: with n > 1, the call that left the least budget. */
export function latestMetadata(answers: readonly InvokeResponse[]): InvokeResponse["metadata"] | undefined {
  let latest: InvokeResponse["metadata"] | undefined;
  for (const a of answers) {
    const remaining = a.metadata.remaining_quota?.remaining_budget;
    if (
      latest === undefined ||
      (typeof remaining === "number" && remaining < (latest.remaining_quota?.remaining_budget ?? Infinity))
    )
      latest = a.metadata;
  }
  return latest;
}

export function toChatCompletion(
  answers: readonly InvokeResponse[],
  plan: TranslationPlan,
  identity: CompletionIdentity,
): ChatCompletion {
  const metadata = latestMetadata(answers);
  return {
    id: identity.id,
    object: "chat.completion",
    created: identity.created,
    model: plan.requestedModel,
    choices: answers.map((a, i) => toChoice(a, i, plan)),
    usage: toUsage(answers),
    ...(metadata === undefined ? {} : { bedrock: metadata }),
  };
}
