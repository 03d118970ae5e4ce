// bpg_cost_usd_total counts every surface's spend, so after mixed /v1 and /prod/invoke calls it equals
// the llm_cost /quota reports (issue 12: /prod/invoke spend used to be missing).
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

async function metricTotal(): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("bpg_cost_usd_total{"))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}

it("equals /quota's llm_cost after mixed /v1 and /prod/invoke calls", async () => {
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "anything", maxRetries: 0 });
  await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
  await client.chat.completions.create({
    model: "nova-pro",
    n: 2,
    messages: [{ role: "user", content: "two" }],
  });
  const stream = await client.chat.completions.create({
    model: "gpt-4o",
    stream: true,
    messages: [{ role: "user", content: "stream" }],
  });
  for await (const _chunk of stream) void _chunk;
  for (const model of ["us.anthropic.claude-3-haiku-20240307-v1:0", "us.meta.llama3-3-70b-instruct-v1:0"]) {
    const res = await fetch(`${gw.url}/prod/invoke`, {
      method: "POST",
      headers: { "x-team-id": "demo", "x-api-token": "demo-token" },
      body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: "user", content: "What is 2+2?" }] }),
    });
    expect(res.status).toBe(200);
  }
  const quota = (await (
    await fetch(`${gw.url}/quota`, { headers: { "x-team-id": "demo", "x-api-token": "demo-token" } })
  ).json()) as { remaining_quota?: { llm_cost: number; requests_today: number } };
  const q = quota.remaining_quota ?? (quota as unknown as { llm_cost: number; requests_today: number });
  expect(q.requests_today).toBe(6);
  expect(q.llm_cost).toBeGreaterThan(0);
  expect(await metricTotal()).toBeCloseTo(q.llm_cost, 9);
});
