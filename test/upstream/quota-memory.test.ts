import { describe, expect, it } from "vitest";
import { withQuotaMemory } from "../../src/upstream/quota-memory.ts";
import type {
  Credentials,
  InvokeRequest,
  UpstreamClient,
  UpstreamResponse,
} from "../../src/upstream/types.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

const REQUEST: InvokeRequest = { model: "m", messages: [{ role: "user", content: "x" }], max_tokens: 5 };
const quota = (remaining: number) => ({
  requests_today: 1,
  tokens_today: 10,
  llm_cost: 50 - remaining,
  gpu_cost: 0,
  total_cost: 50 - remaining,
  budget_limit: 50,
  remaining_budget: remaining,
  budget_usage_percent: ((50 - remaining) / 50) * 100,
});

function answering(...responses: UpstreamResponse[]): UpstreamClient {
  return { invoke: async () => responses.shift() as UpstreamResponse, close: () => Promise.resolve() };
}
const ok = (remaining: number): UpstreamResponse =>
  upstreamResponse(
    200,
    {},
    JSON.stringify({
      content: [],
      usage: { input_tokens: 1, output_tokens: 0, total_tokens: 1 },
      metadata: { remaining_quota: quota(remaining) },
    }),
  );
const team = (teamId: string, apiToken: string): Credentials => ({ teamId, apiToken, teamField: "team_id" });

describe("withQuotaMemory", () => {
  it("serves the latest quota seen for a team, to callers with that team's token only", async () => {
    const memory = withQuotaMemory(
      answering(ok(49), ok(48), upstreamResponse(500, {}, '{"error":"Bedrock error"}')),
    );
    const alice = team("alice", "secret");
    expect(memory.quota("alice")).toBeUndefined();
    expect(memory.authenticate(alice)).toBe("alice"); // nothing known yet, nothing to reveal

    await memory.invoke(REQUEST, { credentials: alice, requestId: "1" });
    await memory.invoke(REQUEST, { credentials: alice, requestId: "2" });
    await memory.invoke(REQUEST, { credentials: alice, requestId: "3" }); // an error carries no quota
    expect(memory.quota("alice")?.remaining_budget).toBe(48);
    expect(memory.authenticate(alice)).toBe("alice");
    expect(memory.authenticate(team("alice", "guess"))).toBeUndefined();
    expect(memory.authenticate(undefined)).toBeUndefined();
  });

  it("reads the quota a budget refusal carries", async () => {
    const refusal = upstreamResponse(
      429,
      {},
      JSON.stringify({ error: "Budget exhausted", remaining_quota: quota(0) }),
    );
    const memory = withQuotaMemory(answering(refusal));
    await memory.invoke(REQUEST, { credentials: team("bob", "t"), requestId: "1" });
    expect(memory.quota("bob")?.remaining_budget).toBe(0);
  });
});
