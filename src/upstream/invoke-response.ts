// The upstream's 2xx body (text) → a typed InvokeResponse, or the factory's retryable 502 when it is not
// one. Shared by every consumer of an UpstreamResponse (the /v1 surface today).
// The body is hostile: only the shapes PROXY.md documents get through.
import { upstreamMalformed as malformed } from "./errors.ts";
import type { InvokeContentBlock, InvokeResponse, UpstreamResponse } from "./types.ts";

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

// The typed answer rides on the response object itself, under symbols no one else knows, as
// non-enumerable properties: spreads, JSON and equality checks never see them. A WeakMap did the same job
// for ~1 µs per response (ephemeron bookkeeping); a property costs a tenth of that.
const PARSED = Symbol("parsed answer");
/** An answer built in memory, registered by rememberParsedAnswer, turned into typed form only when asked. */
const BUILT = Symbol("built answer");

interface Carrier {
  [PARSED]?: InvokeResponse;
  [BUILT]?: InvokeResponse;
}

/** Attach `value` to `response`; a frozen or sealed response simply keeps nothing (it is parsed again). */
function attach(response: UpstreamResponse, key: typeof PARSED | typeof BUILT, value: InvokeResponse): void {
  if (Object.isExtensible(response)) Object.defineProperty(response, key, { value, configurable: true });
}

/**
 * The typed answer of a 2xx UpstreamResponse, parsed once per response object: the retry decorator
 * checks it (a malformed 2xx is retryable) and the /v1 handler reads it, without parsing twice.
 */
export function invokeResponseOf(response: UpstreamResponse): InvokeResponse {
  const carrier = response as UpstreamResponse & Carrier;
  let parsed = carrier[PARSED];
  if (parsed === undefined) {
    const built = carrier[BUILT];
    parsed = (built === undefined ? undefined : exactCopy(built)) ?? parseInvokeResponse(response.body);
    attach(response, PARSED, parsed);
  }
  return parsed;
}

/** Strings, and numbers JSON keeps as they are (not NaN/±Infinity, which it turns into null). */
const exactScalar = (v: unknown): boolean =>
  typeof v === "string" || (typeof v === "number" && Number.isFinite(v) && !Object.is(v, -0));

/** usage and metadata (one level of nested objects: remaining_quota) hold only exact scalars. */
function jsonExact(answer: InvokeResponse): boolean {
  return flatExact(answer.usage, true) && flatExact(answer.metadata, true);
}

function flatExact(o: object, nested: boolean): boolean {
  for (const key in o) {
    const v = (o as Record<string, unknown>)[key];
    if (exactScalar(v)) continue;
    if (!nested || !isRecord(v) || !flatExact(v, false)) return false;
  }
  return true;
}

/**
 * What parsing `JSON.stringify(answer)` would give, without the text: only for text-only answers, whose
 * JSON round trip is exact (strings and finite numbers). Anything else is left to the parser.
 */
function exactCopy(answer: InvokeResponse): InvokeResponse | undefined {
  if (!answer.content.every((b) => b.type === "text") || !jsonExact(answer)) return undefined;
  return {
    content: answer.content.map((b) => ({ type: "text", text: (b as { text: string }).text })),
    usage: answer.usage,
    metadata: answer.metadata,
  };
}

/**
 * Register `answer` as what the 2xx `response` (a `jsonReply(200, answer)` built in memory: the
 * simulator) holds, so that `invokeResponseOf` does not parse back the text just serialised. Nothing is
 * computed until someone asks: the /prod/invoke surface never does. `answer` must not change afterwards.
 */
export function rememberParsedAnswer(response: UpstreamResponse, answer: InvokeResponse): UpstreamResponse {
  if (response.status < 300) attach(response, BUILT, answer);
  return response;
}

/**
 * The typed answer of a 2xx response for reading only (an answer built in memory is not copied), or
 * undefined when the body is not one (the face that reads it reports that).
 */
export function answerOf(response: UpstreamResponse): Readonly<InvokeResponse> | undefined {
  const carrier = response as UpstreamResponse & Carrier;
  const known = carrier[PARSED] ?? carrier[BUILT];
  if (known !== undefined) return known;
  try {
    return invokeResponseOf(response);
  } catch {
    return undefined;
  }
}
