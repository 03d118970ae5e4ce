// Writing a finished answer as a stream, on any face: the face turns its answer into typed events and
// brings a writer that knows its framing (SSE `data:` frames, Anthropic `event:` frames, AWS event-stream
// messages); this walk is the one place that paces events, stops when the client leaves, and turns a
// failure after the first byte into the face's own error event. Per-stream behaviour every face must
// share (mid-stream faults, shutdown) belongs here, not in the faces.
import type { GatewayError } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import { toGatewayError } from "./errors.ts";
import { sleep } from "./face.ts";

/** A face's stream framing. */
export interface EventWriter<E> {
  /** Status and headers now, so the client sees the stream start. */
  open(): void;
  /** One event; resolves when the socket can take more (backpressure). */
  send(event: E): Promise<void>;
  /** The normal end (`data: [DONE]` where the face has one), then end the response. */
  done(): void;
  /** The face's mid-stream error event, then end the response. */
  fail(error: GatewayError): void;
  /** True once the client has gone away: stop working. */
  readonly closed: boolean;
}

export interface StreamOptions<E> {
  /** The text an event adds, for pacing (see face.ts `streamPacing`). */
  textOf(event: E): string;
  /** The pause after an event carrying `text`, or undefined when streams are not paced. */
  pace: ((text: string) => number) | undefined;
  /** Aborted when the client goes away (ends a pause early). */
  signal: AbortSignal;
  logger: Logger;
  requestId: string;
}

/** Open `writer`, send every event (paced), and end it — with the face's error event if anything fails. */
export async function streamEvents<E>(
  writer: EventWriter<E>,
  events: Iterable<E>,
  options: StreamOptions<E>,
): Promise<void> {
  writer.open();
  try {
    for (const event of events) {
      if (writer.closed) return;
      await writer.send(event);
      const ms = options.pace?.(options.textOf(event)) ?? 0;
      if (ms > 0) await sleep(ms, options.signal);
    }
    writer.done();
  } catch (error) {
    const typed = toGatewayError(error);
    if (typed.code === "internal_error")
      options.logger.error({ err: error, requestId: options.requestId }, "stream failed");
    writer.fail(typed);
  }
}
