// The upstream's 2xx body (text) → a typed InvokeResponse, or the retryable 502 `upstream_malformed` when
// it is not one. result.ts calls it once per answer that came as text (live, replay).
// The body is hostile: only the shapes PROXY.md documents get through.
import { upstreamMalformed as malformed } from "./errors.ts";
import type { InvokeContentBlock, InvokeResponse } from "./types.ts";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function block(raw: unknown): InvokeContentBlock[] {
  if (!isRecord(raw)) return [];
  if (raw.type === "text" && typeof raw.text === "string") return [{ type: "text", text: raw.text }];
  if (raw.type === "tool_use" && typeof raw.id === "string" && typeof raw.name === "string") {
    return [{ type: "tool_use", id: raw.id, name: raw.name, input: isRecord(raw.input) ? raw.input : {} }];
  }
  // Other block kinds (thinking, images) carry nothing an OpenAI message can hold.
  return [];
}

export function parseInvokeResponse(body: string): InvokeResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed("not JSON");
  }
  if (!isRecord(parsed)) throw malformed("not an object");
  const { content, usage, metadata } = parsed;
  if (!Array.isArray(content)) throw malformed("no content list");
  if (!isRecord(usage) || typeof usage.input_tokens !== "number" || typeof usage.output_tokens !== "number")
    throw malformed("no usage");
  return {
    content: content.flatMap(block),
    usage: usage as InvokeResponse["usage"],
    metadata: (isRecord(metadata) ? metadata : {}) as InvokeResponse["metadata"],
  };
}
