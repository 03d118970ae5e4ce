// Anthropic's native Bedrock body (user guide: Anthropic Claude Messages API): the proxy's own message
// shape plus `anthropic_version`, so the request passes through nearly as it came; the answer is a
// `message` with `stop_reason`, and the stream is Anthropic's event sequence (message_start …
// message_stop), each event one InvokeModelWithResponseStream chunk.
import type { ModelInfo } from "../../models/catalog.ts";
import { invalidRequest } from "../../shared/errors.ts";
import { slices, splitText } from "../../translation/stream.ts";
import type {
  InvokeMessage,
  InvokeRequest,
  InvokeResponse,
  InvokeTool,
  InvokeToolChoice,
} from "../../upstream/types.ts";
import { maxTokensOf, placeSystem, sampling, stopReasonOf } from "./converse.ts";
import {
  invocationMetrics,
  refuseExtraneous,
  type Json,
  type NativeContext,
  type NativeFamily,
} from "./native-common.ts";
import { arrayAt, countAt, numberAt, objectAt, stringAt, stringsAt } from "./wire.ts";

const PIECE = 24;

/** Bedrock answers with the model's Anthropic name: `us.anthropic.claude-3-haiku-20240307-v1:0` → `claude-3-haiku-20240307`. */
function anthropicName(model: ModelInfo): string {
  return model.id.replace(/^(?:[a-z]+\.)?anthropic\./, "").replace(/-v\d+:\d+$/, "");
}

function systemText(raw: unknown): string {
  if (raw === undefined) return "";
  if (typeof raw === "string") return raw;
  return arrayAt(raw, "system")
    .map((b, i) => stringAt(objectAt(b, `system.${i + 1}`).text, `system.${i + 1}.text`))
    .join("\n\n");
}

function messagesOf(raw: unknown): InvokeMessage[] {
  return arrayAt(raw, "messages").map((m, i) => {
    const message = objectAt(m, `messages.${i + 1}`);
    if (message.role !== "user" && message.role !== "assistant")
      throw invalidRequest(`messages.${i + 1}.role: must be user or assistant`, `messages.${i + 1}.role`);
    const content =
      typeof message.content === "string"
        ? message.content
        : arrayAt(message.content, `messages.${i + 1}.content`);
    // Blocks travel as the proxy takes them (the same Anthropic shapes); the upstream validates their details.
    return { role: message.role, content: content as InvokeMessage["content"] };
  });
}

function toInvoke(
  body: Json,
  model: ModelInfo,
  options: { systemPrompt: "fold" | "top_level" },
): InvokeRequest {
  if (typeof body.anthropic_version !== "string")
    throw invalidRequest(
      "Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.",
      "anthropic_version",
    );
  // Anthropic API bodies copied over carry these; Bedrock takes the model from the path, streams by operation.
  refuseExtraneous(body, ["model", "stream"]);
  const max = countAt(body.max_tokens, "max_tokens");
  if (max === undefined)
    throw invalidRequest(
      "Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.",
      "max_tokens",
    );
  const messages = messagesOf(body.messages);
  const tools = body.tools === undefined ? undefined : (arrayAt(body.tools, "tools") as InvokeTool[]);
  return {
    model: model.id,
    messages,
    max_tokens: maxTokensOf(max, model),
    ...placeSystem(messages, systemText(body.system), model, options),
    ...sampling(model, {
      temperature: numberAt(body.temperature, "temperature", 0, 1),
      top_p: numberAt(body.top_p, "top_p", 0, 1),
      top_k: numberAt(body.top_k, "top_k", 0, 500),
      stop_sequences: stringsAt(body.stop_sequences, "stop_sequences"),
    }),
    ...(tools === undefined ? {} : { tools }),
    ...(body.tool_choice === undefined
      ? {}
      : { tool_choice: objectAt(body.tool_choice, "tool_choice") as InvokeToolChoice }),
  };
}

function message(answer: InvokeResponse, ctx: NativeContext): Json {
  return {
    id: `msg_bdrk_${ctx.id}`,
    type: "message",
    role: "assistant",
    model: anthropicName(ctx.model),
    content: answer.content,
    stop_reason: stopReasonOf(answer, ctx.request.max_tokens),
    stop_sequence: null,
    usage: { input_tokens: answer.usage.input_tokens, output_tokens: answer.usage.output_tokens },
  };
}

function blockEvents(block: InvokeResponse["content"][number], index: number): Json[] {
  const delta = (d: Json): Json => ({ type: "content_block_delta", index, delta: d });
  let start: Json;
  let deltas: Json[];
  if (block.type === "tool_use") {
    start = { type: "tool_use", id: block.id, name: block.name, input: {} };
    deltas = slices(JSON.stringify(block.input ?? {}), PIECE * 2).map((p) =>
      delta({ type: "input_json_delta", partial_json: p }),
    );
  } else if (block.type === "text") {
    start = { type: "text", text: "" };
    deltas = splitText(block.text, PIECE).map((text) => delta({ type: "text_delta", text }));
  } else return [];
  return [
    { type: "content_block_start", index, content_block: start },
    ...deltas,
    { type: "content_block_stop", index },
  ];
}

function toStreamEvents(answer: InvokeResponse, ctx: NativeContext): Json[] {
  const start = {
    ...message(answer, ctx),
    content: [],
    stop_reason: null,
    usage: { input_tokens: answer.usage.input_tokens, output_tokens: 1 },
  };
  return [
    { type: "message_start", message: start },
    ...answer.content.flatMap(blockEvents),
    {
      type: "message_delta",
      delta: { stop_reason: stopReasonOf(answer, ctx.request.max_tokens), stop_sequence: null },
      usage: { output_tokens: answer.usage.output_tokens },
    },
    { type: "message_stop", ...invocationMetrics(answer) },
  ];
}

export const anthropicNative: NativeFamily = { toInvoke, toResponse: message, toStreamEvents };
