// The request parser of the Anthropic face: untrusted JSON → MessageCreateParams, or a 400 naming the
// field. Lenient where clients move fast (Claude Code adds top-level keys release by release): a
// top-level key the face does not use is dropped and listed for `x-bedrock-dropped`, never refused;
// every key the face does use is validated.
import {
  missing,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  readArray,
  readRecord,
  readString,
} from "../../openai/read.ts";
import { GatewayError, invalidRequest } from "../../shared/errors.ts";
import { Dropped, parseMessages, parseToolChoice, parseTools, systemTexts } from "./parse-content.ts";
import type { CountTokensParams, MessageCreateParams } from "./types.ts";

/** The top-level keys the face reads; any other key is dropped (e.g. thinking, metadata, context_management). */
const USED_KEYS = new Set([
  "model",
  "max_tokens",
  "messages",
  "system",
  "stream",
  "stop_sequences",
  "temperature",
  "top_p",
  "top_k",
  "tools",
  "tool_choice",
  "output_config",
  "output_format",
]);

export interface Parsed<T> {
  params: T;
  /** What the request asked for that the proxy cannot carry, for `x-bedrock-dropped`. */
  dropped: string[];
}

function stopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return readArray(value, "stop_sequences").map((s, i) => readString(s, `stop_sequences[${i}]`));
}

function common(body: Record<string, unknown>, dropped: Dropped): CountTokensParams {
  const model = readString(body.model, "model");
  if (model.trim() === "") throw invalidRequest("model: empty string.", "model", "invalid_value");
  const system = systemTexts(body.system, "system", dropped);
  const messages = parseMessages(body.messages, system, dropped);
  const tools = parseTools(body.tools, dropped);
  const toolChoice = parseToolChoice(body.tool_choice);
  return {
    model,
    messages,
    system,
    ...(tools === undefined ? {} : { tools }),
    ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
  };
}

/**
 * `thread` asks the server to hold the conversation between turns; the proxy holds nothing, so the
 * request is refused the way Anthropic refuses a request it cannot thread. The SDK's tool runner then
 * resends the full history without `thread` (dropping it instead would break the next turn, which
 * sends only the new tool results).
 */
function refuseThread(body: Record<string, unknown>): void {
  if (body.thread === undefined || body.thread === null) return;
  throw new GatewayError(
    "thread: message threads are not available through the gateway (the proxy keeps no conversation); send the full conversation in 'messages' without 'thread'.",
    { status: 400, type: "invalid_request_error", code: "thread_unsupported_request", param: "thread" },
  );
}

/** A `{type: "json_schema", schema}` output format: its schema. */
function jsonSchemaFormat(value: unknown, param: string): Record<string, unknown> {
  const format = readRecord(value, param);
  oneOf(format.type, `${param}.type`, ["json_schema"]);
  return readRecord(format.schema, `${param}.schema`);
}

/**
 * Structured output: `output_config.format`, or the older beta `output_format`. The proxy carries it as
 * its `response_format`; the rest of `output_config` (e.g. `effort`) has no proxy equivalent.
 */
function outputSchema(body: Record<string, unknown>, dropped: Dropped): Record<string, unknown> | undefined {
  let schema: Record<string, unknown> | undefined;
  if (body.output_config !== undefined && body.output_config !== null) {
    const config = readRecord(body.output_config, "output_config");
    if (Object.keys(config).some((k) => k !== "format")) dropped.add("output_config");
    if (config.format !== undefined && config.format !== null)
      schema = jsonSchemaFormat(config.format, "output_config.format");
  }
  if (body.output_format !== undefined && body.output_format !== null)
    schema = jsonSchemaFormat(body.output_format, "output_format");
  return schema;
}

export function parseMessageCreateParams(raw: unknown): Parsed<MessageCreateParams> {
  const body = readRecord(raw, "body");
  refuseThread(body);
  const dropped = new Dropped();
  for (const key of Object.keys(body)) if (!USED_KEYS.has(key)) dropped.add(key);
  const base = common(body, dropped);
  if (body.max_tokens === undefined || body.max_tokens === null) throw missing("max_tokens");
  // Clients ask for up to 128k; the cap to the model's limit happens in translation, so any size passes here.
  const maxTokens = optionalInteger(body.max_tokens, "max_tokens", 1, Number.MAX_SAFE_INTEGER) as number;
  const stop = stopSequences(body.stop_sequences);
  const temperature = optionalNumber(body.temperature, "temperature", 0, 1);
  const topP = optionalNumber(body.top_p, "top_p", 0, 1);
  const topK = optionalInteger(body.top_k, "top_k", 0, Number.MAX_SAFE_INTEGER);
  const schema = outputSchema(body, dropped);
  const params: MessageCreateParams = {
    ...base,
    max_tokens: maxTokens,
    stream: optionalBoolean(body.stream, "stream") ?? false,
    ...(stop === undefined ? {} : { stop_sequences: stop }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { top_p: topP }),
    ...(topK === undefined ? {} : { top_k: topK }),
    ...(schema === undefined ? {} : { output_schema: schema }),
  };
  return { params, dropped: dropped.names };
}

/** POST /v1/messages/count_tokens takes the same body without max_tokens and sampling. */
export function parseCountTokensParams(raw: unknown): Parsed<CountTokensParams> {
  const body = readRecord(raw, "body");
  const dropped = new Dropped();
  for (const key of Object.keys(body)) if (!USED_KEYS.has(key)) dropped.add(key);
  return { params: common(body, dropped), dropped: dropped.names };
}
