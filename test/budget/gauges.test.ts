// The /metrics additions of issue 18, each read from a real scrape: remaining budget, LLM and GPU cost
// per team, tokens in/out per model, running GPU instances, cassette hits/misses/records, requests per face.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const DEMO = { "x-team-id": "demo", "x-api-token": "demo-token", "content-type": "application/json" };
const HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

/** The value of one sample line of a scrape, or undefined. */
async function sample(gw: Gateway, name: string, labels: string): Promise<number | undefined> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

const invoke = (gw: Gateway, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/prod/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ team_id: "demo", api_token: "demo-token", ...body }),
  });

describe("budget gauges in mock mode", () => {
  let gw: Gateway;
  let usage: { prompt_tokens: number; completion_tokens: number };
  let invokeUsage: { input_tokens: number; output_tokens: number };

  beforeAll(async () => {
    gw = await startTestGateway({ mode: "mock", mock: { clock: "manual" } });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "demo:demo-token" });
    const completion = await client.chat.completions.create({
      model: HAIKU,
      messages: [{ role: "user", content: "Hello" }],
    });
    usage = completion.usage as typeof usage;
    const answer = await invoke(gw, {
      model: HAIKU,
      max_tokens: 50,
      messages: [{ role: "user", content: "Hi" }],
    });
    invokeUsage = ((await answer.json()) as { usage: typeof invokeUsage }).usage;
    await fetch(`${gw.url}/gpu/instances`, {
      method: "POST",
      headers: DEMO,
      body: JSON.stringify({ instance_type: "ml.g5.xlarge", name: "running" }),
    });
    await fetch(`${gw.url}/gpu/instances`, {
      method: "POST",
      headers: DEMO,
      body: JSON.stringify({ instance_type: "ml.t3.medium", name: "stopped" }),
    });
    await fetch(`${gw.url}/gpu/instances/stopped/stop`, { method: "POST", headers: DEMO });
    await fetch(`${gw.url}/admin/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seconds: 3600 }),
    });
  });
  afterAll(() => gw.close());

  it("reports each team's remaining budget, LLM and GPU cost as the ledger has them", async () => {
    const quota = (await (await fetch(`${gw.url}/quota`, { headers: DEMO })).json()) as {
      llm_cost: number;
      gpu_cost: number;
      remaining_budget: number;
      budget_limit: number;
    };
    expect(quota.gpu_cost).toBeCloseTo(1.41, 6); // an hour of ml.g5.xlarge
    expect(await sample(gw, "bpg_llm_cost_usd", 'team="demo"')).toBe(quota.llm_cost);
    expect(await sample(gw, "bpg_gpu_cost_usd", 'team="demo"')).toBeCloseTo(quota.gpu_cost, 9);
    expect(await sample(gw, "bpg_budget_remaining_usd", 'team="demo"')).toBeCloseTo(
      quota.remaining_budget,
      9,
    );
    expect(await sample(gw, "bpg_budget_limit_usd", 'team="demo"')).toBe(50);
  });

  it("counts tokens in and out per model, from every face", async () => {
    expect(await sample(gw, "bpg_tokens_total", `model="${HAIKU}",direction="input"`)).toBe(
      usage.prompt_tokens + invokeUsage.input_tokens,
    );
    expect(await sample(gw, "bpg_tokens_total", `model="${HAIKU}",direction="output"`)).toBe(
      usage.completion_tokens + invokeUsage.output_tokens,
    );
  });

  it("counts running GPU instances per team (a stopped one is not running)", async () => {
    expect(await sample(gw, "bpg_gpu_instances_running", 'team="demo"')).toBe(1);
  });

  it("counts requests per face", async () => {
    expect(await sample(gw, "bpg_face_requests_total", 'face="chat"')).toBe(1);
    expect(await sample(gw, "bpg_face_requests_total", 'face="invoke"')).toBe(1);
  });
});

describe("cassette gauges", () => {
  const dir = mkdtempSync(join(tmpdir(), "bpg-cassette-metrics-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const body = { model: HAIKU, max_tokens: 20, messages: [{ role: "user", content: "Count me" }] };

  it("counts records and hits in auto mode, misses in replay", async () => {
    const auto = await startTestGateway({
      mode: "auto",
      upstream: { kind: "mock" },
      recording: { dir, cassette: "metrics" },
    });
    try {
      expect((await invoke(auto, body)).status).toBe(200); // miss → recorded
      expect((await invoke(auto, body)).status).toBe(200); // replayed
      expect(await sample(auto, "bpg_cassette_requests_total", 'outcome="record"')).toBe(1);
      expect(await sample(auto, "bpg_cassette_requests_total", 'outcome="hit"')).toBe(1);
      expect(await sample(auto, "bpg_cassette_requests_total", 'outcome="miss"')).toBe(1);
    } finally {
      await auto.close();
    }
    const replay = await startTestGateway({ mode: "replay", recording: { dir, cassette: "metrics" } });
    try {
      expect((await invoke(replay, body)).status).toBe(200);
      expect((await invoke(replay, { ...body, max_tokens: 21 })).status).toBe(404);
      expect(await sample(replay, "bpg_cassette_requests_total", 'outcome="hit"')).toBe(1);
      expect(await sample(replay, "bpg_cassette_requests_total", 'outcome="miss"')).toBe(1);
      expect(await sample(replay, "bpg_cassette_requests_total", 'outcome="record"')).toBeUndefined();
      // Replay has no ledger: the budget gauges show what the recorded answer reported.
      expect(await sample(replay, "bpg_budget_limit_usd", 'team="demo"')).toBe(50);
    } finally {
      await replay.close();
    }
  });
});
