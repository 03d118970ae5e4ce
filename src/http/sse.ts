// The SSE writer: the only code that knows what an SSE frame looks like, writes `[DONE]`, or writes the
// mid-stream error frame (STYLE.md #3). Chunks arrive as typed objects; frames are never edited as strings.
// OpenAI frames are bare `data:` lines ending in `[DONE]`; Anthropic's carry an `event:` name and end
// without a sentinel (`end()`).
import type { ServerResponse } from "node:http";
import type { OpenAIErrorBody } from "../openai/types.ts";
import { createFrameWriter } from "./frames.ts";

export interface SseWriter {
  /** Send status 200 and the event-stream headers now, so the client sees the stream start. */
  open(): void;
  /** Write one `data:` frame (named `event` when given); resolves when the socket can take more (backpressure). */
  send(payload: object, event?: string): Promise<void>;
  /** `data: [DONE]`, then end. */
  done(): void;
  /** End after the last frame, without `[DONE]` (streams whose last event says it ended). */
  end(): void;
  /** The mid-stream error frame (`data: {"error": …}`, or `event` named), then end without `[DONE]` (CONTRACT §3). */
  fail(body: OpenAIErrorBody | object, event?: string): void;
  /** True once the client has gone away: stop working. */
  readonly closed: boolean;
}

const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};
const SSE_HEADERS_HTTP1 = { ...SSE_HEADERS, connection: "keep-alive" };

export function createSseWriter(res: ServerResponse): SseWriter {
  const frames = createFrameWriter(res);
  return {
    get closed() {
      return frames.closed;
    },
    open() {
      // HTTP/2 has no connection-specific headers (RFC 9113 §8.2.2); Node warns and drops them there.
      frames.open(res.req.httpVersionMajor < 2 ? SSE_HEADERS_HTTP1 : SSE_HEADERS);
    },
    send(payload, event) {
      if (frames.closed) return Promise.resolve();
      const data = `data: ${JSON.stringify(payload)}\n\n`;
      return frames.write(event === undefined ? data : `event: ${event}\n${data}`);
    },
    done() {
      frames.end("data: [DONE]\n\n");
    },
    end() {
      frames.end();
    },
    fail(body, event) {
      const data = `data: ${JSON.stringify(body)}\n\n`;
      frames.end(event === undefined ? data : `event: ${event}\n${data}`);
    },
  };
}
