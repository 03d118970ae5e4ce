// The Bedrock face in live mode: the AWS SDK signs with any credentials; the gateway sends the real
// proxy its configured team credentials and never the caller's Authorization. A stand-in proxy on
// 127.0.0.1 answers (no outside network).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const MODEL = "us.anthropic.claude-3-haiku-20240307-v1:0";
const received: { body: Record<string, unknown>; headers: IncomingHttpHeaders }[] = [];
let proxy: Server;
let gw: Gateway;

beforeAll(async () => {
  proxy = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      received.push({ body: JSON.parse(text) as Record<string, unknown>, headers: req.headers });
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          content: [{ type: "text", text: "4" }],
          usage: { input_tokens: 14, output_tokens: 5, total_tokens: 19 },
          metadata: {
            team_id: "team_x",
            model: MODEL,
            cost_usd: 1e-5,
            latency_ms: 539.97,
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
  gw = await startTestGateway({
    mode: "live",
    upstream: {
      kind: "live",
      url: `http://127.0.0.1:${port}/prod/invoke`,
      team_id: "team_x",
      api_token: "tok_x",
      timeout_ms: 5_000,
      retries: 0,
    },
  });
});
afterAll(async () => {
  await gw.close();
  await new Promise((resolve) => proxy.close(resolve));
});

test("Converse through the real proxy: the configured team is used, the caller's signature is not sent", async () => {
  const client = new BedrockRuntimeClient({
    endpoint: gw.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "caller-secret" },
    maxAttempts: 1,
  });
  try {
    const out = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        system: [{ text: "Be brief." }],
        messages: [{ role: "user", content: [{ text: "2+2?" }] }],
        inferenceConfig: { maxTokens: 100 },
      }),
    );
    expect(out.output?.message?.content).toEqual([{ text: "4" }]);
    expect(out.usage).toEqual({ inputTokens: 14, outputTokens: 5, totalTokens: 19 });
    expect(out.metrics?.latencyMs).toBe(540);
  } finally {
    client.destroy();
  }
  const sent = received.at(-1);
  expect(sent?.body).toMatchObject({
    team_id: "team_x",
    api_token: "tok_x",
    model: MODEL,
    max_tokens: 100,
    // The system text folded into the first user turn, as every real client of the proxy sends it.
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Be brief." },
          { type: "text", text: "2+2?" },
        ],
      },
    ],
  });
  const forwarded = JSON.stringify(sent);
  expect(forwarded).not.toContain("AKIAEXAMPLE");
  expect(forwarded).not.toContain("AWS4-HMAC-SHA256");
});
