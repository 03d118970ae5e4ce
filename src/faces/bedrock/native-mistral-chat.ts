// Pixtral Large's native body: the Mistral AI chat completion API, not the `prompt` of the older Mistral
// models (Bedrock user guide: "Pixtral Large (25.02) parameters and inference", "Mistral AI chat
// completion"): `messages` with `system`/`user`/`assistant` roles, content a string or `text` and
// `image_url` (a base64 data URL) parts, `max_tokens`, `temperature`, `top_p`; the answer is
// `choices[].message` with `stop_reason`. The proxy carries no Mistral tool use (guide), so `tools` and
// tool turns are the ValidationException Converse gives for them.
import type { ModelInfo } from "../../models/catalog.ts";
import { invalidRequest } from "../../shared/errors.ts";
import { splitText } from "../../translation/stream.ts";
import { mergeTurns, toInvokeMessage, type Turn } from "../../translation/messages.ts";
import type { InvokeContentBlock, InvokeRequest, InvokeResponse } from "../../upstream/types.ts";
import { maxTokensOf, placeSystem, sampling, stopReasonOf, type ConverseOptions } from "./converse.ts";
import { answerText, invocationMetrics, type Json, type NativeContext } from "./native-common.ts";
import { arrayAt, countAt, numberAt, objectAt, stringAt, stringsAt } from "./wire.ts";

const PIECE = 24;
const DATA_URL = /^data:image\/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=]+)$/;

/** Models whose native body is the chat completion API (the others of the family take `prompt`). */
export function takesMistralChat(model: ModelInfo): boolean {
  return model.id.includes("pixtral");
}

function imagePart(part: Record<string, unknown>, path: string, model: ModelInfo): InvokeContentBlock {
  if (!model.capabilities.vision)
    throw invalidRequest(`The model ${model.id} does not support image input.`, path);
  const raw = part.image_url;
  const url =
    typeof raw === "string" ? raw : stringAt(objectAt(raw, `${path}.image_url`).url, `${path}.image_url.url`);
  const m = DATA_URL.exec(url);
  if (m === null)
    throw invalidRequest(
      `Value at '${path}.image_url' must be a base64 data URL (data:image/png;base64,…): Bedrock fetches no image URLs.`,
      path,
    );
  return { type: "image", source: { type: "base64", media_type: `image/${m[1]}`, data: m[2] ?? "" } };
}

function blocksOf(content: unknown, path: string, model: ModelInfo): InvokeContentBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return arrayAt(content, path).map((p, i) => {
    const part = objectAt(p, `${path}.${i + 1}`);
    if (part.type === "text") return { type: "text", text: stringAt(part.text, `${path}.${i + 1}.text`) };
    if (part.type === "image_url") return imagePart(part, `${path}.${i + 1}`, model);
    throw invalidRequest(`Value at '${path}.${i + 1}.type' must be one of text, image_url.`, path);
  });
}

export function mistralChatToInvoke(body: Json, model: ModelInfo, options: ConverseOptions): InvokeRequest {
  if (body.tools !== undefined) throw invalidRequest("This model doesn't support tool use.", "tools");
  const system: string[] = [];
  const turns: Turn[] = [];
  arrayAt(body.messages, "messages").forEach((m, i) => {
    const path = `messages.${i + 1}`;
    const message = objectAt(m, path);
    const role = message.role;
    if (role === "system") system.push(stringAt(message.content, `${path}.content`));
    else if (role === "user" || role === "assistant") {
      if (message.tool_calls !== undefined)
        throw invalidRequest("This model doesn't support tool use.", path);
      turns.push({ role, blocks: blocksOf(message.content, `${path}.content`, model), from: i });
    } else if (role === "tool") throw invalidRequest("This model doesn't support tool use.", path);
    else
      throw invalidRequest(`Value at '${path}.role' must be one of system, user, assistant.`, `${path}.role`);
  });
  const messages = mergeTurns(turns, false).map(toInvokeMessage);
  return {
    model: model.id,
    messages,
    max_tokens: maxTokensOf(countAt(body.max_tokens, "max_tokens"), model),
    ...placeSystem(messages, system.join("\n\n"), model, options),
    ...sampling(model, {
      temperature: numberAt(body.temperature, "temperature", 0, 1),
      top_p: numberAt(body.top_p, "top_p", 0, 1),
      stop_sequences: stringsAt(body.stop, "stop"),
    }),
  };
}

function stopOf(answer: InvokeResponse, ctx: NativeContext): "stop" | "length" {
  return stopReasonOf(answer, ctx.request.max_tokens) === "max_tokens" ? "length" : "stop";
}

export function mistralChatResponse(answer: InvokeResponse, ctx: NativeContext): Json {
  return {
    id: ctx.id,
    object: "chat.completion",
    model: ctx.model.id,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answerText(answer) },
        stop_reason: stopOf(answer, ctx),
      },
    ],
    usage: {
      prompt_tokens: answer.usage.input_tokens,
      completion_tokens: answer.usage.output_tokens,
      total_tokens: answer.usage.input_tokens + answer.usage.output_tokens,
    },
  };
}

/** Stream chunks: the text in pieces under `choices[0].message`, the last with the stop reason. */
export function mistralChatEvents(answer: InvokeResponse, ctx: NativeContext): Json[] {
  const pieces = splitText(answerText(answer), PIECE);
  if (pieces.length === 0) pieces.push("");
  const stop = stopOf(answer, ctx);
  const events: Json[] = pieces.map((content, i) => ({
    id: ctx.id,
    object: "chat.completion.chunk",
    model: ctx.model.id,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content },
        stop_reason: i === pieces.length - 1 ? stop : null,
      },
    ],
  }));
  Object.assign(events[events.length - 1] ?? {}, invocationMetrics(answer));
  return events;
}
