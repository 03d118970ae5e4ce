// Converse ⇄ the proxy's invoke shape (AWS API reference: Converse; CONTRACT §3d). Pure: the model is
// resolved by the route, and anything the proxy cannot carry is a ValidationException before any
// upstream call, so no budget is spent on it. Nova's native invoke body uses the same message blocks,
// so its family record reuses `toInvokeMessages` and `toConverseContent`.
import type { ModelInfo } from "../../models/catalog.ts";
import { invalidRequest } from "../../shared/errors.ts";
import { toInvokeMessage } from "../../translation/messages.ts";
import { documentBlock } from "./converse-document.ts";
import { splitThinking } from "../../translation/think.ts";
import type {
  InvokeContentBlock,
  InvokeMessage,
  InvokeRequest,
  InvokeResponse,
  InvokeToolChoice,
} from "../../upstream/types.ts";
import {
  arrayAt,
  countAt,
  numberAt,
  objectAt,
  stringAt,
  stringsAt,
  type ConverseContentBlock,
  type ConverseResponse,
  type StopReason,
} from "./wire.ts";

const DEFAULT_MAX_TOKENS = 1024; // CONTRACT §3, the guide's default
/** Converse `ImageFormat` values (AWS API reference: ImageBlock). */
const IMAGE_FORMATS = new Set(["png", "jpeg", "gif", "webp"]);

export interface ConverseOptions {
  /** `translation.system_prompt`: fold system text into the first user turn, or top-level (Claude only). */
  systemPrompt: "fold" | "top_level";
}

function imageBlock(raw: Record<string, unknown>, path: string, model: ModelInfo): InvokeContentBlock {
  if (!model.capabilities.vision)
    throw invalidRequest(`The model ${model.id} does not support image input.`, path);
  const format = stringAt(raw.format, `${path}.format`).toLowerCase();
  if (!IMAGE_FORMATS.has(format))
    throw invalidRequest(`Value '${format}' at '${path}.format' must be one of png, jpeg, gif, webp.`, path);
  const data = stringAt(objectAt(raw.source, `${path}.source`).bytes, `${path}.source.bytes`);
  return { type: "image", source: { type: "base64", media_type: `image/${format}`, data } };
}

function toolResultText(content: unknown, path: string): string {
  return arrayAt(content, path)
    .map((part, i) => {
      const p = objectAt(part, `${path}.${i + 1}`);
      if (typeof p.text === "string") return p.text;
      if (p.json !== undefined) return JSON.stringify(p.json);
      throw invalidRequest(`Tool result content at '${path}.${i + 1}' must be text or json.`, path);
    })
    .join("\n");
}

/** One Converse (or Nova) content block → the proxy's block; cache points and reasoning are dropped. */
function toInvokeBlock(raw: unknown, path: string, model: ModelInfo): InvokeContentBlock | undefined {
  const block = objectAt(raw, path);
  if (typeof block.text === "string") return { type: "text", text: block.text };
  if (block.image !== undefined)
    return imageBlock(objectAt(block.image, `${path}.image`), `${path}.image`, model);
  if (block.document !== undefined)
    return documentBlock(objectAt(block.document, `${path}.document`), `${path}.document`);
  if (block.toolUse !== undefined) {
    const use = objectAt(block.toolUse, `${path}.toolUse`);
    return {
      type: "tool_use",
      id: stringAt(use.toolUseId, `${path}.toolUse.toolUseId`),
      name: stringAt(use.name, `${path}.toolUse.name`),
      input: objectAt(use.input ?? {}, `${path}.toolUse.input`),
    };
  }
  if (block.toolResult !== undefined) {
    const result = objectAt(block.toolResult, `${path}.toolResult`);
    return {
      type: "tool_result",
      tool_use_id: stringAt(result.toolUseId, `${path}.toolResult.toolUseId`),
      content: toolResultText(result.content, `${path}.toolResult.content`),
      ...(result.status === "error" ? { is_error: true } : {}),
    };
  }
  // Earlier reasoning and cache points carry nothing the proxy can use.
  if (block.reasoningContent !== undefined || block.cachePoint !== undefined) return undefined;
  const kind = Object.keys(block)[0] ?? "empty";
  throw invalidRequest(`The content block type '${kind}' is not supported through the proxy.`, path);
}

/** Converse (or Nova) `messages` → the proxy's messages. */
export function toInvokeMessages(raw: unknown, model: ModelInfo): InvokeMessage[] {
  return arrayAt(raw, "messages").map((m, i) => {
    const path = `messages.${i + 1}`;
    const message = objectAt(m, path);
    const role = message.role;
    if (role !== "user" && role !== "assistant")
      throw invalidRequest(`Value at '${path}.role' must be one of user, assistant.`, `${path}.role`);
    const blocks = arrayAt(message.content, `${path}.content`).flatMap((b, j) => {
      const block = toInvokeBlock(b, `${path}.content.${j + 1}`, model);
      return block === undefined ? [] : [block];
    });
    return toInvokeMessage({ role, blocks, from: i });
  });
}

/** System text: top-level where the family and config take it, else folded into the first user turn. */
export function placeSystem(
  messages: InvokeMessage[],
  system: string,
  model: ModelInfo,
  options: ConverseOptions,
): Pick<InvokeRequest, "system"> {
  if (system === "") return {};
  if (options.systemPrompt === "top_level" && model.family.topLevelSystem) return { system };
  const first = messages[0];
  const text: InvokeContentBlock = { type: "text", text: system };
  if (first?.role !== "user") messages.unshift({ role: "user", content: [text] });
  else
    first.content = [
      text,
      ...(typeof first.content === "string"
        ? [{ type: "text" as const, text: first.content }]
        : first.content),
    ];
  return {};
}

/** Sampling keys the family takes (CONTRACT §3: sent only to families that accept them). */
export function sampling(
  model: ModelInfo,
  values: {
    temperature?: number | undefined;
    top_p?: number | undefined;
    top_k?: number | undefined;
    stop_sequences?: string[] | undefined;
  },
): Partial<InvokeRequest> {
  const out: Record<string, unknown> = {};
  for (const key of model.family.samplingKeys) if (values[key] !== undefined) out[key] = values[key];
  return out as Partial<InvokeRequest>;
}

export function maxTokensOf(asked: number | undefined, model: ModelInfo): number {
  return Math.min(asked ?? DEFAULT_MAX_TOKENS, model.maxOutputTokens);
}

function toolChoiceOf(raw: unknown): InvokeToolChoice | undefined {
  if (raw === undefined) return undefined;
  const choice = objectAt(raw, "toolConfig.toolChoice");
  if (choice.auto !== undefined) return { type: "auto" };
  if (choice.any !== undefined) return { type: "any" };
  if (choice.tool !== undefined)
    return {
      type: "tool",
      name: stringAt(
        objectAt(choice.tool, "toolConfig.toolChoice.tool").name,
        "toolConfig.toolChoice.tool.name",
      ),
    };
  throw invalidRequest("toolConfig.toolChoice must be one of auto, any, tool.", "toolConfig.toolChoice");
}

/** `toolConfig` → the proxy's tools; a family without native tool use is refused as Bedrock refuses it. */
export function toolsOf(raw: unknown, model: ModelInfo): Partial<InvokeRequest> {
  if (raw === undefined) return {};
  const config = objectAt(raw, "toolConfig");
  if (!model.family.nativeTools) throw invalidRequest("This model doesn't support tool use.", "toolConfig");
  const tools = arrayAt(config.tools, "toolConfig.tools").map((t, i) => {
    const path = `toolConfig.tools.${i + 1}.toolSpec`;
    const spec = objectAt(objectAt(t, `toolConfig.tools.${i + 1}`).toolSpec, path);
    const description =
      spec.description === undefined ? undefined : stringAt(spec.description, `${path}.description`);
    return {
      name: stringAt(spec.name, `${path}.name`),
      ...(description === undefined ? {} : { description }),
      input_schema: objectAt(
        objectAt(spec.inputSchema, `${path}.inputSchema`).json,
        `${path}.inputSchema.json`,
      ),
    };
  });
  const choice = toolChoiceOf(config.toolChoice);
  return { tools, ...(choice === undefined ? {} : { tool_choice: choice }) };
}

/** A Converse request body → the invoke request. */
export function converseToInvoke(body: unknown, model: ModelInfo, options: ConverseOptions): InvokeRequest {
  const req = objectAt(body, "body");
  const messages = toInvokeMessages(req.messages, model);
  const system =
    req.system === undefined
      ? ""
      : arrayAt(req.system, "system")
          .map((s, i) => objectAt(s, `system.${i + 1}`).text)
          .filter((t): t is string => typeof t === "string")
          .join("\n\n");
  const config = req.inferenceConfig === undefined ? {} : objectAt(req.inferenceConfig, "inferenceConfig");
  const extra =
    req.additionalModelRequestFields === undefined
      ? {}
      : objectAt(req.additionalModelRequestFields, "additionalModelRequestFields");
  const placed = placeSystem(messages, system, model, options);
  return {
    model: model.id,
    messages,
    max_tokens: maxTokensOf(countAt(config.maxTokens, "inferenceConfig.maxTokens"), model),
    ...placed,
    ...sampling(model, {
      temperature: numberAt(config.temperature, "inferenceConfig.temperature", 0, 1),
      top_p: numberAt(config.topP, "inferenceConfig.topP", 0, 1),
      top_k: numberAt(extra.top_k, "additionalModelRequestFields.top_k", 0, 500),
      stop_sequences: stringsAt(config.stopSequences, "inferenceConfig.stopSequences"),
    }),
    ...toolsOf(req.toolConfig, model),
  };
}

/** Bedrock's stop reason for an answer (the proxy omits it, PROXY.md; synthesised as for /v1). */
export function stopReasonOf(answer: InvokeResponse, maxTokens: number): StopReason {
  const given = (answer.metadata as Record<string, unknown>).stop_reason;
  if (given === "end_turn" || given === "tool_use" || given === "max_tokens" || given === "stop_sequence")
    return given;
  if (answer.content.some((b) => b.type === "tool_use")) return "tool_use";
  return answer.usage.output_tokens >= maxTokens ? "max_tokens" : "end_turn";
}

/** The proxy's answer blocks → Converse (and Nova) content; inline `<think>` becomes reasoningContent. */
export function toConverseContent(answer: InvokeResponse, model: ModelInfo): ConverseContentBlock[] {
  const out: ConverseContentBlock[] = [];
  for (const block of answer.content) {
    if (block.type === "text") {
      const { content, reasoning } =
        model.family.inlineReasoning || /^\s*<think>/.test(block.text)
          ? splitThinking(block.text)
          : { content: block.text, reasoning: undefined };
      if (reasoning !== undefined) out.push({ reasoningContent: { reasoningText: { text: reasoning } } });
      out.push({ text: content });
    } else if (block.type === "tool_use") {
      out.push({ toolUse: { toolUseId: block.id, name: block.name, input: block.input ?? {} } });
    }
  }
  return out;
}

export function converseUsage(answer: InvokeResponse): ConverseResponse["usage"] {
  const { input_tokens: inputTokens, output_tokens: outputTokens } = answer.usage;
  return { inputTokens, outputTokens, totalTokens: answer.usage.total_tokens ?? inputTokens + outputTokens };
}

/** The invoke answer → a Converse response. */
export function invokeToConverse(
  answer: InvokeResponse,
  request: InvokeRequest,
  model: ModelInfo,
): ConverseResponse {
  return {
    output: { message: { role: "assistant", content: toConverseContent(answer, model) } },
    stopReason: stopReasonOf(answer, request.max_tokens),
    usage: converseUsage(answer),
    metrics: { latencyMs: Math.round(answer.metadata.latency_ms ?? 0) },
  };
}
