// The request parser: untrusted JSON → ChatCompletionCreateParams, or a 400 naming `param`.
// Known OpenAI keys the proxy cannot use are listed in IGNORED_KEYS, each for a documented reason; what
// cannot be honoured is refused with a 400. Keys unknown to the OpenAI API are ignored as well, as
// OpenAI-compatible servers do, because client libraries add vendor extensions of their own.
import { invalidRequest } from "../shared/errors.ts";
import { legacyFunctions, parseMessage } from "./parse-messages.ts";
import {
  type Json,
  isRecord,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  readArray,
  readRecord,
  readString,
} from "./read.ts";
import type {
  ChatCompletionCreateParams,
  ChatCompletionFunctionTool,
  ChatCompletionToolChoiceOption,
  ResponseFormat,
} from "./types.ts";

/**
 * Keys accepted and not forwarded. seed/user/metadata/store/service_tier/safety_identifier/prompt_cache_key:
 * the proxy has no such field. presence/frequency_penalty, logit_bias: Bedrock's invoke bodies have no
 * equivalent (BAG accepts and ignores them too). reasoning_effort/verbosity: the proxy exposes no thinking control.
 */
export const IGNORED_KEYS: readonly string[] = [
  "seed",
  "user",
  "metadata",
  "store",
  "service_tier",
  "safety_identifier",
  "prompt_cache_key",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "reasoning_effort",
  "verbosity",
  "prediction",
  "web_search_options",
  "stream_options",
];

const MAX_STOP = 4;

function parseTool(raw: unknown, j: number): ChatCompletionFunctionTool {
  const param = `tools[${j}]`;
  const tool = readRecord(raw, param);
  oneOf(tool.type, `${param}.type`, ["function"]);
  const fn = readRecord(tool.function, `${param}.function`);
  const name = readString(fn.name, `${param}.function.name`);
  if (name.trim() === "")
    throw invalidRequest(
      `Invalid '${param}.function.name': empty string.`,
      `${param}.function.name`,
      "empty_string",
    );
  const description = optionalString(fn.description, `${param}.function.description`);
  const parameters =
    fn.parameters === undefined || fn.parameters === null
      ? undefined
      : readRecord(fn.parameters, `${param}.function.parameters`);
  const strict = optionalBoolean(fn.strict, `${param}.function.strict`);
  return {
    type: "function",
    function: {
      name,
      ...(description === undefined ? {} : { description }),
      ...(parameters === undefined ? {} : { parameters }),
      ...(strict === undefined ? {} : { strict }),
    },
  };
}

function parseToolChoice(value: unknown): ChatCompletionToolChoiceOption | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return oneOf(value, "tool_choice", ["none", "auto", "required"] as const);
  const choice = readRecord(value, "tool_choice");
  oneOf(choice.type, "tool_choice.type", ["function"]);
  const fn = readRecord(choice.function, "tool_choice.function");
  return { type: "function", function: { name: readString(fn.name, "tool_choice.function.name") } };
}

function parseResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = readRecord(value, "response_format");
  // The guide's forms (CONTRACT §5): `{json_schema: {...}}` without `type`, or a bare JSON schema.
  const bareSchema =
    format.type === "object" && (isRecord(format.properties) || typeof format.$schema === "string");
  if (format.type === undefined || bareSchema) {
    return isRecord(format.json_schema)
      ? parseJsonSchema(format.json_schema)
      : { type: "json_schema", json_schema: { name: "response", schema: format } };
  }
  const type = oneOf(format.type, "response_format.type", ["text", "json_object", "json_schema"] as const);
  if (type !== "json_schema") return { type };
  return parseJsonSchema(readRecord(format.json_schema, "response_format.json_schema"));
}

function parseJsonSchema(js: Json): ResponseFormat {
  const p = "response_format.json_schema";
  const schema =
    js.schema === undefined || js.schema === null ? undefined : readRecord(js.schema, `${p}.schema`);
  const description = optionalString(js.description, `${p}.description`);
  const strict = optionalBoolean(js.strict, `${p}.strict`);
  return {
    type: "json_schema",
    json_schema: {
      name: readString(js.name, `${p}.name`),
      ...(description === undefined ? {} : { description }),
      ...(schema === undefined ? {} : { schema }),
      ...(strict === undefined ? {} : { strict }),
    },
  };
}

function parseStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list =
    typeof value === "string" ? [value] : readArray(value, "stop").map((s, k) => readString(s, `stop[${k}]`));
  if (list.length > MAX_STOP)
    throw invalidRequest(
      `Invalid 'stop': at most ${MAX_STOP} sequences are allowed.`,
      "stop",
      "invalid_value",
    );
  // Bedrock rejects blank stop sequences (translation.md §6).
  const kept = list.filter((s) => s.trim() !== "");
  return kept.length > 0 ? kept : undefined;
}

/** Parameters the proxy cannot honour: refused so the caller learns it now rather than by surprise. */
function refuseUnsupported(body: Json): void {
  if (body.logprobs === true)
    throw invalidRequest(
      "'logprobs' is not supported: Bedrock returns no token log probabilities.",
      "logprobs",
      "unsupported_parameter",
    );
  if (typeof body.top_logprobs === "number" && body.top_logprobs > 0) {
    throw invalidRequest(
      "'top_logprobs' is not supported: Bedrock returns no token log probabilities.",
      "top_logprobs",
      "unsupported_parameter",
    );
  }
  if (body.audio !== undefined && body.audio !== null)
    throw invalidRequest(
      "Audio output is not supported by any proxy model.",
      "audio",
      "unsupported_parameter",
    );
  if (Array.isArray(body.modalities) && body.modalities.includes("audio")) {
    throw invalidRequest(
      "Audio output is not supported by any proxy model.",
      "modalities",
      "unsupported_parameter",
    );
  }
  // Clients that serialise every field send `null` for the ones they do not use: null means absent.
  if (body.functions !== undefined && body.functions !== null) throw legacyFunctions("functions");
  if (body.function_call !== undefined && body.function_call !== null) throw legacyFunctions("function_call");
}

/** Parse a /v1/chat/completions body. Throws a 400 GatewayError naming `param` on bad input. */
export function parseChatCompletionCreateParams(raw: unknown): ChatCompletionCreateParams {
  if (!isRecord(raw)) throw invalidRequest("The request body must be a JSON object.", null, "invalid_json");
  refuseUnsupported(raw);
  const model = readString(raw.model, "model");
  if (model.trim() === "") throw invalidRequest("Invalid 'model': empty string.", "model", "empty_string");
  const rawMessages = readArray(raw.messages, "messages");
  if (rawMessages.length === 0) {
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1.",
      "messages",
      "empty_array",
    );
  }
  const messages = rawMessages.map(parseMessage);
  const stream = optionalBoolean(raw.stream, "stream") ?? false;
  const streamOptions =
    raw.stream_options === undefined || raw.stream_options === null
      ? undefined
      : readRecord(raw.stream_options, "stream_options");
  const includeUsage = optionalBoolean(streamOptions?.include_usage, "stream_options.include_usage");
  const tools =
    raw.tools === undefined || raw.tools === null ? undefined : readArray(raw.tools, "tools").map(parseTool);
  const optional = {
    max_completion_tokens: optionalInteger(
      raw.max_completion_tokens,
      "max_completion_tokens",
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    max_tokens: optionalInteger(raw.max_tokens, "max_tokens", 1, Number.MAX_SAFE_INTEGER),
    temperature: optionalNumber(raw.temperature, "temperature", 0, 2),
    top_p: optionalNumber(raw.top_p, "top_p", 0, 1),
    stop: parseStop(raw.stop),
    tools: tools !== undefined && tools.length > 0 ? tools : undefined,
    tool_choice: parseToolChoice(raw.tool_choice),
    parallel_tool_calls: optionalBoolean(raw.parallel_tool_calls, "parallel_tool_calls"),
    response_format: parseResponseFormat(raw.response_format),
    stream_options: includeUsage === undefined ? undefined : { include_usage: includeUsage },
  };
  const params: ChatCompletionCreateParams = {
    model,
    messages,
    stream,
    n: optionalInteger(raw.n, "n", 1, 128) ?? 1,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (params as unknown as Json)[key] = value;
  }
  return params;
}
