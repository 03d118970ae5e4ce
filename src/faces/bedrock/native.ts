// InvokeModel's native bodies, one record per model family (STYLE.md #6; Bedrock user guide,
// "Inference request parameters and response fields for foundation models"): each record reads the
// family's request body into the proxy's invoke request and writes the proxy's answer back as the
// family's response body and as its native stream events (the `bytes` of InvokeModelWithResponseStream
// chunks). Pure; the face's route picks the record by the model's family.
import type { ModelInfo } from "../../models/catalog.ts";
import type { FamilyId } from "../../models/families.ts";
import { invalidRequest } from "../../shared/errors.ts";
import { splitText } from "../../translation/stream.ts";
import type { InvokeMessage, InvokeRequest, InvokeResponse } from "../../upstream/types.ts";
import { anthropicNative } from "./native-anthropic.ts";
import {
  answerText,
  invocationMetrics,
  refuseExtraneous,
  type Json,
  type NativeContext,
  type NativeFamily,
} from "./native-common.ts";
import {
  converseUsage,
  invokeToConverse,
  maxTokensOf,
  placeSystem,
  sampling,
  stopReasonOf,
  toInvokeMessages,
  toolsOf,
  type ConverseOptions,
} from "./converse.ts";
import { converseStreamEvents } from "./converse-stream.ts";
import {
  mistralChatEvents,
  mistralChatResponse,
  mistralChatToInvoke,
  takesMistralChat,
} from "./native-mistral-chat.ts";
import { promptTurns } from "./prompts.ts";
import { countAt, numberAt, objectAt, stringAt, stringsAt } from "./wire.ts";

const PIECE = 24;

/** A completion-style stop reason: "length" when the token limit cut the answer, else "stop". */
function completionStop(answer: InvokeResponse, ctx: NativeContext): "stop" | "length" {
  return stopReasonOf(answer, ctx.request.max_tokens) === "max_tokens" ? "length" : "stop";
}

/** A raw `prompt` → invoke messages (consecutive same-role turns joined) and the system text. */
function promptRequest(
  prompt: string,
  model: ModelInfo,
  options: ConverseOptions,
): Pick<InvokeRequest, "messages" | "system"> {
  const messages: InvokeMessage[] = [];
  const system: string[] = [];
  for (const turn of promptTurns(model.family.id, prompt)) {
    if (turn.role === "system") {
      system.push(turn.text);
      continue;
    }
    const last = messages.at(-1);
    if (last?.role === turn.role && typeof last.content === "string") last.content += `\n\n${turn.text}`;
    else messages.push({ role: turn.role, content: turn.text });
  }
  return { messages, ...placeSystem(messages, system.join("\n\n"), model, options) };
}

/** The request keys the completion-style families share (`max_gen_len` is Llama's name for max_tokens). */
function completionRequest(
  body: Json,
  model: ModelInfo,
  options: ConverseOptions,
  maxKey: string,
  stopKey?: string,
): InvokeRequest {
  return {
    model: model.id,
    ...promptRequest(stringAt(body.prompt, "prompt"), model, options),
    max_tokens: maxTokensOf(countAt(body[maxKey], maxKey) ?? 512, model),
    ...sampling(model, {
      temperature: numberAt(body.temperature, "temperature", 0, 1),
      top_p: numberAt(body.top_p, "top_p", 0, 1),
      top_k: numberAt(body.top_k, "top_k", 0, 500),
      stop_sequences: stopKey === undefined ? undefined : stringsAt(body[stopKey], stopKey),
    }),
  };
}

/** Text pieces of a completion-style answer as stream events, the last one with the stop reason. */
function completionEvents(
  answer: InvokeResponse,
  ctx: NativeContext,
  event: (text: string, stop: string | null, i: number) => Json,
): Json[] {
  const pieces = splitText(answerText(answer), PIECE);
  if (pieces.length === 0) pieces.push("");
  const stop = completionStop(answer, ctx);
  const events = pieces.map((text, i) => event(text, i === pieces.length - 1 ? stop : null, i));
  Object.assign(events[events.length - 1] ?? {}, invocationMetrics(answer));
  return events;
}

const llama: NativeFamily = {
  toInvoke: (body, model, options) => completionRequest(body, model, options, "max_gen_len"),
  toResponse: (answer, ctx) => ({
    generation: answerText(answer),
    prompt_token_count: answer.usage.input_tokens,
    generation_token_count: answer.usage.output_tokens,
    stop_reason: completionStop(answer, ctx),
  }),
  toStreamEvents: (answer, ctx) =>
    completionEvents(answer, ctx, (generation, stop, i) => ({
      generation,
      prompt_token_count: i === 0 ? answer.usage.input_tokens : null,
      generation_token_count: stop === null ? i + 1 : answer.usage.output_tokens,
      stop_reason: stop,
    })),
};

/** Mistral's text completion (`prompt` → `outputs`); Pixtral Large takes the chat completion API. */
const mistral: NativeFamily = {
  toInvoke: (body, model, options) =>
    takesMistralChat(model)
      ? mistralChatToInvoke(body, model, options)
      : completionRequest(body, model, options, "max_tokens", "stop"),
  toResponse: (answer, ctx) =>
    takesMistralChat(ctx.model)
      ? mistralChatResponse(answer, ctx)
      : { outputs: [{ text: answerText(answer), stop_reason: completionStop(answer, ctx) }] },
  toStreamEvents: (answer, ctx) =>
    takesMistralChat(ctx.model)
      ? mistralChatEvents(answer, ctx)
      : completionEvents(answer, ctx, (text, stop) => ({ outputs: [{ text, stop_reason: stop }] })),
};

const deepseek: NativeFamily = {
  toInvoke: (body, model, options) => completionRequest(body, model, options, "max_tokens", "stop"),
  toResponse: (answer, ctx) => ({
    choices: [{ text: answerText(answer), stop_reason: completionStop(answer, ctx) }],
  }),
  toStreamEvents: (answer, ctx) =>
    completionEvents(answer, ctx, (text, stop) => ({ choices: [{ text, stop_reason: stop }] })),
};

/** Nova's native body is Converse's blocks with snake_case inference keys (user guide: Amazon Nova). */
const nova: NativeFamily = {
  toInvoke(body, model, options) {
    // Sampling and length belong in inferenceConfig; top-level they are the proxy's documented Nova 500.
    refuseExtraneous(body, [
      "temperature",
      "top_p",
      "top_k",
      "max_tokens",
      "max_new_tokens",
      "stop_sequences",
    ]);
    const messages = toInvokeMessages(body.messages, model);
    const system = Array.isArray(body.system)
      ? body.system
          .map((s: unknown) => (s as { text?: unknown }).text)
          .filter((t): t is string => typeof t === "string")
          .join("\n\n")
      : "";
    const config =
      body.inferenceConfig === undefined ? {} : objectAt(body.inferenceConfig, "inferenceConfig");
    const max = countAt(config.max_new_tokens ?? config.maxTokens, "inferenceConfig.max_new_tokens");
    return {
      model: model.id,
      messages,
      max_tokens: maxTokensOf(max, model),
      ...placeSystem(messages, system, model, options),
      ...sampling(model, {
        temperature: numberAt(config.temperature, "inferenceConfig.temperature", 0, 1),
        top_p: numberAt(config.top_p ?? config.topP, "inferenceConfig.top_p", 0, 1),
        top_k: numberAt(config.top_k ?? config.topK, "inferenceConfig.top_k", 0, 500),
        stop_sequences: stringsAt(config.stopSequences, "inferenceConfig.stopSequences"),
      }),
      ...toolsOf(body.toolConfig, model),
    };
  },
  toResponse(answer, ctx) {
    const converse = invokeToConverse(answer, ctx.request, ctx.model);
    return {
      output: converse.output,
      stopReason: converse.stopReason,
      usage: { ...converseUsage(answer), cacheReadInputTokenCount: 0, cacheWriteInputTokenCount: 0 },
    };
  },
  toStreamEvents(answer, ctx) {
    const events: Json[] = converseStreamEvents(invokeToConverse(answer, ctx.request, ctx.model))
      .filter((e) => e.type !== "metadata")
      .map((e) => ({ [e.type]: e.payload }));
    events.push({
      metadata: { usage: converseUsage(answer), metrics: {}, trace: {} },
      ...invocationMetrics(answer),
    });
    return events;
  },
};

export const NATIVE_FAMILIES: Readonly<Record<FamilyId, NativeFamily>> = {
  "anthropic-claude": anthropicNative,
  "amazon-nova": nova,
  "meta-llama": llama,
  mistral,
  deepseek,
};

/** A native body must be a JSON object; anything else is Bedrock's malformed-input error. */
export function nativeBody(body: unknown): Json {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw invalidRequest(
      "Malformed input request: the body must be a JSON object, please reformat your input and try again.",
      "body",
    );
  return body as Json;
}
