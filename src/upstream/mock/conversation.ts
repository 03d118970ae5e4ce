// Facts about a conversation the simulator's behaviour depends on: the last user text and whether the
// last turn hands back tool results.
import type { InvokeMessage, InvokeRequest } from "../types.ts";

/** A message's text blocks, joined (images and tool blocks left out). */
export function textOf(message: InvokeMessage): string {
  if (typeof message.content === "string") return message.content;
  return message.content
    .map((b) => (b.type === "text" && typeof b.text === "string" ? b.text : ""))
    .join("\n");
}

/** The text of the last user turn (tool results excluded), or "" when there is none. */
export function lastUserText(request: InvokeRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === "user") {
      if (typeof message.content === "string") return message.content;
      const { texts, results } = userBlocks(message.content);
      if (texts.length > 0 || (results === 0 && !endsWithToolResultMessage(message))) return texts.join("\n");
    }
  }
  return "";
}

/**
 * What the user asked last: the last text block of the last user turn. Clients fold the system prompt
 * (and Claude Code its reminders) into the front of that turn as blocks of their own, and a model does
 * not take the tools a system prompt describes for the user's question.
 */
export function lastUserQuestion(request: InvokeRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role !== "user") continue;
    if (typeof message.content === "string") return message.content;
    const { texts, results } = userBlocks(message.content);
    if (texts.length > 0 || (results === 0 && !endsWithToolResultMessage(message))) return texts.at(-1) ?? "";
  }
  return "";
}

function isToolResultText(text: string): boolean {
  return text.trimStart().startsWith("<tool_result") && text.trimEnd().endsWith("</tool_result>");
}

/**
 * A user turn's non-blank texts, and how many of its text blocks are tool results written as text
 * (`<tool_result …>`: tool emulation, or a history whose tools were left out) — no more the user's words
 * than a tool_result block is.
 */
function userBlocks(content: Exclude<InvokeMessage["content"], string>): {
  texts: string[];
  results: number;
} {
  const texts: string[] = [];
  let results = 0;
  for (const b of content) {
    if (b.type !== "text" || b.text.trim() === "") continue;
    if (isToolResultText(b.text)) results++;
    else texts.push(b.text);
  }
  return { texts, results };
}

function endsWithToolResultMessage(message: InvokeMessage): boolean {
  return Array.isArray(message.content) && message.content.some((b) => b.type === "tool_result");
}

/** True when the last turn is a user turn carrying `tool_result` blocks. */
export function endsWithToolResult(request: InvokeRequest): boolean {
  const last = request.messages[request.messages.length - 1];
  return last !== undefined && last.role === "user" && endsWithToolResultMessage(last);
}

/**
 * Ways a prompt asks for a JSON answer: a sentence opening "Reply with one valid JSON object", "Respond
 * only in JSON", "Return JSON"; "Give me JSON with key a", "Generate a JSON object"; "… as JSON:",
 * "Format the output as JSON." — but not JSON as a subject ("Write a JSON parser", "parse dates in JSON?").
 */
const JSON_INSTRUCTIONS: readonly RegExp[] = [
  /(^|[.!?:\n]\s*)(please\s+)?(reply|respond|answer|return|output)\b[^.\n]{0,40}\bJSON\b/i,
  /\b(?:give|send|provide|produce|generate|return|write|create)\s+(?:me\s+|us\s+)?(?:back\s+)?(?:a\s+|an\s+|the\s+|only\s+)?(?:valid\s+|raw\s+|plain\s+|single\s+)?JSON\b(?!\s+(?:parsers?|files?|librar(?:y|ies)|modules?|schemas?|is|was|format\s+is)\b)/i,
  /\b(?:as|in)\s+(?:valid\s+|raw\s+|plain\s+)?JSON(?:\s+(?:format|only))?\s*(?:[.:!]|$)/im,
];

const asks = (text: string): boolean => JSON_INSTRUCTIONS.some((p) => p.test(text));

/**
 * The text an assistant turn closing the conversation puts in the model's mouth (a prefill, as
 * Anthropic's docs teach: `{"role": "assistant", "content": "{"}`), or "" when the user spoke last.
 */
export function prefillOf(request: InvokeRequest): string {
  const last = request.messages[request.messages.length - 1];
  return last?.role === "assistant" ? textOf(last).trimEnd() : "";
}

/**
 * True when the system prompt or a user turn tells the model to answer in JSON (a prompt-only JSON mode),
 * or a prefill opens a JSON object or array.
 */
export function asksForJson(request: InvokeRequest): boolean {
  if (typeof request.system === "string" && asks(request.system)) return true;
  if (/^[{[]/.test(prefillOf(request))) return true;
  return request.messages.some((m) => m.role === "user" && asks(textOf(m)));
}
