// Writing a finished answer as a stream, on any face: the face turns its answer into typed events and
// brings a writer that knows its framing (SSE `data:` frames, Anthropic `event:` frames, AWS event-stream
// messages); this walk is the one place that paces events, stops when the client leaves, and turns a
// failure after the first byte into the face's own error event. Per-stream behaviour every face must
// share (mid-stream faults, shutdown) belongs here, not in the faces.
import { GatewayError } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { StreamFault } from "../upstream/stream-faults.ts";
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
  /**
   * A mid-stream fault to inject (CONTRACT §5): `ExchangeInvokeContext.streamFault` — the X-Mock-Fault
   * header, a stub's reply or the simulator's fault rates.
   */
  fault?: StreamFault | undefined;
  /** Drops the connection without an end (the `cut` fault); face.ts `streamOptionsOf` gives one. */
  cut?: () => Promise<void>;
}

/** The error event of an `error:<n>` fault, as a real upstream failure mid-stream would be reported. */
export function injectedStreamError(after: number): GatewayError {
  return new GatewayError(
    `The stream was interrupted after ${after} events (injected fault error:${after}).`,
    {
      status: 500,
      type: "api_error",
      code: "stream_interrupted",
    },
  );
}

/** Open `writer`, send every event (paced), and end it — with the face's error event if anything fails. */
export async function streamEvents<E>(
  writer: EventWriter<E>,
  events: Iterable<E>,
  options: StreamOptions<E>,
): Promise<void> {
  writer.open();
  const { fault } = options;
  let sent = 0;
  try {
    for (const event of events) {
      if (writer.closed) return;
      if (fault !== undefined && sent === fault.after && (await injectFault(writer, fault, options))) return;
      await writer.send(event);
      sent++;
      const ms = options.pace?.(options.textOf(event)) ?? 0;
      if (ms > 0) await sleep(ms, options.signal);
    }
    // A fault placed at or past the last event still happens, before the normal end.
    if (fault !== undefined && sent <= fault.after && (await injectFault(writer, fault, options))) return;
    writer.done();
  } catch (error) {
    const typed = toGatewayError(error);
    if (typed.code === "internal_error")
      options.logger.error({ err: error, requestId: options.requestId }, "stream failed");
    writer.fail(typed);
  }
}

/** Act on a mid-stream fault; true when the stream is over (cut, or ended with the error event). */
async function injectFault<E>(
  writer: EventWriter<E>,
  fault: StreamFault,
  options: StreamOptions<E>,
): Promise<boolean> {
  switch (fault.kind) {
    case "stall":
      await sleep(fault.ms, options.signal);
      return false;
    case "error":
      writer.fail(injectedStreamError(fault.after));
      return true;
    case "cut":
      if (options.cut === undefined) writer.fail(injectedStreamError(fault.after));
      else await options.cut();
      return true;
  }
}
