// Anthropic content blocks, messages and tools: untrusted JSON → typed params, or a 400 naming the field
// (`messages[2].content[0].source`). What the proxy cannot carry but costs nothing to leave out —
// `cache_control` hints, signed `thinking` blocks replayed from earlier turns, tool fields the invoke
// shape has no place for — is noted in `dropped` (the `x-bedrock-dropped` header), never refused.
import {
  type Json,
  invalidType,
  oneOf,
  optionalBoolean,
  optionalString,
  readArray,
  readRecord,
  readString,
} from "../../openai/read.ts";
import { invalidRequest } from "../../shared/errors.ts";
import { quoteUser } from "../../shared/quote.ts";
import { BINARY_DOCUMENT_HINT, base64Text, documentText } from "../../translation/documents.ts";
import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice,
} from "./types.ts";

/** A name fit for a header value (keys come from a hostile body: no CR/LF, nothing unbounded). */
const LISTABLE = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Enough for every key a real client sends (Claude Code drops ~6); a body with thousands stays one line. */
const MAX_LISTED = 32;

/** What a request asked for that the proxy cannot carry, each named once, in the order met. */
export class Dropped {
  private readonly listed = new Set<string>();
  private unlisted = 0;
  add(name: string): void {
    if (this.listed.has(name)) return;
    if (LISTABLE.test(name) && this.listed.size < MAX_LISTED) this.listed.add(name);
    else this.unlisted++;
  }
  /** For `x-bedrock-dropped`: the names, and how many others were dropped unnamed. */
  get names(): string[] {
    const names = [...this.listed];
    if (this.unlisted > 0) names.push(`${this.unlisted}-more`);
    return names;
  }
  /** Notes `cache_control` on a block, tool or system part (prompt caching has no proxy equivalent). */
  hints(record: Json): void {
    if (record.cache_control !== undefined) this.add("cache_control");
  }
}

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

function textBlock(block: Json, param: string, dropped: Dropped): TextBlockParam {
  dropped.hints(block);
  return { type: "text", text: readString(block.text, `${param}.text`) };
}

function imageBlock(block: Json, param: string, dropped: Dropped): ImageBlockParam {
  dropped.hints(block);
  const source = readRecord(block.source, `${param}.source`);
  const kind = oneOf(source.type, `${param}.source.type`, ["base64", "url", "file"]);
  if (kind !== "base64") {
    throw invalidRequest(
      `${param}.source: images must be sent inline (source.type "base64"); the gateway fetches no URLs or files of its own.`,
      `${param}.source.type`,
      "unsupported_image_source",
    );
  }
  const mediaType = oneOf(source.media_type, `${param}.source.media_type`, IMAGE_TYPES);
  const data = readString(source.data, `${param}.source.data`);
  return { type: "image", source: { type: "base64", media_type: mediaType, data } };
}

/**
 * A `document` block: a text source (or a text/* base64 one, or `content` parts) travels as one text
 * block (translation/documents.ts); PDFs and fetched sources cannot be carried and are refused, saying so.
 */
function documentBlock(block: Json, param: string, dropped: Dropped): ContentBlockParam[] {
  dropped.hints(block);
  if (block.citations !== undefined && block.citations !== null) dropped.add("citations");
  const title = optionalString(block.title, `${param}.title`);
  const context = optionalString(block.context, `${param}.context`);
  const source = readRecord(block.source, `${param}.source`);
  const p = `${param}.source`;
  const kind = oneOf(source.type, `${p}.type`, ["text", "base64", "content", "url", "file"]);
  const asText = (text: string): TextBlockParam => ({
    type: "text",
    text: documentText(text, title, context),
  });
  switch (kind) {
    case "text":
      return [asText(readString(source.data, `${p}.data`))];
    case "base64": {
      const mediaType = readString(source.media_type, `${p}.media_type`);
      const text = mediaType.startsWith("text/")
        ? base64Text(readString(source.data, `${p}.data`))
        : undefined;
      if (text !== undefined) return [asText(text)];
      throw invalidRequest(
        `${p}: documents of type ${quoteUser(mediaType)} cannot be sent through the gateway: ${BINARY_DOCUMENT_HINT} (source.type "text").`,
        `${p}.media_type`,
        "unsupported_document",
      );
    }
    case "content": {
      if (typeof source.content === "string") return [asText(source.content)];
      const parts = readArray(source.content, `${p}.content`).map((raw, k) => {
        const part = readRecord(raw, `${p}.content[${k}]`);
        const type = oneOf(part.type, `${p}.content[${k}].type`, ["text", "image"]);
        return type === "text"
          ? textBlock(part, `${p}.content[${k}]`, dropped)
          : imageBlock(part, `${p}.content[${k}]`, dropped);
      });
      const text = parts.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("\n\n");
      return [asText(text), ...parts.filter((b) => b.type === "image")];
    }
    default:
      throw invalidRequest(
        `${p}: documents must be sent inline (source.type "text", or "base64" for text/*); the gateway fetches no URLs or files of its own.`,
        `${p}.type`,
        "unsupported_document",
      );
  }
}

function toolResultContent(
  value: unknown,
  param: string,
  dropped: Dropped,
): string | (TextBlockParam | ImageBlockParam)[] {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return readArray(value, param).map((raw, k) => {
    const p = `${param}[${k}]`;
    const block = readRecord(raw, p);
    const type = oneOf(block.type, `${p}.type`, ["text", "image", "tool_reference"]);
    if (type === "tool_reference") {
      // Tool search's answer (Claude Code): it loads a deferred tool. Every tool already travels in full
      // in `tools`, so only the name is worth keeping, as text.
      dropped.add("tool_reference");
      return { type: "text", text: `Tool loaded: ${readString(block.tool_name, `${p}.tool_name`)}` };
    }
    return type === "text" ? textBlock(block, p, dropped) : imageBlock(block, p, dropped);
  });
}

function block(
  raw: unknown,
  param: string,
  role: "user" | "assistant",
  dropped: Dropped,
): ContentBlockParam[] {
  const block = readRecord(raw, param);
  const type = readString(block.type, `${param}.type`);
  switch (type) {
    case "text":
      return [textBlock(block, param, dropped)];
    case "image":
      return [imageBlock(block, param, dropped)];
    case "document":
      return documentBlock(block, param, dropped);
    case "tool_use": {
      dropped.hints(block);
      const input =
        block.input === undefined || block.input === null ? {} : readRecord(block.input, `${param}.input`);
      return [
        {
          type: "tool_use",
          id: readString(block.id, `${param}.id`),
          name: readString(block.name, `${param}.name`),
          input,
        },
      ];
    }
    case "tool_result": {
      dropped.hints(block);
      const isError = optionalBoolean(block.is_error, `${param}.is_error`);
      return [
        {
          type: "tool_result",
          tool_use_id: readString(block.tool_use_id, `${param}.tool_use_id`),
          content: toolResultContent(block.content, `${param}.content`, dropped),
          ...(isError === undefined ? {} : { is_error: isError }),
        },
      ];
    }
    case "thinking":
    case "redacted_thinking":
      // Signed reasoning from an earlier turn: the proxy returns none and takes none back.
      if (role === "assistant") {
        dropped.add("thinking");
        return [];
      }
      break;
  }
  throw invalidRequest(
    `${param}.type: content blocks of type '${type}' are not supported by the proxy (text, image, document, tool_use, tool_result).`,
    `${param}.type`,
    "unsupported_content_block",
  );
}

/** String content, or a list of blocks (a list of text parts for system content). */
function content(
  value: unknown,
  param: string,
  role: "user" | "assistant",
  dropped: Dropped,
): ContentBlockParam[] {
  if (typeof value === "string") return [{ type: "text", text: value }];
  if (!Array.isArray(value)) throw invalidType(param, "a string or an array of content blocks", value);
  return value.flatMap((raw, j) => block(raw, `${param}[${j}]`, role, dropped));
}

/** `system` as a string or text blocks → its texts. */
export function systemTexts(value: unknown, param: string, dropped: Dropped): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw invalidType(param, "a string or an array of text blocks", value);
  return value.map((raw, j) => {
    const p = `${param}[${j}]`;
    const part = readRecord(raw, p);
    oneOf(part.type, `${p}.type`, ["text"]);
    return textBlock(part, p, dropped).text;
  });
}

/**
 * `messages` → user/assistant turns, with `role: "system"` messages (newer clients send them after the
 * user turn) lifted into `system` in order.
 */
export function parseMessages(value: unknown, system: string[], dropped: Dropped): MessageParam[] {
  const messages: MessageParam[] = [];
  readArray(value, "messages").forEach((raw, i) => {
    const param = `messages[${i}]`;
    const message = readRecord(raw, param);
    const role = oneOf(message.role, `${param}.role`, ["user", "assistant", "system"]);
    if (role === "system") {
      system.push(...systemTexts(message.content, `${param}.content`, dropped));
      return;
    }
    messages.push({ role, content: content(message.content, `${param}.content`, role, dropped) });
  });
  return messages;
}

const TOOL_KEYS = new Set(["name", "description", "input_schema", "type", "cache_control"]);

export function parseTools(value: unknown, dropped: Dropped): Tool[] | undefined {
  if (value === undefined || value === null) return undefined;
  return readArray(value, "tools").flatMap((raw, j): Tool[] => {
    const param = `tools[${j}]`;
    const tool = readRecord(raw, param);
    const type = optionalString(tool.type, `${param}.type`);
    // Anthropic's server tools (web search, code execution, …) run on Anthropic's side: no proxy has them.
    if (type !== undefined && type !== "custom" && tool.input_schema === undefined) {
      dropped.add(`tools:${type}`);
      return [];
    }
    dropped.hints(tool);
    for (const key of Object.keys(tool)) if (!TOOL_KEYS.has(key)) dropped.add(`tools.${key}`);
    const name = readString(tool.name, `${param}.name`);
    if (name.trim() === "")
      throw invalidRequest(`${param}.name: empty string.`, `${param}.name`, "invalid_value");
    const description = optionalString(tool.description, `${param}.description`);
    const schema = readRecord(tool.input_schema, `${param}.input_schema`);
    return [{ name, input_schema: schema, ...(description === undefined ? {} : { description }) }];
  });
}

export function parseToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  const choice = readRecord(value, "tool_choice");
  const type = oneOf(choice.type, "tool_choice.type", ["auto", "any", "tool", "none"]);
  const parallel = optionalBoolean(choice.disable_parallel_tool_use, "tool_choice.disable_parallel_tool_use");
  const extra = parallel === undefined ? {} : { disable_parallel_tool_use: parallel };
  if (type === "tool") return { type, name: readString(choice.name, "tool_choice.name"), ...extra };
  return { type, ...extra };
}
