// The request parser: untrusted JSON → ResponseCreateParams, or a 400 naming `param`. Built-in tools
// (web_search, file_search, code_interpreter, …) run on OpenAI's side and have no proxy equivalent: a 400
// naming the tool. Keys the proxy cannot use are ignored (IGNORED_KEYS); unknown keys too, as on
// /v1/chat/completions, because clients add fields of their own.
import { invalidRequest } from "../../shared/errors.ts";
import { quoteUser } from "../../shared/quote.ts";
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
} from "../../openai/read.ts";
import { parseInput } from "./parse-input.ts";
import type {
  ResponseCreateParams,
  ResponseFunctionTool,
  ResponseTextFormat,
  ResponseToolChoice,
} from "./types.ts";

/**
 * Keys accepted and not forwarded: include/user/safety_identifier/prompt_cache_key/service_tier/
 * truncation/stream_options have no proxy field; reasoning: the proxy exposes no thinking control.
 */
export const IGNORED_KEYS: readonly string[] = [
  "include",
  "user",
  "safety_identifier",
  "prompt_cache_key",
  "prompt_cache_retention",
  "service_tier",
  "truncation",
  "stream_options",
  "reasoning",
  "max_tool_calls",
];

function parseTool(raw: unknown, j: number): ResponseFunctionTool {
  const param = `tools[${j}]`;
  const tool = readRecord(raw, param);
  const type = readString(tool.type, `${param}.type`);
  if (type !== "function") {
    throw invalidRequest(
      `The built-in tool ${quoteUser(type)} is not served: the proxy's models run no OpenAI-hosted tools. Use function tools and run the tool yourself.`,
      `${param}.type`,
      "unsupported_tool",
    );
  }
  const name = readString(tool.name, `${param}.name`);
  if (name.trim() === "")
    throw invalidRequest(`Invalid '${param}.name': empty string.`, `${param}.name`, "empty_string");
  const parameters =
    tool.parameters === undefined || tool.parameters === null
      ? null
      : readRecord(tool.parameters, `${param}.parameters`);
  return {
    type: "function",
    name,
    description: optionalString(tool.description, `${param}.description`) ?? null,
    parameters,
    strict: optionalBoolean(tool.strict, `${param}.strict`) ?? null,
  };
}

function parseToolChoice(value: unknown): ResponseToolChoice {
  if (value === undefined || value === null) return "auto";
  if (typeof value === "string") return oneOf(value, "tool_choice", ["none", "auto", "required"] as const);
  const choice = readRecord(value, "tool_choice");
  const type = readString(choice.type, "tool_choice.type");
  if (type !== "function") {
    throw invalidRequest(
      `tool_choice of type ${quoteUser(type)} is not served: only 'none', 'auto', 'required' and {type: 'function', name} are.`,
      "tool_choice.type",
      "unsupported_tool",
    );
  }
  return { type: "function", name: readString(choice.name, "tool_choice.name") };
}

function parseFormat(text: unknown): ResponseTextFormat {
  if (text === undefined || text === null) return { type: "text" };
  const format = readRecord(text, "text").format;
  if (format === undefined || format === null) return { type: "text" };
  const f = readRecord(format, "text.format");
  const type = oneOf(f.type, "text.format.type", ["text", "json_object", "json_schema"] as const);
  if (type !== "json_schema") return { type };
  const description = optionalString(f.description, "text.format.description");
  const strict = optionalBoolean(f.strict, "text.format.strict");
  return {
    type,
    name: readString(f.name, "text.format.name"),
    schema: readRecord(f.schema, "text.format.schema"),
    ...(description === undefined ? {} : { description }),
    ...(strict === undefined ? {} : { strict }),
  };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const map = readRecord(value, "metadata");
  for (const [key, v] of Object.entries(map)) readString(v, `metadata.${key}`);
  return map as Record<string, string>;
}

/** Features the proxy cannot honour: refused so the caller learns it now rather than by surprise. */
function refuseUnsupported(body: Json): void {
  const refuse = (param: string, why: string): never => {
    throw invalidRequest(`'${param}' is not supported: ${why}`, param, "unsupported_parameter");
  };
  if (body.background === true) refuse("background", "responses are answered in the request.");
  if (body.conversation !== undefined && body.conversation !== null)
    refuse("conversation", "the Conversations API is not served; use previous_response_id.");
  if (body.prompt !== undefined && body.prompt !== null)
    refuse("prompt", "stored prompt templates are not served.");
  if (typeof body.top_logprobs === "number" && body.top_logprobs > 0)
    refuse("top_logprobs", "Bedrock returns no token log probabilities.");
}

/** Parse a POST /v1/responses body. Throws a 400 GatewayError naming `param` on bad input. */
export function parseResponseCreateParams(raw: unknown): ResponseCreateParams {
  if (!isRecord(raw)) throw invalidRequest("The request body must be a JSON object.", null, "invalid_json");
  refuseUnsupported(raw);
  const model = readString(raw.model, "model");
  if (model.trim() === "") throw invalidRequest("Invalid 'model': empty string.", "model", "empty_string");
  const tools =
    raw.tools === undefined || raw.tools === null ? [] : readArray(raw.tools, "tools").map(parseTool);
  const previous = optionalString(raw.previous_response_id, "previous_response_id") ?? null;
  const input = parseInput(raw.input);
  if (input.length === 0 && previous === null)
    throw invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  return {
    model,
    input,
    instructions: optionalString(raw.instructions, "instructions") ?? null,
    tools,
    tool_choice: parseToolChoice(raw.tool_choice),
    parallel_tool_calls: optionalBoolean(raw.parallel_tool_calls, "parallel_tool_calls") ?? true,
    text: { format: parseFormat(raw.text) },
    max_output_tokens:
      optionalInteger(raw.max_output_tokens, "max_output_tokens", 1, Number.MAX_SAFE_INTEGER) ?? null,
    temperature: optionalNumber(raw.temperature, "temperature", 0, 2) ?? null,
    top_p: optionalNumber(raw.top_p, "top_p", 0, 1) ?? null,
    store: optionalBoolean(raw.store, "store") ?? true,
    previous_response_id: previous,
    metadata: parseMetadata(raw.metadata),
    stream: optionalBoolean(raw.stream, "stream") ?? false,
  };
}
