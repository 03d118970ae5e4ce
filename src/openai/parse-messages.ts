// Parsing of `messages[]`: roles, content parts and tool calls, each failure naming its exact param.
import { invalidRequest } from "../shared/errors.ts";
import { invalidType, oneOf, optionalString, readArray, readRecord, readString } from "./read.ts";
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from "./types.ts";

const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;
const USER_PART_TYPES = ["text", "image_url", "input_audio", "file"] as const;

function parseParts(
  value: unknown[],
  param: string,
  allowed: readonly string[],
): ChatCompletionContentPart[] {
  return value.map((raw, j) => {
    const p = `${param}[${j}]`;
    const part = readRecord(raw, p);
    const type = oneOf(part.type, `${p}.type`, allowed);
    if (type === "text") return { type, text: readString(part.text, `${p}.text`) };
    if (type === "refusal") return { type: "text", text: readString(part.refusal, `${p}.refusal`) };
    if (type === "image_url") {
      const image = readRecord(part.image_url, `${p}.image_url`);
      const detail = optionalString(image.detail, `${p}.image_url.detail`);
      return {
        type,
        image_url: {
          url: readString(image.url, `${p}.image_url.url`),
          ...(detail === undefined ? {} : { detail }),
        },
      };
    }
    return { ...part, type: type as "input_audio" | "file" };
  });
}

function parseContent(
  value: unknown,
  param: string,
  allowed: readonly string[],
): string | ChatCompletionContentPart[] {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return parseParts(value, param, allowed);
  if (value === undefined)
    throw invalidRequest(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
  throw invalidType(param, "a string or an array of content parts", value);
}

function parseToolCall(raw: unknown, param: string): ChatCompletionMessageToolCall {
  const call = readRecord(raw, param);
  oneOf(call.type ?? "function", `${param}.type`, ["function"]);
  const fn = readRecord(call.function, `${param}.function`);
  const args =
    fn.arguments === undefined || fn.arguments === null
      ? ""
      : readString(fn.arguments, `${param}.function.arguments`);
  return {
    id: readString(call.id, `${param}.id`),
    type: "function",
    function: { name: readString(fn.name, `${param}.function.name`), arguments: args },
  };
}

export function parseMessage(raw: unknown, i: number): ChatCompletionMessageParam {
  const param = `messages[${i}]`;
  const m = readRecord(raw, param);
  const role = oneOf(m.role, `${param}.role`, ROLES);
  const content = `${param}.content`;
  switch (role) {
    case "system":
    case "developer":
      return { role, content: parseContent(m.content, content, ["text"]) };
    case "user":
      return { role, content: parseContent(m.content, content, USER_PART_TYPES) };
    case "assistant": {
      const calls =
        m.tool_calls === undefined || m.tool_calls === null
          ? []
          : readArray(m.tool_calls, `${param}.tool_calls`);
      const tool_calls = calls.map((c, j) => parseToolCall(c, `${param}.tool_calls[${j}]`));
      if (m.function_call !== undefined && m.function_call !== null)
        throw legacyFunctions(`${param}.function_call`);
      const text =
        m.content === undefined || m.content === null
          ? null
          : parseContent(m.content, content, ["text", "refusal"]);
      if (text === null && tool_calls.length === 0) {
        throw invalidRequest(
          `Invalid '${content}': an assistant message needs content or tool_calls.`,
          content,
          "missing_required_parameter",
        );
      }
      return { role, content: text, ...(tool_calls.length > 0 ? { tool_calls } : {}) };
    }
    case "tool":
      return {
        role,
        content: parseContent(m.content, content, ["text"]),
        tool_call_id: readString(m.tool_call_id, `${param}.tool_call_id`),
      };
    case "function":
      throw legacyFunctions(`${param}.role`);
  }
}

export function legacyFunctions(param: string): Error {
  return invalidRequest(
    `The deprecated 'functions'/'function_call' interface is not supported (at '${param}'); use 'tools' and 'tool_choice'.`,
    param,
    "unsupported_parameter",
  );
}
