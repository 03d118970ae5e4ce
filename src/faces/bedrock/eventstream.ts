// The AWS event-stream writer (`application/vnd.amazon.eventstream`): each typed event becomes one
// binary message — prelude, headers, payload, CRCs — encoded by Smithy's codec, the one the AWS SDKs
// decode with (never framed by hand). An error after the first byte is an `exception` message named by
// the stream union's member, which the SDKs raise as their exception class.
import type { ServerResponse } from "node:http";
import { EventStreamCodec, type MessageHeaders } from "@smithy/core/event-streams";
import { createFrameWriter } from "../../http/frames.ts";
import type { EventWriter } from "../../http/stream-events.ts";
import type { GatewayError } from "../../shared/errors.ts";
import { awsMessageOf, streamExceptionOf } from "./errors.ts";
import type { BedrockEvent } from "./wire.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);

const str = (value: string) => ({ type: "string" as const, value });
const JSON_TYPE = str("application/json");
const EVENT = str("event");

function eventMessage(event: BedrockEvent): Uint8Array {
  const headers: MessageHeaders = {
    ":event-type": str(event.type),
    ":content-type": JSON_TYPE,
    ":message-type": EVENT,
  };
  return codec.encode({ headers, body: encoder.encode(JSON.stringify(event.payload)) });
}

function exceptionMessage(member: string, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ":exception-type": str(member),
    ":content-type": JSON_TYPE,
    ":message-type": str("exception"),
  };
  return codec.encode({ headers, body: encoder.encode(JSON.stringify({ message })) });
}

/** The writer for one streamed response; `operation` picks the exception members its union has. */
export function eventStreamWriter(
  res: ServerResponse,
  requestId: string,
  operation: "converse" | "invoke",
): EventWriter<BedrockEvent> {
  const frames = createFrameWriter(res);
  return {
    get closed() {
      return frames.closed;
    },
    open() {
      frames.open({ "content-type": "application/vnd.amazon.eventstream", "x-amzn-RequestId": requestId });
    },
    send(event) {
      return frames.closed ? Promise.resolve() : frames.write(eventMessage(event));
    },
    done() {
      frames.end();
    },
    fail(error: GatewayError) {
      frames.end(exceptionMessage(streamExceptionOf(error, operation), awsMessageOf(error)));
    },
  };
}
