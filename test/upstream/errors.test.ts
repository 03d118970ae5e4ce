import { describe, expect, it } from "vitest";
import { upstreamMessage } from "../../src/upstream/errors.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

/** The error the one factory classifies an upstream answer as. */
function errorOf(status: number, body: string) {
  const response = upstreamResponse(status, {}, body);
  if (response.ok) throw new Error(`HTTP ${status} was classified as an answer`);
  return response.error;
}

describe("upstreamMessage", () => {
  it("reads the keys real proxies and gateways use", () => {
    expect(upstreamMessage('{"error":"Bedrock error: x"}')).toBe("Bedrock error: x");
    expect(upstreamMessage('{"message":"Endpoint request timed out"}')).toBe("Endpoint request timed out");
    expect(upstreamMessage('{"error":{"message":"nested"}}')).toBe("nested");
    expect(upstreamMessage("")).toBe("(no body)");
  });

  it("does not echo HTML error pages", () => {
    const page = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><script>x()</script></body></html>";
    expect(upstreamMessage(page)).toBe("the upstream answered with an HTML page, not JSON");
    expect(errorOf(502, page)).toMatchObject({ status: 503, shouldRetry: true });
  });
});

describe("upstream errors map by meaning", () => {
  it.each([
    [429, '{"error":"Budget exhausted. Quota exceeded"}', 429, "insufficient_quota", false],
    [
      500,
      '{"error":"Bedrock error: An error occurred (ThrottlingException) ..."}',
      429,
      "rate_limit_exceeded",
      true,
    ],
    [
      500,
      '{"error":"Bedrock error: An error occurred (ValidationException) ... Malformed input"}',
      400,
      "invalid_request_error",
      false,
    ],
    [
      500,
      '{"error":"Bedrock error: ... This model\'s maximum context length is 131072 tokens."}',
      400,
      "context_length_exceeded",
      false,
    ],
    [401, '{"error":"Unauthorized"}', 401, "invalid_api_key", false],
    [403, '{"error":"Model not allowed"}', 403, "model_not_allowed", false],
    [504, '{"message":"Endpoint request timed out"}', 504, "upstream_timeout", true],
  ])("HTTP %i %s → %i %s", (status, body, mapped, code, retry) => {
    expect(errorOf(status, body)).toMatchObject({
      status: mapped,
      code,
      shouldRetry: retry,
    });
  });
});
