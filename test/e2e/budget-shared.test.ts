// One budget for LLM calls and GPU notebooks (CONTRACT §5): GPU time that crosses the budget stops the
// instances and turns the next LLM call into a 429 carrying the quota — across the real HTTP surfaces.
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const TEAM = { "x-team-id": "gpu-team", "x-api-token": "gpu-token", "content-type": "application/json" };
const INVOKE = {
  model: "us.anthropic.claude-3-haiku-20240307-v1:0",
  max_tokens: 20,
  messages: [{ role: "user", content: "What is 2+2?" }],
};

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = TEAM): Promise<Response> {
  return fetch(`${gw?.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

describe("shared budget", () => {
  it("GPU time that exhausts the budget stops instances and refuses the next LLM call with 429", async () => {
    gw = await startTestGateway({
      // Simulated time starts at noon UTC: advancing it an hour must not cross midnight, which would
      // reset requests_today (with the real clock as base, the test failed between 23:00 and 24:00 UTC).
      clock: new ManualClock(Date.UTC(2026, 0, 15, 12)),
      mock: {
        clock: "manual",
        teams: [{ team_id: "gpu-team", api_token: "gpu-token", budget_limit: 2 }],
      } as never,
    });
    const first = await post("/prod/invoke", INVOKE);
    expect(first.status).toBe(200);
    const cost = ((await first.json()) as { metadata: { remaining_quota: { llm_cost: number } } }).metadata
      .remaining_quota.llm_cost;
    expect(cost).toBeGreaterThan(0);

    expect((await post("/gpu/instances", { instance_type: "ml.p3.2xlarge", name: "big" })).status).toBe(201);
    expect((await post("/admin/clock/advance", { seconds: 3600 })).status).toBe(200);

    const refused = await post("/prod/invoke", INVOKE);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: string; remaining_quota: Record<string, number> };
    expect(body.error).toMatch(/Budget exhausted/);
    expect(body.remaining_quota.remaining_budget).toBeLessThanOrEqual(0);
    // Billing is per millisecond, so the stop lands within one millisecond of price past the limit.
    expect(body.remaining_quota.gpu_cost).toBeCloseTo(2 - cost, 5);

    const instance = (await (await fetch(`${gw.url}/gpu/instances/big`, { headers: TEAM })).json()) as Record<
      string,
      unknown
    >;
    expect(instance).toMatchObject({ stop_reason: "budget_exhausted" });
    expect(["Stopping", "Stopped"]).toContain(instance.status);

    const quota = (await (await fetch(`${gw.url}/quota`, { headers: TEAM })).json()) as Record<
      string,
      number
    >;
    // The refused call was not charged (daily counters may have rolled over: the clock moved an hour).
    expect(quota.llm_cost).toBe(cost);
  });
});
