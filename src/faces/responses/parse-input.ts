// Parsing of `input`: a string, or items (messages with input_text/input_image/output_text parts,
// function_call, function_call_output, item_reference); reasoning items are accepted and dropped, any
// other item type (built-in tool calls the proxy cannot make) is a 400 naming it.
import { invalidRequest } from "../../shared/errors.ts";
import { isRecord, oneOf, optionalString, readArray, readRecord, readString } from "../../openai/read.ts";
import type { ResponseInputContent, ResponseInputItem, ResponseItemReference } from "./types.ts";

const ROLES = ["user", "system", "developer", "assistant"] as const;
const DETAILS = ["low", "high", "auto"] as const;

function unsupported(what: string, param: string): Error {
  return invalidRequest(
    `${what} cannot be carried to the proxy's models; send text, images (data URLs), function calls and their outputs.`,
    param,
    "unsupported_parameter",
  );
}

function parsePart(raw: unknown, param: string): ResponseInputContent {
  const part = readRecord(raw, param);
  const type = readString(part.type, `${param}.type`);
  switch (type) {
    case "input_text":
      return { type, text: readString(part.text, `${param}.text`) };
    case "output_text":
      return { type, text: readString(part.text, `${param}.text`), annotations: [] };
    case "refusal":
      return { type: "output_text", text: readString(part.refusal, `${param}.refusal`), annotations: [] };
    case "input_image": {
      if (part.file_id !== undefined && part.file_id !== null)
        throw unsupported("Images by 'file_id' (the Files API is not served)", `${param}.file_id`);
      const detail =
        part.detail === undefined || part.detail === null
          ? "auto"
          : oneOf(part.detail, `${param}.detail`, DETAILS);
      return { type, image_url: readString(part.image_url, `${param}.image_url`), detail };
    }
    default:
      throw unsupported(`Content parts of type '${type}'`, `${param}.type`);
  }
}

function parseContent(value: unknown, param: string): ResponseInputContent[] {
  if (typeof value === "string") return [{ type: "input_text", text: value }];
  return readArray(value, param).map((p, j) => parsePart(p, `${param}[${j}]`));
}

/** A tool's output: a string, or content parts whose text is joined (images in tool results: 400). */
function parseOutput(value: unknown, param: string): string {
  if (typeof value === "string") return value;
  return parseContent(value, param)
    .map((part, j) => {
      if (part.type === "input_image")
        throw unsupported("Images in a function_call_output", `${param}[${j}]`);
      return part.text;
    })
    .join("");
}

function withId(id: string | undefined): { id?: string } {
  return id === undefined ? {} : { id };
}

/** One item, or undefined when it is dropped (reasoning). */
function parseItem(raw: unknown, param: string): ResponseInputItem | ResponseItemReference | undefined {
  const item = readRecord(raw, param);
  // EasyInputMessage: `{role, content}` without a type is a message.
  const type =
    item.type === undefined && item.role !== undefined ? "message" : readString(item.type, `${param}.type`);
  const id = optionalString(item.id, `${param}.id`);
  switch (type) {
    case "message":
      return {
        type,
        ...withId(id),
        role: oneOf(item.role, `${param}.role`, ROLES),
        content: parseContent(item.content, `${param}.content`),
      };
    case "function_call":
      return {
        type,
        ...withId(id),
        call_id: readString(item.call_id, `${param}.call_id`),
        name: readString(item.name, `${param}.name`),
        arguments: optionalString(item.arguments, `${param}.arguments`) ?? "",
      };
    case "function_call_output":
      return {
        type,
        ...withId(id),
        call_id: readString(item.call_id, `${param}.call_id`),
        output: parseOutput(item.output, `${param}.output`),
      };
    case "item_reference":
      return { type, id: readString(item.id, `${param}.id`) };
    case "reasoning":
      return undefined; // the proxy's models take no reasoning input: accepted and dropped
    default:
      throw unsupported(`Input items of type '${type}'`, `${param}.type`);
  }
}

/** `input` → items in order. A string is one user message. */
export function parseInput(value: unknown): (ResponseInputItem | ResponseItemReference)[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string")
    return [{ type: "message", role: "user", content: [{ type: "input_text", text: value }] }];
  if (!Array.isArray(value) && !isRecord(value))
    throw invalidRequest("Invalid 'input': expected a string or an array of items.", "input", "invalid_type");
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((raw, i) => parseItem(raw, `input[${i}]`) ?? []);
}
