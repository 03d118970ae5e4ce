import { describe, expect, it } from "vitest";
import {
  invokeResponseOf,
  parseInvokeResponse,
  rememberParsedAnswer,
} from "../../src/upstream/invoke-response.ts";
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

const reply = (body: InvokeResponse) => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("rememberParsedAnswer", () => {
  it("remembers exactly what parsing the body would give", () => {
    const body = answer();
    const response = rememberParsedAnswer(reply(body), body);
    expect(invokeResponseOf(response)).toStrictEqual(parseInvokeResponse(response.body));
    expect(invokeResponseOf(response)).not.toBe(body);
  });

  it("leaves answers whose JSON round trip is not exact to the parser", () => {
    const infinite = answer({
      metadata: { ...answer().metadata, remaining_quota: { ...quota, budget_limit: Infinity } },
    });
    const response = rememberParsedAnswer(reply(infinite), infinite);
    expect(invokeResponseOf(response).metadata.remaining_quota.budget_limit).toBeNull();

    const tool = answer({ content: [{ type: "tool_use", id: "t", name: "f", input: { when: undefined } }] });
    const toolResponse = rememberParsedAnswer(reply(tool), tool);
    expect(invokeResponseOf(toolResponse)).toStrictEqual(parseInvokeResponse(toolResponse.body));
  });
});
