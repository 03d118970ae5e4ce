// CountTokens through the AWS SDK v3 Bedrock Runtime client over a real socket: both input forms
// (a Converse request, an InvokeModel body) count what the same request would be billed for, without
// an upstream call; a bad input is a ValidationException the SDK names.
import {
  BedrockRuntimeClient,
  ConverseCommand,
  CountTokensCommand,
  InvokeModelCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const NOVA = "us.amazon.nova-lite-v1:0";

let gw: Gateway;
let client: BedrockRuntimeClient;
beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
  client = new BedrockRuntimeClient({
    endpoint: gw.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "any-secret" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await gw.close();
});

async function requestsToday(): Promise<number> {
  const res = await fetch(`${gw.url}/quota`);
  return ((await res.json()) as { requests_today: number }).requests_today;
}

const messages = [{ role: "user" as const, content: [{ text: "What is the capital of France? One word." }] }];
const system = [{ text: "You are terse." }];

test("a Converse input counts what Converse is billed for, without an upstream call", async () => {
  const before = await requestsToday();
  const counted = await client.send(
    new CountTokensCommand({ modelId: SONNET, input: { converse: { messages, system } } }),
  );
  expect(await requestsToday()).toBe(before);
  const answer = await client.send(new ConverseCommand({ modelId: SONNET, messages, system }));
  expect(counted.inputTokens).toBe(answer.usage?.inputTokens);
});

test("an InvokeModel body counts what InvokeModel is billed for, for each family's native body", async () => {
  const bodies = {
    [SONNET]: {
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 50,
      messages: [{ role: "user", content: "What is the capital of France?" }],
    },
    [NOVA]: { messages: [{ role: "user", content: [{ text: "What is the capital of France?" }] }] },
  };
  for (const [modelId, body] of Object.entries(bodies)) {
    const counted = await client.send(
      new CountTokensCommand({
        modelId,
        input: { invokeModel: { body: new TextEncoder().encode(JSON.stringify(body)) } },
      }),
    );
    const answer = await client.send(new InvokeModelCommand({ modelId, body: JSON.stringify(body) }));
    expect(counted.inputTokens, modelId).toBe(inputTokensOf(answer.body));
  }
});

function inputTokensOf(body: Uint8Array): number {
  const json = JSON.parse(new TextDecoder().decode(body)) as {
    usage: { input_tokens?: number; inputTokens?: number };
  };
  return json.usage.input_tokens ?? json.usage.inputTokens ?? NaN;
}

test("an input that holds neither form, and an unknown model, are ValidationExceptions", async () => {
  const empty = await client
    .send(new CountTokensCommand({ modelId: SONNET, input: {} as never }))
    .catch((e: unknown) => e);
  expect(empty).toBeInstanceOf(ValidationException);
  const unknown = await client
    .send(new CountTokensCommand({ modelId: "no-such-model", input: { converse: { messages } } }))
    .catch((e: unknown) => e);
  expect(unknown).toBeInstanceOf(ValidationException);
  expect((unknown as Error).message).toBe("The provided model identifier is invalid.");
});

test("an operation the gateway does not serve is an AWS error the SDK names, not UnknownError", async () => {
  const res = await fetch(`${gw.url}/model/${encodeURIComponent(SONNET)}/invoke-with-bidirectional-stream`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  expect(res.status).toBe(404);
  expect(res.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
  expect(((await res.json()) as { message: string }).message).toContain(
    "Served under /model/{modelId}/: invoke, invoke-with-response-stream, converse, converse-stream, count-tokens",
  );
});
