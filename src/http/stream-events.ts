// Writing a finished answer as a stream, on any face: the face turns its answer into typed events and
// brings a writer that knows its framing (SSE `data:` frames, Anthropic `event:` frames, AWS event-stream
// messages); this walk is the one place that paces events, stops when the client leaves, and turns a
// failure after the first byte into the face's own error event. Per-stream behaviour every face must
// share (mid-stream faults, shutdown) belongs here, not in the faces.
//
// Shutdown: the pipeline hands every face its server's `OpenStreams` on the exchange (face.ts
// `streamOptionsOf` passes it on), and each walk registers there while it streams. At the shutdown deadline the server calls `failAll`: every
// open stream ends with its face's error event (CONTRACT §3: a mid-stream error is an error frame) and
// a complete response, instead of a connection reset — whatever face it belongs to.
import { GatewayError } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { StreamFault } from "../upstream/stream-faults.ts";
import { toGatewayError } from "./errors.ts";
import { sleep } from "./face.ts";

/** The streams one server has open; `failAll` ends each with its face's error event. */
export class OpenStreams {
  readonly #cuts = new Set<(error: GatewayError) => void>();

  /** Register a stream's cut; returns its unregistration. */
  add(cut: (error: GatewayError) => void): () => void {
    this.#cuts.add(cut);
    return () => this.#cuts.delete(cut);
  }

  get size(): number {
    return this.#cuts.size;
  }

  /** End every open stream with `error` (default: the gateway is shutting down); returns how many. */
  failAll(error: GatewayError = shuttingDown()): number {
    const cuts = [...this.#cuts];
    this.#cuts.clear();
    for (const cut of cuts) cut(error);
    return cuts.length;
  }
}

/** What a stream still open at the shutdown deadline ends with. */
export function shuttingDown(): GatewayError {
  return new GatewayError("The gateway is shutting down: the stream was ended at the shutdown deadline.", {
    status: 503,
    type: "api_error",
    code: "server_shutting_down",
  });
}

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
  /** The server's open streams, ended at the shutdown deadline (the exchange's, via `streamOptionsOf`). */
  streams?: OpenStreams | undefined;
  /** Counts an unexpected error mid-stream (bpg_internal_errors_total); the request record's. */
  onInternalError?: (() => void) | undefined;
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
  let ended = false;
  const cut = new AbortController();
  const fail = (error: GatewayError): void => {
    if (ended) return;
    ended = true;
    cut.abort();
    writer.fail(error);
  };
  const unregister = options.streams?.add(fail);
  const signal = AbortSignal.any([options.signal, cut.signal]);
  writer.open();
  const { fault } = options;
  let sent = 0;
  try {
    for (const event of events) {
      if (writer.closed || ended) return;
      if (fault !== undefined && sent === fault.after && (await injectFault(fault, options, fail, signal)))
        return;
      await writer.send(event);
      sent++;
      const ms = options.pace?.(options.textOf(event)) ?? 0;
      if (ms > 0) await sleep(ms, signal);
    }
    if (ended) return;
    // A fault placed at or past the last event still happens, before the normal end.
    if (fault !== undefined && sent <= fault.after && (await injectFault(fault, options, fail, signal)))
      return;
    if (ended) return;
    ended = true;
    writer.done();
  } catch (error) {
    const typed = toGatewayError(error);
    if (typed.code === "internal_error") {
      options.logger.error({ err: error, requestId: options.requestId }, "stream failed");
      options.onInternalError?.();
    }
    fail(typed);
  } finally {
    unregister?.();
  }
}

/**
 * Act on a mid-stream fault; true when the stream is over (cut, or ended with the error event). `fail`
 * ends the stream once (the shutdown deadline cannot write a second error after it).
 */
async function injectFault<E>(
  fault: StreamFault,
  options: StreamOptions<E>,
  fail: (error: GatewayError) => void,
  signal: AbortSignal,
): Promise<boolean> {
  switch (fault.kind) {
    case "stall":
      await sleep(fault.ms, signal);
      return false;
    case "error":
      fail(injectedStreamError(fault.after));
      return true;
    case "cut":
      if (options.cut === undefined) fail(injectedStreamError(fault.after));
      else await options.cut();
      return true;
  }
}
