// OpenAI messages → the proxy's Anthropic-shaped turns (translation.md §1): system/developer collected
// in order, content parts to blocks, assistant tool_calls → tool_use, tool messages → tool_result,
// same-role neighbours merged, no blank text blocks, duplicate tool results deduped (last wins).
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from "../openai/types.ts";
import type { ModelInfo } from "../models/catalog.ts";
import { invalidRequest } from "../shared/errors.ts";
import type { InvokeContentBlock, InvokeMessage } from "../upstream/types.ts";
import { sanitizeToolName, toUpstreamToolUseId } from "./tool-ids.ts";

/** Image types Anthropic and Bedrock accept (LiteLLM-C `get_supported_image_types`). */
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  "image/png": "image/png",
  "image/jpeg": "image/jpeg",
  "image/jpg": "image/jpeg",
  "image/gif": "image/gif",
  "image/webp": "image/webp",
};
const DATA_URL = /^data:([^;,]+);base64,([A-Za-z0-9+/=\s]+)$/;

export interface Turn {
  role: "user" | "assistant";
  blocks: InvokeContentBlock[];
  /** Index of the first OpenAI message that fed this turn (for error params). */
  from: number;
}

export interface ConvertOptions {
  model: ModelInfo;
  /** Render tool calls and results as text (families without native tools). */
  toolsAsText: boolean;
}

export function collectSystem(messages: readonly ChatCompletionMessageParam[]): string[] {
  const texts: string[] = [];
  for (const m of messages) {
    if (m.role !== "system" && m.role !== "developer") continue;
    const parts =
      typeof m.content === "string" ? [m.content] : m.content.map((p) => (p.type === "text" ? p.text : ""));
    for (const text of parts) if (text.trim() !== "") texts.push(text);
  }
  return texts;
}

function textOf(content: string | ChatCompletionContentPart[]): string {
  return typeof content === "string"
    ? content
    : content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

function imageBlock(url: string, param: string, model: ModelInfo): InvokeContentBlock {
  if (!model.capabilities.vision) {
    throw invalidRequest(
      `Model ${model.id} does not accept images; use a vision model (see GET /v1/models, capabilities.vision).`,
      param,
      "model_not_vision_capable",
    );
  }
  if (/^https?:/i.test(url)) {
    throw invalidRequest(
      "Image URLs are not fetched: the gateway makes no outbound requests of its own. Send the image inline as a data URL (data:image/png;base64,…).",
      `${param}.image_url.url`,
      "unsupported_image_url",
    );
  }
  const match = DATA_URL.exec(url);
  const mediaType = match?.[1] === undefined ? undefined : IMAGE_TYPES[match[1].toLowerCase()];
  if (match?.[2] === undefined || mediaType === undefined) {
    throw invalidRequest(
      "Images must be base64 data URLs of type png, jpeg, gif or webp.",
      `${param}.image_url.url`,
      "invalid_image_url",
    );
  }
  return {
    type: "image",
    source: { type: "base64", media_type: mediaType, data: match[2].replace(/\s/g, "") },
  };
}

function userBlocks(
  content: string | ChatCompletionContentPart[],
  i: number,
  model: ModelInfo,
): InvokeContentBlock[] {
  if (typeof content === "string") return content.trim() === "" ? [] : [{ type: "text", text: content }];
  return content.flatMap((part, j): InvokeContentBlock[] => {
    const param = `messages[${i}].content[${j}]`;
    switch (part.type) {
      case "text":
        return part.text.trim() === "" ? [] : [{ type: "text", text: part.text }];
      case "image_url":
        return [imageBlock(part.image_url.url, param, model)];
      default:
        throw invalidRequest(
          `Content parts of type '${part.type}' are not supported by the proxy.`,
          `${param}.type`,
          "unsupported_content_part",
        );
    }
  });
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  // Empty arguments mean "no arguments" (PK-A; LiteLLM tests in translation.md §12 #3).
  if (text.trim() === "" || text.trim() === '""') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest(
      `Invalid '${param}': the arguments are not valid JSON.`,
      param,
      "invalid_tool_arguments",
    );
  }
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

function toolCallText(name: string, input: Record<string, unknown>): string {
  return `<tool_call>${JSON.stringify({ name, arguments: input })}</tool_call>`;
}

function assistantBlocks(
  m: Extract<ChatCompletionMessageParam, { role: "assistant" }>,
  i: number,
  opts: ConvertOptions,
): InvokeContentBlock[] {
  const blocks: InvokeContentBlock[] = [];
  const text = m.content === null ? "" : textOf(m.content);
  if (text.trim() !== "") blocks.push({ type: "text", text });
  (m.tool_calls ?? []).forEach((call, j) => {
    const input = parseArguments(
      call.function.arguments,
      `messages[${i}].tool_calls[${j}].function.arguments`,
    );
    if (opts.toolsAsText) {
      blocks.push({ type: "text", text: toolCallText(call.function.name, input) });
    } else {
      blocks.push({
        type: "tool_use",
        id: toUpstreamToolUseId(call.id),
        name: sanitizeToolName(call.function.name),
        input,
      });
    }
  });
  return blocks;
}

function toolResultBlock(
  m: Extract<ChatCompletionMessageParam, { role: "tool" }>,
  opts: ConvertOptions,
): InvokeContentBlock {
  const content = textOf(m.content);
  if (opts.toolsAsText)
    return { type: "text", text: `<tool_result tool_call_id="${m.tool_call_id}">${content}</tool_result>` };
  return { type: "tool_result", tool_use_id: toUpstreamToolUseId(m.tool_call_id), content };
}

/** One upstream turn per OpenAI message (system messages skipped), before merging. */
function toTurns(messages: readonly ChatCompletionMessageParam[], opts: ConvertOptions): Turn[] {
  const turns: Turn[] = [];
  messages.forEach((m, i) => {
    switch (m.role) {
      case "system":
      case "developer":
        return;
      case "user":
        turns.push({ role: "user", blocks: userBlocks(m.content, i, opts.model), from: i });
        return;
      case "assistant":
        turns.push({ role: "assistant", blocks: assistantBlocks(m, i, opts), from: i });
        return;
      case "tool":
        turns.push({ role: "user", blocks: [toolResultBlock(m, opts)], from: i });
        return;
    }
  });
  return turns.filter((t) => t.blocks.length > 0);
}

const isToolResult = (b: InvokeContentBlock): boolean => b.type === "tool_result";

/** Tool results first (Anthropic's ordering rule), each id once: the last result for an id wins. */
function orderUserBlocks(blocks: InvokeContentBlock[]): InvokeContentBlock[] {
  const results = new Map<string, InvokeContentBlock>();
  for (const b of blocks) if (b.type === "tool_result") results.set(b.tool_use_id, b);
  return [...results.values(), ...blocks.filter((b) => !isToolResult(b))];
}

/**
 * Merge same-role neighbours. A user text turn that follows a tool-result turn joins it (tool results
 * first) when the family is Anthropic-native; other families get a placeholder assistant turn between,
 * because Bedrock rejects text and tool results in one turn for them (translation.md §1.4).
 */
export function mergeTurns(turns: readonly Turn[], mixToolResultsAndText: boolean): Turn[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    const last = merged.at(-1);
    if (last === undefined || last.role !== turn.role) {
      merged.push({ ...turn, blocks: [...turn.blocks] });
      continue;
    }
    const lastHasResults = last.blocks.some(isToolResult);
    const turnHasResults = turn.blocks.some(isToolResult);
    if (turn.role === "user" && !mixToolResultsAndText && lastHasResults !== turnHasResults) {
      merged.push({ role: "assistant", blocks: [{ type: "text", text: "(continued)" }], from: turn.from });
      merged.push({ ...turn, blocks: [...turn.blocks] });
      continue;
    }
    last.blocks.push(...turn.blocks);
  }
  for (const turn of merged) if (turn.role === "user") turn.blocks = orderUserBlocks(turn.blocks);
  return merged;
}

/** Blocks → the proxy's message: a lone text block travels as a plain string, as clients send it. */
export function toInvokeMessage(turn: Turn): InvokeMessage {
  const only = turn.blocks.length === 1 ? turn.blocks[0] : undefined;
  return { role: turn.role, content: only?.type === "text" ? only.text : turn.blocks };
}

export function convertMessages(
  messages: readonly ChatCompletionMessageParam[],
  opts: ConvertOptions,
  mixToolResultsAndText: boolean,
): Turn[] {
  return trimPrefill(mergeTurns(toTurns(messages, opts), mixToolResultsAndText));
}

/** Anthropic rejects trailing whitespace in a final assistant (prefill) turn (LiteLLM-F): trim it. */
export function trimPrefill(turns: Turn[]): Turn[] {
  const last = turns.at(-1);
  const lastBlock = last?.role === "assistant" ? last.blocks.at(-1) : undefined;
  if (lastBlock?.type === "text") lastBlock.text = lastBlock.text.trimEnd();
  return turns;
}
