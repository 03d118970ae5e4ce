// The Responses stream framing: SSE frames `event: <type>` + `data: {…, sequence_number}`, numbered here
// as they are sent; no `[DONE]` (the last event says the stream is over). A failure after the first
// byte is `response.failed` (the response with its `error`), then an `error` event — which also carries
// the OpenAI error body under `error`, the key the SDKs throw on.
import type { Exchange } from "../../http/exchange.ts";
import { openAIErrorBody } from "../../http/errors.ts";
import { createSseWriter } from "../../http/sse.ts";
import type { EventWriter } from "../../http/stream-events.ts";
import { failureCode } from "./response.ts";
import type { ResponseObject, ResponseStreamEvent } from "./types.ts";

/** `pending` is the response before output: what `response.failed` reports, with the error. */
export function responseEventWriter(x: Exchange, pending: ResponseObject): EventWriter<ResponseStreamEvent> {
  const sse = createSseWriter(x.res);
  let sequence = 0;
  const send = (event: ResponseStreamEvent): Promise<void> =>
    sse.send({ ...event, sequence_number: sequence++ }, event.type);
  return {
    open: () => sse.open(),
    send,
    done: () => sse.end(),
    fail(error) {
      const failed: ResponseObject = {
        ...pending,
        status: "failed",
        error: { code: failureCode(error.status), message: error.message },
      };
      void send({ type: "response.failed", response: failed });
      const body = openAIErrorBody(error);
      void sse.send(
        {
          type: "error",
          code: error.code,
          message: error.message,
          param: error.param,
          sequence_number: sequence++,
          error: body.error,
        },
        "error",
      );
      sse.end();
    },
    get closed() {
      return sse.closed;
    },
  };
}
