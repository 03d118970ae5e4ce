// A finished Response → the Responses stream event sequence (CONTRACT §3c), as typed objects: created,
// in_progress; per output item added → (content part added → text or reasoning-text deltas → done → part done |
// argument deltas → arguments done) → item done; then completed (or incomplete). Text is cut with the
// same splitters as the Chat Completions stream. Only the writer frames events and numbers them.
import { slices, splitText } from "../../translation/stream.ts";
import type { ResponseObject, ResponseOutputItem, ResponseStreamEvent } from "./types.ts";

const PIECE = 24; // characters per text delta, as on /v1/chat/completions

function itemEvents(item: ResponseOutputItem, output_index: number): ResponseStreamEvent[] {
  const events: ResponseStreamEvent[] = [];
  if (item.type === "function_call") {
    const item_id = item.id;
    events.push({
      type: "response.output_item.added",
      output_index,
      item: { ...item, arguments: "", status: "in_progress" },
    });
    for (const delta of slices(item.arguments, PIECE * 2))
      events.push({ type: "response.function_call_arguments.delta", item_id, output_index, delta });
    events.push({
      type: "response.function_call_arguments.done",
      item_id,
      output_index,
      name: item.name,
      arguments: item.arguments,
    });
    events.push({ type: "response.output_item.done", output_index, item });
    return events;
  }
  const item_id = item.id;
  // A message's text parts and a reasoning item's reasoning text stream alike, each with its own events.
  events.push({
    type: "response.output_item.added",
    output_index,
    item: { ...item, status: "in_progress", content: [] },
  });
  item.content.forEach((part, content_index) => {
    const at = { item_id, output_index, content_index };
    events.push({ type: "response.content_part.added", ...at, part: { ...part, text: "" } });
    if (part.type === "reasoning_text") {
      for (const delta of splitText(part.text, PIECE))
        events.push({ type: "response.reasoning_text.delta", ...at, delta });
      events.push({ type: "response.reasoning_text.done", ...at, text: part.text });
    } else {
      for (const delta of splitText(part.text, PIECE))
        events.push({ type: "response.output_text.delta", ...at, delta, logprobs: [] });
      events.push({ type: "response.output_text.done", ...at, text: part.text, logprobs: [] });
    }
    events.push({ type: "response.content_part.done", ...at, part });
  });
  events.push({ type: "response.output_item.done", output_index, item });
  return events;
}

export function toStreamEvents(response: ResponseObject): ResponseStreamEvent[] {
  const { output: _output, usage: _usage, bedrock: _bedrock, ...base } = response;
  const pending: ResponseObject = {
    ...base,
    status: "in_progress",
    completed_at: null,
    incomplete_details: null,
    output: [],
  };
  const events: ResponseStreamEvent[] = [
    { type: "response.created", response: pending },
    { type: "response.in_progress", response: pending },
  ];
  response.output.forEach((item, i) => events.push(...itemEvents(item, i)));
  events.push({
    type: response.status === "incomplete" ? "response.incomplete" : "response.completed",
    response,
  });
  return events;
}

/** The text an event adds, for stream pacing. */
export function eventText(event: ResponseStreamEvent): string {
  return event.type === "response.output_text.delta" ||
    event.type === "response.function_call_arguments.delta"
    ? event.delta
    : "";
}
