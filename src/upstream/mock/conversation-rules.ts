// What Bedrock rejects in a conversation's order and content, so code that passes offline does not fail
// live (CONTRACT §5 "Bedrock's own validation"). Claude runs on InvokeModel with Anthropic's Messages
// validation; the other families go through Bedrock's Converse-style checks, whose wording differs.
// Consecutive user turns are accepted for every family: PROXY.md observes clients folding the system
// prompt into a first "System: …" user turn, and that works through the proxy.
import type { ModelInfo } from "../../models/catalog.ts";
import type { InvokeMessage, InvokeRequest, UpstreamResponse } from "../types.ts";
import { validationError } from "./replies.ts";

type Dialect = "anthropic" | "converse";

const dialectOf = (model: ModelInfo): Dialect =>
  model.family.id === "anthropic-claude" ? "anthropic" : "converse";

/** The turns Bedrock orders (a `role: "system"` message, which the simulator tolerates, is not one). */
function turns(request: InvokeRequest): { message: InvokeMessage; index: number }[] {
  return request.messages
    .map((message, index) => ({ message, index }))
    .filter(({ message }) => (message.role as string) !== "system");
}

function firstTurnProblem(request: InvokeRequest, dialect: Dialect): string | undefined {
  const first = turns(request)[0];
  if (first === undefined || first.message.role === "user") return undefined;
  return dialect === "anthropic"
    ? 'messages: first message must use the "user" role'
    : "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
}

function emptyTextProblem(request: InvokeRequest, dialect: Dialect): string | undefined {
  const all = turns(request);
  for (const [position, { message, index }] of all.entries()) {
    // Anthropic lets the final assistant turn be empty (a prefill the model continues from).
    const finalAssistant = position === all.length - 1 && message.role === "assistant";
    const blocks =
      typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (blocks.length === 0 && !finalAssistant) {
      return dialect === "anthropic"
        ? `messages.${index}: all messages must have non-empty content except for the optional final assistant message`
        : `The content field in the Message object at messages.${index} is empty. Add a ContentBlock object to the content field and try again.`;
    }
    for (const [j, block] of blocks.entries()) {
      if (block.type !== "text" || typeof block.text !== "string" || block.text.trim() !== "") continue;
      if (finalAssistant && block.text === "") continue;
      if (dialect === "converse")
        return `The text field in the ContentBlock object at messages.${index}.content.${j} is blank. Add text to the text field, and try again.`;
      return block.text === ""
        ? "messages: text content blocks must be non-empty"
        : "messages: text content blocks must contain non-whitespace text";
    }
  }
  return undefined;
}

function toolPairingProblem(request: InvokeRequest): string | undefined {
  const all = turns(request);
  for (const [position, { message, index }] of all.entries()) {
    if (message.role !== "user" || typeof message.content === "string") continue;
    const previous = all[position - 1]?.message;
    const ids = new Set(
      previous !== undefined && previous.role === "assistant" && Array.isArray(previous.content)
        ? previous.content.flatMap((b) => (b.type === "tool_use" ? [b.id] : []))
        : [],
    );
    for (const [j, block] of message.content.entries()) {
      if (block.type !== "tool_result" || ids.has(block.tool_use_id)) continue;
      return (
        `messages.${index}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. ` +
        "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
      );
    }
  }
  return undefined;
}

/** Bedrock's 500 for a conversation it would not run, or undefined. */
export function conversationProblem(request: InvokeRequest, model: ModelInfo): UpstreamResponse | undefined {
  const dialect = dialectOf(model);
  const why =
    firstTurnProblem(request, dialect) ?? emptyTextProblem(request, dialect) ?? toolPairingProblem(request);
  return why === undefined ? undefined : validationError(why);
}
