// withSpendWatch reads tokens, cost and remaining_quota from successful answers, whatever their layout.
import { describe, expect, it } from "vitest";
import { observe, withSpendWatch, type SpendObservation } from "../../src/budget/watch.ts";
import type { UpstreamResponse } from "../../src/upstream/types.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

const QUOTA = {
  requests_today: 5,
  tokens_today: 165,
  llm_cost: 2.15215495,
  gpu_cost: 0,
  total_cost: 2.15215495,
  budget_limit: 50,
  remaining_budget: 47.847845050000004,
  budget_usage_percent: 4.3043099,
};
const ANSWER = {
  content: [{ type: "tool_use", id: "toolu_1", name: "report", input: { usage: { input_tokens: 999 } } }],
  usage: { input_tokens: 14, output_tokens: 5, total_tokens: 19 },
  metadata: { team_id: "t", model: "m", cost_usd: 1e-5, latency_ms: 539.97, remaining_quota: QUOTA },
};
const CTX = { credentials: { teamId: "team_a", apiToken: "secret", teamField: "team_id" as const } };
const answered = (status: number, body: unknown): UpstreamResponse =>
  upstreamResponse(status, {}, typeof body === "string" ? body : JSON.stringify(body));
const ok = (body: unknown): UpstreamResponse => answered(200, body);

describe("observe", () => {
  const expected: SpendObservation = {
    teamId: "team_a",
    model: "m",
    inputTokens: 14,
    outputTokens: 5,
    costUsd: 1e-5,
    quota: QUOTA,
    charged: true,
  };

  it("reads the proxy's answer (a `usage` key inside the content does not fool it)", () => {
    expect(observe({ model: "m" }, CTX, ok(ANSWER))).toEqual(expected);
  });

  it("reads Python-style JSON and other key orders too", () => {
    const python = JSON.stringify(ANSWER).replaceAll('":', '": ').replaceAll(',"', ', "');
    expect(observe({ model: "m" }, CTX, ok(python))).toEqual(expected);
    const reordered = { metadata: ANSWER.metadata, usage: ANSWER.usage, content: ANSWER.content };
    expect(observe({ model: "m" }, CTX, ok(reordered))).toEqual(expected);
  });

  it("ignores failures, callers without credentials and bodies without usage", () => {
    expect(observe({ model: "m" }, CTX, answered(500, ANSWER))).toBeUndefined();
    expect(observe({ model: "m" }, { credentials: undefined }, ok(ANSWER))).toBeUndefined();
    expect(observe({ model: "m" }, CTX, ok({ content: [] }))).toBeUndefined();
    expect(observe({ model: "m" }, CTX, ok("not json"))).toBeUndefined();
  });

  it("reads the quota of a budget refusal (429), charging nothing", () => {
    const refused = answered(429, { error: "Budget exhausted: Quota exceeded", remaining_quota: QUOTA });
    expect(observe({ model: "m" }, CTX, refused)).toEqual({
      ...expected,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      charged: false,
    });
    expect(observe({ model: "m" }, CTX, answered(429, { error: "Budget exhausted" }))).toBeUndefined();
  });

  it("keeps the tokens of an answer whose quota is malformed, without the quota", () => {
    const partial = { ...ANSWER, metadata: { ...ANSWER.metadata, remaining_quota: { llm_cost: "x" } } };
    expect(observe({ model: "m" }, CTX, ok(partial))).toEqual({ ...expected, quota: undefined });
  });

  it("withSpendWatch passes the answer on unchanged and reports it", async () => {
    const seen: SpendObservation[] = [];
    const response = ok(ANSWER);
    const watched = withSpendWatch(
      { invoke: () => Promise.resolve(response), close: () => Promise.resolve() },
      (o) => seen.push(o),
    );
    const request = { model: "m", messages: [], max_tokens: 10 };
    expect(await watched.invoke(request, { ...CTX, requestId: "r" })).toBe(response);
    expect(seen).toEqual([expected]);
  });
});
