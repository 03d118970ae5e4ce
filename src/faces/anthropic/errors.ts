// Errors as Anthropic's API writes them (CONTRACT §3b): `{"type":"error","error":{"type","message"}}`
// with a `request-id` header, mapped from the typed GatewayError by its status and code — before the
// first byte as an HTTP answer, after it as the stream's `event: error`. `x-should-retry` comes from the
// error itself: an exhausted budget is a 429 the SDKs must not retry, throttling a 429 they should.
import type { ServerResponse } from "node:http";
import { sendJson } from "../../http/send.ts";
import type { GatewayError } from "../../shared/errors.ts";
import type { AnthropicErrorBody, AnthropicErrorType } from "./types.ts";

/** Status → Anthropic error type (Anthropic's errors page; CONTRACT §3b). */
const TYPES: Readonly<Record<number, AnthropicErrorType>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** The status and type Anthropic's clients see for a gateway error. */
export function anthropicStatus(error: GatewayError): { status: number; type: AnthropicErrorType } {
  // Bedrock/proxy unavailability is what Anthropic calls overloaded (529, retried by the SDKs).
  if (error.code === "upstream_unavailable") return { status: 529, type: "overloaded_error" };
  const type = TYPES[error.status] ?? (error.status >= 500 ? "api_error" : "invalid_request_error");
  return { status: error.status, type };
}

/** A message that says why, in the caller's terms: a budget 429 must not read like throttling. */
function messageOf(error: GatewayError): string {
  if (error.code === "insufficient_quota" && !/budget|quota/i.test(error.message))
    return `Budget exhausted: ${error.message}`;
  return error.message;
}

/**
 * Gateway codes that are also Anthropic `error_code`s, sent as `error.details.error_code`: the SDKs act on
 * them (a `thread_unsupported_request` makes the tool runner resend the full history without `thread`).
 * Only these: the gateway's other codes could collide with an Anthropic code of another meaning.
 */
const ANTHROPIC_ERROR_CODES = new Set(["thread_unsupported_request"]);

export function anthropicErrorBody(error: GatewayError, requestId?: string): AnthropicErrorBody {
  const details = ANTHROPIC_ERROR_CODES.has(error.code) ? { details: { error_code: error.code } } : {};
  return {
    type: "error",
    error: { type: anthropicStatus(error).type, message: messageOf(error), ...details },
    ...(requestId === undefined ? {} : { request_id: requestId }),
  };
}

/** The request id the lane assigned (it sets `x-request-id` first); Anthropic's clients read `request-id`. */
export function requestIdOf(res: ServerResponse): string | undefined {
  const id = res.getHeader("x-request-id");
  return typeof id === "string" ? id : undefined;
}

/** The face's HotRoute.writeError: errors before the first byte. */
export function writeAnthropicError(res: ServerResponse, error: GatewayError): void {
  const requestId = requestIdOf(res);
  res.statusCode = anthropicStatus(error).status;
  res.setHeader("x-should-retry", String(error.shouldRetry));
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  if (requestId !== undefined) res.setHeader("request-id", requestId);
  sendJson(res, anthropicErrorBody(error, requestId));
}
