// The one factory of upstream results (src/upstream/result.ts): classified once, text on demand.
// Replaces invoke-response.test.ts, which pinned the hidden-symbol carrier this factory retired.
import { describe, expect, it } from "vitest";
import { parseInvokeResponse } from "../../src/upstream/invoke-response.ts";
import { answeredResponse, jsonResponse, upstreamResponse } from "../../src/upstream/result.ts";
import type { InvokeResponse } from "../../src/upstream/types.ts";

const quota = {
  requests_today: 3,
  tokens_today: 120,
  llm_cost: 0.0123456789,
  gpu_cost: 0,
  total_cost: 0.0123456789,
  budget_limit: 50,
  remaining_budget: 49.9876543211,
  budget_usage_percent: 0.0246913578,
};

function answer(overrides: Partial<InvokeResponse> = {}): InvokeResponse {
  return {
    content: [{ type: "text", text: 'Hello "there" \u2028 😀' }],
    usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
    metadata: { team_id: "demo", model: "m", cost_usd: 0.000123, latency_ms: 812.34, remaining_quota: quota },
    ...overrides,
  };
}

const JSON_HEADERS = { "content-type": "application/json" };

describe("an answer built in memory (the simulator)", () => {
  it("is handed on as built, and its text is exactly JSON.stringify of it, written once", () => {
    const built = answer();
    const response = answeredResponse(built);
    expect(response).toMatchObject({ ok: true, status: 200, headers: JSON_HEADERS });
    expect(response.answer).toBe(built);
    expect(response.text()).toBe(JSON.stringify(built));
    expect(response.text()).toBe(response.text());
    expect(parseInvokeResponse(response.text())).toStrictEqual(built);
  });

  it("writes no text until something reads it", () => {
    let reads = 0;
    const built = answer();
    const watched = { ...built, toJSON: () => (reads++, built) } as InvokeResponse;
    const response = answeredResponse(watched);
    expect(response.ok && response.answer.usage.output_tokens).toBe(5);
    expect(reads).toBe(0);
    response.text();
    response.text();
    expect(reads).toBe(1);
  });
});

describe("an answer that came as text (live, replay)", () => {
  it("keeps the bytes and parses the answer once", () => {
    const text = JSON.stringify(answer()).replaceAll('":', '": ');
    const response = upstreamResponse(200, JSON_HEADERS, text);
    expect(response.ok).toBe(true);
    expect(response.text()).toBe(text);
    if (response.ok) expect(response.answer).toStrictEqual(parseInvokeResponse(text));
  });

  it.each([
    ["not JSON", "<html>oops</html>"],
    ["cut short", '{"content": [{"type": "text", "text": "The answer is'],
    ["no usage", '{"content": [], "metadata": {}}'],
  ])("a 2xx %s is the retryable 502 upstream_malformed, its text kept", (_, text) => {
    const response = upstreamResponse(200, JSON_HEADERS, text);
    expect(response).toMatchObject({
      ok: false,
      status: 200,
      error: { status: 502, code: "upstream_malformed", shouldRetry: true },
    });
    expect(response.text()).toBe(text);
  });
});

describe("a refusal", () => {
  it("carries the budget refusal's remaining_quota (429)", () => {
    const refusal = jsonResponse(429, { error: "Budget exhausted: Quota exceeded", remaining_quota: quota });
    expect(refusal).toMatchObject({ ok: false, status: 429, quota, error: { code: "insufficient_quota" } });
    expect(jsonResponse(500, { error: "x", remaining_quota: quota })).toMatchObject({ quota: undefined });
    expect(upstreamResponse(429, {}, "not json")).toMatchObject({ ok: false, quota: undefined });
  });

  it("keeps a Retry-After the upstream sent on the error", () => {
    const throttled = upstreamResponse(
      500,
      { "retry-after": "3" },
      '{"error": "Bedrock error: An error occurred (ThrottlingException) ..."}',
    );
    expect(throttled).toMatchObject({ ok: false, error: { status: 429, headers: { "retry-after": "3" } } });
  });
});
