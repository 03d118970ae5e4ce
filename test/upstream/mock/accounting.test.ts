// Cost and quota arithmetic to the digit (PROXY.md "Cost and quota arithmetic") and the budget test:
// concurrent calls never make llm_cost differ from the sum of the successful calls' unrounded costs.
import request from "supertest";
import { describe, expect, it } from "vitest";
import { llmCost } from "../../../src/accounting/pricing.ts";
import { findModel } from "../../../src/models/catalog.ts";
import { countText } from "../../../src/upstream/mock/tokens.ts";
import { HAIKU3, TEAM, TEAMS, invokeBody, mockApp } from "./harness.ts";

const FOUR = "It is 4.";

describe("cost arithmetic", () => {
  it("Claude 3 Haiku, 14 in / 5 out → cost_usd 1e-05, llm_cost unrounded", async () => {
    expect(countText(FOUR)).toBe(5);
    const { app } = mockApp({
      mock: { teams: TEAMS, scripts: [{ match: { last_user: "2\\+2" }, reply: { text: FOUR } }] },
    });
    const res = await request(app).post("/prod/invoke").send(invokeBody());
    expect(res.body.usage).toEqual({ input_tokens: 14, output_tokens: 5, total_tokens: 19 });
    expect(res.text).toContain('"cost_usd":0.00001,');
    expect(res.body.metadata.cost_usd).toBe(1e-5);
    const unrounded = 14 * (0.25 / 1e6) + 5 * (1.25 / 1e6);
    expect(res.body.metadata.remaining_quota).toEqual({
      requests_today: 1,
      tokens_today: 19,
      llm_cost: unrounded,
      gpu_cost: 0,
      total_cost: unrounded,
      budget_limit: 50,
      remaining_budget: 50 - unrounded,
      budget_usage_percent: (unrounded / 50) * 100,
    });
    const second = await request(app).post("/prod/invoke").send(invokeBody());
    expect(second.body.metadata.remaining_quota.llm_cost).toBe(unrounded + unrounded);
    expect(second.body.metadata.remaining_quota.requests_today).toBe(2);
    expect(second.body.metadata.remaining_quota.tokens_today).toBe(38);
  });

  it("counts and charges failed calls not at all", async () => {
    const { app } = mockApp();
    await request(app).post("/prod/invoke").send(invokeBody());
    const before = (
      await request(app).get("/quota").set("X-Team-ID", TEAM.team_id).set("X-API-Token", TEAM.api_token)
    ).body;
    expect(
      (
        await request(app)
          .post("/prod/invoke")
          .send(invokeBody({ model: "nope" }))
      ).status,
    ).toBe(500);
    expect(
      (await request(app).post("/prod/invoke").set("X-Mock-Fault", "throttle").send(invokeBody())).status,
    ).toBe(500);
    expect(
      (
        await request(app)
          .post("/prod/invoke")
          .send(invokeBody({ max_tokens: 0 }))
      ).status,
    ).toBe(400);
    const after = (
      await request(app).get("/quota").set("X-Team-ID", TEAM.team_id).set("X-API-Token", TEAM.api_token)
    ).body;
    expect(after).toEqual(before);
  });

  it("resets requests_today and tokens_today at UTC midnight, never the money", async () => {
    const { app, clock } = mockApp();
    const first = (await request(app).post("/prod/invoke").send(invokeBody())).body.metadata.remaining_quota;
    expect(first.requests_today).toBe(1);
    clock.advance(59 * 60 * 1000); // 23:59 — same UTC day
    expect(
      (await request(app).post("/prod/invoke").send(invokeBody())).body.metadata.remaining_quota
        .requests_today,
    ).toBe(2);
    clock.advance(2 * 60 * 1000); // 00:01 the next day
    const quota = (
      await request(app).get("/quota").set("X-Team-ID", TEAM.team_id).set("X-API-Token", TEAM.api_token)
    ).body;
    expect(quota.requests_today).toBe(0);
    expect(quota.tokens_today).toBe(0);
    expect(quota.llm_cost).toBeGreaterThan(first.llm_cost);
  });
});

describe("budget", () => {
  it("concurrent calls: llm_cost is exactly the sum of the successful calls' unrounded costs", async () => {
    const { app } = mockApp();
    const models = [
      HAIKU3,
      "us.amazon.nova-lite-v1:0",
      "us.meta.llama3-3-70b-instruct-v1:0",
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ];
    const responses = await Promise.all(
      Array.from({ length: 48 }, (_, i) =>
        // slow:<ms> interleaves the calls, so they finish (and are charged) out of order.
        request(app)
          .post("/prod/invoke")
          .set("X-Mock-Fault", `slow:${(i * 7) % 5}`)
          .send(
            invokeBody({
              model: models[i % models.length],
              max_tokens: 50 + i,
              messages: [{ role: "user", content: `Question number ${i} about budgets` }],
              ...(i % 7 === 3 ? { model: "bad-model" } : {}),
            }),
          ),
      ),
    );
    const ok = responses.filter((r) => r.status === 200).map((r) => r.body);
    expect(ok.length).toBeGreaterThan(30);
    expect(responses.filter((r) => r.status !== 200).every((r) => r.status === 500)).toBe(true);
    // requests_today after each call gives the order the ledger charged them in: sum in that order.
    ok.sort((a, b) => a.metadata.remaining_quota.requests_today - b.metadata.remaining_quota.requests_today);
    let sum = 0;
    for (const body of ok) {
      sum += llmCost(findModel(body.metadata.model)!, body.usage.input_tokens, body.usage.output_tokens);
      expect(body.metadata.remaining_quota.llm_cost).toBe(sum);
    }
    const quota = (
      await request(app).get("/quota").set("X-Team-ID", TEAM.team_id).set("X-API-Token", TEAM.api_token)
    ).body;
    expect(quota.llm_cost).toBe(sum);
    expect(quota.requests_today).toBe(ok.length);
    expect(quota.tokens_today).toBe(ok.reduce((n, b) => n + b.usage.total_tokens, 0));
    expect(quota.remaining_budget).toBe(50 - sum);
  });

  it("a team at its limit gets 429 with both texts and its quota in the body", async () => {
    const { app } = mockApp();
    const team = TEAMS[2]!;
    const creds = { team_id: team.team_id, api_token: team.api_token };
    const first = await request(app).post("/prod/invoke").send(invokeBody(creds));
    expect(first.status).toBe(200);
    expect(first.body.metadata.remaining_quota.remaining_budget).toBeLessThanOrEqual(0);
    const refused = await request(app).post("/prod/invoke").send(invokeBody(creds));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/Budget exhausted/);
    expect(refused.body.error).toMatch(/Quota exceeded/);
    expect(refused.body.remaining_quota).toEqual(first.body.metadata.remaining_quota);
  });

  it("a team with a zero budget is refused from the first call", async () => {
    const { app } = mockApp({ mock: { teams: [{ team_id: "broke", api_token: "t", budget_limit: 0 }] } });
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ team_id: "broke", api_token: "t" }));
    expect(res.status).toBe(429);
    expect(res.body.remaining_quota.budget_usage_percent).toBe(100);
  });
});
