// The SSE writer: the only code that knows what a frame looks like, writes `[DONE]`, or writes the
// mid-stream error frame (STYLE.md #3). Chunks arrive as typed objects; frames are never edited as strings.
// OpenAI frames are bare `data:` lines ending in `[DONE]`; Anthropic's carry an `event:` name and end
// without a sentinel (`end()`).
import type { ServerResponse } from "node:http";
import type { OpenAIErrorBody } from "../openai/types.ts";

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

export function createSseWriter(res: ServerResponse): SseWriter {
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  // Frames written in the same tick go out in one socket write (cork now, uncork on the next tick):
  // a whole unpaced stream is one write instead of one per chunk; a paced chunk still leaves at once.
  let corked = false;
  const flush = (): void => {
    if (!corked) return;
    corked = false;
    if (!res.writableEnded) res.uncork();
  };
  const frame = (data: string, event?: string): boolean => {
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(flush);
    }
    return res.write(event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`);
  };
  return {
    get closed() {
      return closed || res.destroyed;
    },
    open() {
      res.statusCode = 200;
      res.setHeader("content-type", "text/event-stream; charset=utf-8");
      res.setHeader("cache-control", "no-cache, no-transform");
      res.setHeader("connection", "keep-alive");
      res.setHeader("x-accel-buffering", "no");
      res.flushHeaders();
    },
    send(payload, event) {
      if (closed || res.destroyed) return Promise.resolve();
      if (frame(JSON.stringify(payload), event)) return Promise.resolve();
      return new Promise((resolve) => {
        const settle = (): void => {
          res.off("drain", settle);
          res.off("close", settle);
          resolve();
        };
        res.on("drain", settle);
        res.on("close", settle);
      });
    },
    done() {
      if (!closed && !res.destroyed) frame("[DONE]");
      flush(); // what is corked goes out before the terminating chunk
      res.end();
    },
    end() {
      flush();
      res.end();
    },
    fail(body, event) {
      if (!closed && !res.destroyed) frame(JSON.stringify(body), event);
      flush();
      res.end();
    },
  };
}
