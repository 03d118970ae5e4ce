// The Bedrock face in live mode: the AWS SDK signs with any credentials; the gateway sends the real
// proxy its configured team credentials and never the caller's Authorization. A stand-in proxy on
// 127.0.0.1 answers (no outside network).
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import {
  liveUpstream,
  proxySuccess,
  startStandInProxy,
  type StandInProxy,
} from "../helpers/stand-in-proxy.ts";

const MODEL = "us.anthropic.claude-3-haiku-20240307-v1:0";
let proxy: StandInProxy;
let received: StandInProxy["received"];
let gw: Gateway;

beforeAll(async () => {
  proxy = await startStandInProxy(() => ({
    body: proxySuccess({ metadata: { model: MODEL, latency_ms: 539.97 } }),
  }));
  received = proxy.received;
  gw = await startTestGateway({ mode: "live", upstream: liveUpstream(proxy) });
});
afterAll(async () => {
  await gw.close();
  await proxy.close();
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
