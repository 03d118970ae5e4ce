// A finished Converse response → the ConverseStream event sequence (AWS API reference:
// ConverseStreamOutput): messageStart, per block its deltas and contentBlockStop — contentBlockStart only
// for tool use, as Bedrock sends it — then messageStop and metadata. Nova's native stream carries the
// same events as `{<type>: payload}` chunks. Typed events only; eventstream.ts frames them.
import { slices, splitText } from "../../translation/stream.ts";
import type { BedrockEvent, ConverseContentBlock, ConverseResponse } from "./wire.ts";

const PIECE = 24; // characters per text delta, as on the other faces

function blockEvents(block: ConverseContentBlock, index: number): BedrockEvent[] {
  const delta = (d: Record<string, unknown>): BedrockEvent => ({
    type: "contentBlockDelta",
    payload: { contentBlockIndex: index, delta: d },
  });
  const out: BedrockEvent[] = [];
  if (block.toolUse !== undefined) {
    const { toolUseId, name, input } = block.toolUse;
    out.push({
      type: "contentBlockStart",
      payload: { contentBlockIndex: index, start: { toolUse: { toolUseId, name } } },
    });
    for (const piece of slices(JSON.stringify(input ?? {}), PIECE * 2))
      out.push(delta({ toolUse: { input: piece } }));
  } else if (block.reasoningContent !== undefined) {
    for (const piece of splitText(block.reasoningContent.reasoningText?.text ?? "", PIECE))
      out.push(delta({ reasoningContent: { text: piece } }));
  } else {
    for (const piece of splitText(block.text ?? "", PIECE)) out.push(delta({ text: piece }));
  }
  out.push({ type: "contentBlockStop", payload: { contentBlockIndex: index } });
  return out;
}

export function converseStreamEvents(response: ConverseResponse): BedrockEvent[] {
  return [
    { type: "messageStart", payload: { role: "assistant" } },
    ...response.output.message.content.flatMap(blockEvents),
    { type: "messageStop", payload: { stopReason: response.stopReason } },
    { type: "metadata", payload: { usage: response.usage, metrics: response.metrics } },
  ];
}

/** The text an event adds, for stream pacing. */
export function eventText(event: BedrockEvent): string {
  const delta = event.payload.delta as { text?: string; toolUse?: { input?: string } } | undefined;
  return delta?.text ?? delta?.toolUse?.input ?? "";
}
