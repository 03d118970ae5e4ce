// The whole composition in live mode: startGateway → createUpstream (live undici client) → /v1 with
// retries, against a stand-in proxy on 127.0.0.1 (no outside network).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import { createLogger } from "../../src/shared/logger.ts";

const received: { body: Record<string, unknown>; headers: IncomingHttpHeaders }[] = [];
let throttleNext = 0;
let proxy: Server;
let gw: Gateway;

beforeAll(async () => {
  proxy = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      received.push({ body: JSON.parse(text) as Record<string, unknown>, headers: req.headers });
      res.setHeader("content-type", "application/json");
      if (throttleNext > 0) {
        throttleNext--;
        res.statusCode = 500;
        res.end(
          JSON.stringify({
            error:
              "Bedrock error: An error occurred (ThrottlingException) when calling the InvokeModel operation: Too many requests",
          }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          content: [{ type: "text", text: "4" }],
          usage: { input_tokens: 14, output_tokens: 5, total_tokens: 19 },
          metadata: {
            team_id: "team_x",
            model: "us.anthropic.claude-3-haiku-20240307-v1:0",
            cost_usd: 1e-5,
            latency_ms: 5,
            remaining_quota: {
              requests_today: 1,
              tokens_today: 19,
              llm_cost: 1e-5,
              gpu_cost: 0,
              total_cost: 1e-5,
              budget_limit: 50,
              remaining_budget: 49.99999,
              budget_usage_percent: 0.00002,
            },
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  gw = await startGateway({
    mode: "live",
    port: 0,
    logger: createLogger("silent"),
    upstream: {
      kind: "live",
      url: `http://127.0.0.1:${port}/prod/invoke`,
      team_id: "team_x",
      api_token: "tok_x",
      timeout_ms: 5_000,
      retries: 1,
    },
  });
});
afterAll(async () => {
  await gw.close();
  await new Promise((resolve) => proxy.close(resolve));
});

test("the SDK talks to the real proxy through the gateway, which holds the credentials", async () => {
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "anything", maxRetries: 0 });
  const { data, response } = await client.chat.completions
    .create({ model: "gpt-3.5-turbo", messages: [{ role: "user", content: "2+2?" }] })
    .withResponse();
  expect(data.choices[0]?.message.content).toBe("4");
  expect(response.headers.get("x-bedrock-remaining-budget")).toBe("49.99999");
  const sent = received.at(-1)!;
  expect(sent.body).toMatchObject({
    team_id: "team_x",
    api_token: "tok_x",
    model: "us.anthropic.claude-3-haiku-20240307-v1:0",
    max_tokens: 1024,
  });
  expect(sent.headers["x-team-id"]).toBe("team_x");
  expect(sent.headers["x-api-token"]).toBe("tok_x");
});

test("a bearer key TEAM:TOKEN acts for that team", async () => {
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "team_y:tok_y", maxRetries: 0 });
  await client.chat.completions.create({
    model: "gpt-3.5-turbo",
    messages: [{ role: "user", content: "hi" }],
  });
  expect(received.at(-1)?.body).toMatchObject({ team_id: "team_y", api_token: "tok_y" });
});

test("a throttled call is retried by the gateway (upstream.retries)", async () => {
  const before = received.length;
  throttleNext = 1;
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "anything", maxRetries: 0 });
  const data = await client.chat.completions.create({
    model: "gpt-3.5-turbo",
    messages: [{ role: "user", content: "hi" }],
  });
  expect(data.choices[0]?.message.content).toBe("4");
  expect(received.length - before).toBe(2);
});

test("/quota answers from the last proxy answer for the caller's team, and 404 before any", async () => {
  const unknown = await fetch(`${gw.url}/quota`, {
    headers: { "x-team-id": "team_new", "x-api-token": "t" },
  });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: { code: "quota_unknown" } });

  // The configured team made calls above; its quota is what the proxy last reported.
  const known = await fetch(`${gw.url}/quota`);
  expect(known.status).toBe(200);
  expect(await known.json()).toMatchObject({ remaining_budget: 49.99999, budget_limit: 50 });
  const wrongToken = await fetch(`${gw.url}/quota`, {
    headers: { "x-team-id": "team_x", "x-api-token": "guess" },
  });
  expect(wrongToken.status).toBe(401);
});
