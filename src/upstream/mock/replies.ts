// The proxy's answers, byte for byte as PROXY.md tabulates them. Error statuses are answers too: the
// simulator returns them as UpstreamResponses (built by upstream/result.ts, classified there), exactly
// like the real proxy would send them.
import { unauthorizedReply } from "../credentials.ts";
import { answeredResponse, jsonResponse, upstreamResponse } from "../result.ts";
import type { InvokeResponse, RemainingQuota, UpstreamResponse } from "../types.ts";

/** A JSON answer with any status (a scripted or stubbed error, a refusal). */
export const jsonReply = jsonResponse;

/** 200 — a proxy answer built in memory: handed on typed, its JSON text written only if read. */
export function answerReply(answer: InvokeResponse): UpstreamResponse {
  return answeredResponse(answer);
}

/** 200 with a body cut mid-string (X-Mock-Fault: malformed): what a client sees when the answer is mangled. */
export function malformedReply(): UpstreamResponse {
  return upstreamResponse(
    200,
    { "content-type": "application/json" },
    '{"content": [{"type": "text", "text": "The answer is',
  );
}

/** 401 — shared with record/replay, which answers callers without credentials itself. */
export const unauthorized = unauthorizedReply;

/** 403 — the guide's text, with the model named. */
export function modelNotAllowed(model: string): UpstreamResponse {
  return jsonReply(403, { error: `Model not allowed: ${model}` });
}

/** 429 — both texts clients match on ("Budget exhausted", "Quota exceeded"), plus the quota. */
export function budgetExhausted(quota: RemainingQuota): UpstreamResponse {
  return jsonReply(429, { error: "Budget exhausted: Quota exceeded for this team", remaining_quota: quota });
}

/** 400 — some clients read `message`, so the text goes under both keys. */
export function badRequest(message: string): UpstreamResponse {
  return jsonReply(400, { error: message, message });
}

/** 500 — whatever Bedrock rejects, relayed by the proxy's Lambda. */
export function bedrockError(code: string, message: string): UpstreamResponse {
  return jsonReply(500, {
    error: `Bedrock error: An error occurred (${code}) when calling the InvokeModel operation: ${message}`,
  });
}

export function validationError(message: string): UpstreamResponse {
  return bedrockError("ValidationException", message);
}

/** 500 — Bedrock throttling after the proxy's own retries. */
export function throttled(): UpstreamResponse {
  // boto3 puts the retry note between the operation and the colon.
  return jsonReply(500, {
    error:
      "Bedrock error: An error occurred (ThrottlingException) when calling the InvokeModel operation " +
      "(reached max retries: 4): Too many tokens, please wait before trying again.",
  });
}

/** 500 — a transient Bedrock failure (X-Mock-Fault: 500). */
export function internalServerError(): UpstreamResponse {
  return bedrockError(
    "InternalServerException",
    "The system encountered an unexpected error during processing. Try your request again.",
  );
}

/** 504 — the API gateway gave up (~29.5 s); note the key is `message`. */
export function gatewayTimeout(): UpstreamResponse {
  return jsonReply(504, { message: "Endpoint request timed out" });
}

/** 413 — the API gateway's body limit. */
export function tooLarge(): UpstreamResponse {
  return jsonReply(413, { message: "Request Entity Too Large" });
}
