// Each face's documented answers, as the fuzz judges them (CONTRACT §3, §3b, §3c, §3d; PROXY.md): an
// error is the face's error shape; a 200 is the face's answer or stream, and a stream that fails ends
// with the face's error event. A 500 is "internal" when it is the gateway's generic unexpected error.
import { EventStreamCodec } from "@smithy/core/event-streams";
import type { FuzzCase } from "./faces.ts";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  ms: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const header = (a: Answer, name: string): string => String(a.headers[name] ?? "");

/** `{"error": {"message", "type", …}}` (CONTRACT §3). */
function openAIError(value: unknown): boolean {
  return (
    isObject(value) &&
    isObject(value.error) &&
    typeof value.error.message === "string" &&
    typeof value.error.type === "string"
  );
}

/** `{"type": "error", "error": {"type", "message"}}` (CONTRACT §3b). */
function anthropicError(value: unknown): boolean {
  return (
    isObject(value) &&
    value.type === "error" &&
    isObject(value.error) &&
    typeof value.error.type === "string" &&
    typeof value.error.message === "string"
  );
}

/** `{"message"}` with `x-amzn-ErrorType` (CONTRACT §3d). */
function awsError(a: Answer, value: unknown): boolean {
  return header(a, "x-amzn-errortype") !== "" && isObject(value) && typeof value.message === "string";
}

/** SSE frames: `[event: name\n]data: json`, in order. */
function sseFrames(text: string): { event: string | undefined; data: string }[] | undefined {
  const frames = [];
  for (const frame of text.trimEnd().split("\n\n")) {
    const lines = frame.split("\n");
    const event = lines[0]?.startsWith("event: ") ? lines.shift()?.slice(7) : undefined;
    if (lines.length !== 1 || !lines[0]?.startsWith("data: ")) return undefined;
    frames.push({ event, data: lines[0].slice(6) });
  }
  return frames;
}

function chatStream(text: string): boolean {
  const frames = sseFrames(text);
  const last = frames?.at(-1);
  return last !== undefined && (last.data === "[DONE]" || openAIError(parse(last.data)));
}

function anthropicStream(text: string): boolean {
  const last = sseFrames(text)?.at(-1);
  if (last === undefined) return false;
  return last.event === "message_stop" || (last.event === "error" && anthropicError(parse(last.data)));
}

const RESPONSE_ENDS = new Set(["response.completed", "response.incomplete", "response.failed"]);
function responsesStream(text: string): boolean {
  const last = sseFrames(text)?.at(-1);
  if (last === undefined) return false;
  const data = parse(last.data);
  if (last.event === "error") return isObject(data) && typeof data.message === "string" && openAIError(data);
  return last.event !== undefined && RESPONSE_ENDS.has(last.event) && isObject(data);
}

const codec = new EventStreamCodec(
  (b) => new TextDecoder().decode(b),
  (s) => new TextEncoder().encode(s),
);

/** AWS event-stream messages (CRC-checked by the codec): events, or a last exception `{message}`. */
function eventStream(bytes: Buffer, lastEvent: string): boolean {
  let last: { type: string; kind: string; body: unknown } | undefined;
  try {
    for (let at = 0; at < bytes.length;) {
      const length = bytes.readUInt32BE(at);
      const message = codec.decode(bytes.subarray(at, at + length));
      if (last?.kind === "exception") return false; // nothing may follow an exception
      const kind = String(message.headers[":message-type"]?.value);
      const type = String(message.headers[kind === "exception" ? ":exception-type" : ":event-type"]?.value);
      last = { type, kind, body: parse(new TextDecoder().decode(message.body)) };
      at += length;
    }
  } catch {
    return false;
  }
  if (last === undefined) return false;
  if (last.kind === "exception") return isObject(last.body) && typeof last.body.message === "string";
  return last.kind === "event" && last.type === lastEvent;
}

/** A 200's body, by what the case asked for. */
function answerShape(c: FuzzCase, a: Answer, text: string): boolean {
  const type = header(a, "content-type");
  // By what came back: a hostile `stream: true` may turn a plain case into a stream.
  if (type.startsWith("application/vnd.amazon.eventstream"))
    return eventStream(a.bytes, c.path.endsWith("/converse-stream") ? "metadata" : "chunk");
  if (type.startsWith("text/event-stream")) {
    if (c.oracle === "openai") return chatStream(text);
    if (c.oracle === "anthropic") return anthropicStream(text);
    if (c.oracle === "responses") return responsesStream(text);
    return false;
  }
  const body = parse(text);
  if (!isObject(body)) return false;
  switch (c.answer) {
    case "invoke":
      return Array.isArray(body.content) && isObject(body.usage);
    case "count":
      return typeof body.input_tokens === "number";
    case "bedrock-count":
      return typeof body.inputTokens === "number";
    case "converse":
      return isObject(body.output) && typeof body.stopReason === "string";
    default:
      // chat.completion, message, response — or a stream the hostile body turned into plain JSON.
      return (
        body.object === c.answer ||
        body.type === c.answer ||
        (c.answer === "stream" && (body.object !== undefined || body.type !== undefined))
      );
  }
}

/** Whether the answer is one of the face's documented shapes. */
export function inShape(c: FuzzCase, a: Answer): boolean {
  const text = a.bytes.toString("utf8");
  if (a.status === 200) return answerShape(c, a, text);
  const body = parse(text);
  switch (c.oracle) {
    case "proxy":
      // The proxy's error shapes: {"error": "…"} (and "message"), or the gateway timeout's {"message": "…"}.
      return (
        isObject(body) &&
        (typeof body.error === "string" || typeof body.message === "string" || openAIError(body))
      );
    case "openai":
    case "responses":
      return openAIError(body);
    case "anthropic":
      return anthropicError(body);
    case "bedrock":
      return awsError(a, body);
  }
}

/** The gateway's generic 500 for an unexpected error, in each face's words. */
export function internal(c: FuzzCase, a: Answer): boolean {
  const text = a.bytes.toString("utf8");
  // Mid-stream: the error event of an unexpected failure.
  if (a.status === 200)
    return /"code":"internal_error"|"type":"api_error"|internalServerException/.test(text);
  if (a.status !== 500) return false;
  if (c.oracle === "proxy") return text.includes("unexpected error");
  const body = parse(text);
  if (c.oracle === "bedrock") return header(a, "x-amzn-errortype") === "InternalServerException";
  if (c.oracle === "anthropic")
    return isObject(body) && isObject(body.error) && body.error.type === "api_error";
  return isObject(body) && isObject(body.error) && body.error.code === "internal_error";
}

/** A simulated Bedrock error is the proxy's documented 500 on /prod/invoke. */
export function simulated5xx(c: FuzzCase, a: Answer): boolean {
  return c.oracle === "proxy" && a.status === 500 && a.bytes.toString("utf8").includes("Bedrock error");
}
