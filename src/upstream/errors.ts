// The one factory that turns an upstream answer or transport failure into a typed GatewayError
// (STYLE.md #2). Every upstream answer is classified here once, when result.ts builds it (live client,
// simulator and replay alike), so errors are mapped by meaning, not by status: a 500 carrying
// ThrottlingException is a retryable rate limit, a 500 carrying ValidationException is the caller's
// mistake, a 429 is an exhausted budget no retry fixes.
import { GatewayError } from "../shared/errors.ts";

/** Pull a human-readable message out of whatever the upstream put in its body. */
export function upstreamMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === "object") {
      const record = parsed as Record<string, unknown>;
      for (const key of ["error", "message", "detail", "Message"]) {
        const value = record[key];
        if (typeof value === "string" && value.length > 0) return value;
        if (
          value !== null &&
          typeof value === "object" &&
          typeof (value as { message?: unknown }).message === "string"
        ) {
          return (value as { message: string }).message;
        }
      }
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const text = body.trim();
  // An HTML error page (a load balancer's, a captive portal's) says nothing a client can use.
  if (/^<(!doctype|html|head|body)\b/i.test(text)) return "the upstream answered with an HTML page, not JSON";
  return text.length > 0 ? text.slice(0, 500) : "(no body)";
}

const CONTEXT_EXCEEDED =
  /maximum context length|Input Tokens Exceeded|prompt is too long|too many input tokens/i;

/** Map a non-2xx upstream answer (its status, headers and body text) to the gateway's error (CONTRACT §3). */
export function errorFromUpstream(
  status: number,
  upstreamHeaders: Readonly<Record<string, string>>,
  body: string,
): GatewayError {
  const message = upstreamMessage(body);
  const retryAfter = upstreamHeaders["retry-after"];
  const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": retryAfter };

  if (status === 429) {
    return new GatewayError(message, {
      status: 429,
      type: "insufficient_quota",
      code: "insufficient_quota",
      shouldRetry: false,
    });
  }
  if (/ThrottlingException|Too many (tokens|requests)/i.test(message)) {
    return new GatewayError(message, {
      status: 429,
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      shouldRetry: true,
      headers,
    });
  }
  if (status === 401) {
    return new GatewayError(message, { status: 401, type: "authentication_error", code: "invalid_api_key" });
  }
  if (status === 403) {
    return new GatewayError(message, { status: 403, type: "permission_error", code: "model_not_allowed" });
  }
  if (status === 413) {
    return new GatewayError(message, {
      status: 413,
      type: "invalid_request_error",
      code: "request_too_large",
    });
  }
  if (status === 504) {
    return new GatewayError(message, {
      status: 504,
      type: "api_error",
      code: "upstream_timeout",
      shouldRetry: true,
    });
  }
  if (/model identifier is invalid/i.test(message)) {
    return new GatewayError(message, {
      status: 404,
      type: "invalid_request_error",
      code: "model_not_found",
      param: "model",
    });
  }
  if (status === 400 || /ValidationException|does not support|Malformed input/i.test(message)) {
    const code = CONTEXT_EXCEEDED.test(message) ? "context_length_exceeded" : "invalid_request_error";
    return new GatewayError(message, { status: 400, type: "invalid_request_error", code });
  }
  if (CONTEXT_EXCEEDED.test(message)) {
    return new GatewayError(message, {
      status: 400,
      type: "invalid_request_error",
      code: "context_length_exceeded",
    });
  }
  // Other Bedrock 5xx (ServiceUnavailable, ModelNotReady…) are transient on AWS's side.
  // A bare 502/503 comes from the API gateway in front of the proxy, not from a rejected request.
  const transient =
    status === 502 ||
    status === 503 ||
    (status >= 500 && /ServiceUnavailable|ModelNotReady|InternalServer|temporarily/i.test(message));
  return new GatewayError(message, {
    status: transient ? 503 : 502,
    type: "api_error",
    code: transient ? "upstream_unavailable" : "upstream_error",
    shouldRetry: transient,
  });
}

/** The upstream did not answer within `upstream.timeout_ms`. */
export function upstreamTimeout(timeoutMs: number, cause?: unknown): GatewayError {
  return new GatewayError(`The upstream proxy did not answer within ${timeoutMs} ms.`, {
    status: 504,
    type: "api_error",
    code: "upstream_timeout",
    shouldRetry: true,
    cause,
  });
}

/** The upstream could not be reached, or dropped the connection. */
export function upstreamUnreachable(detail: string, cause?: unknown): GatewayError {
  return new GatewayError(`The upstream proxy could not be reached: ${detail}`, {
    status: 502,
    type: "api_error",
    code: "upstream_unreachable",
    shouldRetry: true,
    cause,
  });
}

/**
 * The upstream dropped the connection mid-request (a real reset, or `X-Mock-Fault: reset`). On /v1 it
 * is a retryable 502; the /prod/invoke surface mirrors it by destroying the client's socket.
 */
export function upstreamReset(cause?: unknown): GatewayError {
  return new GatewayError("The upstream proxy closed the connection without answering (connection reset).", {
    status: 502,
    type: "api_error",
    code: "upstream_reset",
    shouldRetry: true,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The client went away before the answer was ready: the upstream call (or its retry, or the simulator's
 * latency) stopped. Never sent — the client is gone — but logged and counted as 499 `client_closed`.
 */
export function clientClosed(cause?: unknown): GatewayError {
  return new GatewayError("The client went away before the answer was ready.", {
    status: 499,
    type: "api_error",
    code: "client_closed",
    cause,
  });
}

/** The upstream answered 2xx with a body that is not a proxy answer (not JSON, or missing keys). */
export function upstreamMalformed(reason: string): GatewayError {
  return new GatewayError(`The upstream proxy sent a malformed answer (${reason}).`, {
    status: 502,
    type: "api_error",
    code: "upstream_malformed",
    shouldRetry: true,
  });
}
