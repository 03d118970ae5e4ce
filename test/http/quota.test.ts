// GET /quota: the caller's 8-key remaining_quota, credentials resolved like /v1 (CONTRACT §3).
import request from "supertest";
import { describe, expect, it } from "vitest";
import { TEAM, TEAMS, invokeBody, mockApp } from "../upstream/mock/harness.ts";

describe("GET /quota", () => {
  const { app } = mockApp();

  it("answers the quota of the team in X-Team-ID / X-API-Token", async () => {
    await request(app).post("/prod/invoke").send(invokeBody());
    const res = await request(app)
      .get("/quota")
      .set("X-Team-ID", TEAM.team_id)
      .set("X-API-Token", TEAM.api_token);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([
      "requests_today",
      "tokens_today",
      "llm_cost",
      "gpu_cost",
      "total_cost",
      "budget_limit",
      "remaining_budget",
      "budget_usage_percent",
    ]);
    expect(res.body.requests_today).toBe(1);
  });

  it("accepts a bearer key of the form TEAM_ID:API_TOKEN", async () => {
    const team = TEAMS[1]!;
    const res = await request(app)
      .get("/quota")
      .set("Authorization", `Bearer ${team.team_id}:${team.api_token}`);
    expect(res.status).toBe(200);
    expect(res.body.requests_today).toBe(0);
  });

  it("falls back to the first simulated team without credentials (mock mode)", async () => {
    const res = await request(app).get("/quota");
    expect(res.status).toBe(200);
    expect(res.body.budget_limit).toBe(TEAM.budget_limit);
  });

  it("answers 401 for wrong credentials, as an OpenAI-style error", async () => {
    const res = await request(app).get("/quota").set("X-Team-ID", TEAM.team_id).set("X-API-Token", "wrong");
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe("authentication_error");
  });
});
