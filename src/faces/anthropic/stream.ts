// A finished Message → Anthropic's stream event sequence (CONTRACT §3b), as typed objects:
// message_start (empty content, stop_reason null), then per block content_block_start, its deltas
// (`text_delta`, `thinking_delta`, `input_json_delta` for tool inputs) and content_block_stop, then
// message_delta (stop reason, usage, and `bedrock`) and message_stop. A `ping` follows message_start,
// as Anthropic sends one. Only the face's writer turns these into frames.
import { slices, splitText } from "../../translation/stream.ts";
import type { ContentBlock, ContentDelta, Message, MessageStreamEvent } from "./types.ts";

const PIECE = 24;

/** A block as content_block_start announces it: empty, its content follows in deltas. */
function emptied(block: ContentBlock): ContentBlock {
  switch (block.type) {
    case "text":
      return { type: "text", text: "" };
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: {} };
  }
}

function deltas(block: ContentBlock): ContentDelta[] {
  switch (block.type) {
    case "text":
      return splitText(block.text, PIECE).map((text) => ({ type: "text_delta", text }));
    case "thinking":
      return splitText(block.thinking, PIECE).map((thinking) => ({ type: "thinking_delta", thinking }));
    case "tool_use":
      return slices(JSON.stringify(block.input), PIECE * 2).map((partial_json) => ({
        type: "input_json_delta",
        partial_json,
      }));
  }
}

export function toStreamEvents(message: Message): MessageStreamEvent[] {
  const { bedrock, stop_reason, stop_sequence, usage, content, ...head } = message;
  const events: MessageStreamEvent[] = [
    {
      type: "message_start",
      // Anthropic reports the input tokens up front and the output tokens at the end.
      message: {
        ...head,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 0 },
      },
    },
    { type: "ping" },
  ];
  content.forEach((block, index) => {
    events.push({ type: "content_block_start", index, content_block: emptied(block) });
    for (const delta of deltas(block)) events.push({ type: "content_block_delta", index, delta });
    events.push({ type: "content_block_stop", index });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason, stop_sequence },
    usage,
    ...(bedrock === undefined ? {} : { bedrock }),
  });
  events.push({ type: "message_stop" });
  return events;
}

/** The text an event adds, for stream pacing. */
export function eventText(event: MessageStreamEvent): string {
  if (event.type !== "content_block_delta") return "";
  const d = event.delta;
  return d.type === "text_delta"
    ? d.text
    : d.type === "thinking_delta"
      ? d.thinking
      : d.type === "input_json_delta"
        ? d.partial_json
        : "";
}
