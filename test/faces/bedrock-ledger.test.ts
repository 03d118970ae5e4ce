// Every face shares one core (CONTRACT §3d): the same prompt through Converse, InvokeModel and the
// proxy's own /prod/invoke is one invoke request, so it costs exactly the same and moves the team's
// ledger the same; and a recording made through /prod/invoke replays through Converse.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const MODEL = "us.anthropic.claude-3-haiku-20240307-v1:0";
const PROMPT = "Explain in a few sentences why the sea has tides.";

interface Quota {
  requests_today: number;
  tokens_today: number;
  llm_cost: number;
  remaining_budget: number;
}

let gw: Gateway;
let client: BedrockRuntimeClient;

function sdk(url: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "demo", secretAccessKey: "x" },
    maxAttempts: 1,
  });
}

async function quota(): Promise<Quota> {
  const res = await fetch(`${gw.url}/quota`, {
    headers: { "x-team-id": "demo", "x-api-token": "demo-token" },
  });
  const body = (await res.json()) as { remaining_quota?: Quota } & Quota;
  return body.remaining_quota ?? body;
}

/** The ledger's move over one call, and what the call said it cost. */
async function moved(
  call: () => Promise<number>,
): Promise<{ cost: number; delta: Record<keyof Quota, number> }> {
  const before = await quota();
  const cost = await call();
  const after = await quota();
  const delta = {
    requests_today: after.requests_today - before.requests_today,
    tokens_today: after.tokens_today - before.tokens_today,
    llm_cost: after.llm_cost - before.llm_cost,
    remaining_budget: before.remaining_budget - after.remaining_budget,
  };
  return { cost, delta };
}

async function viaProxy(url: string): Promise<{ cost_usd: number; text: string }> {
  const res = await fetch(`${url}/prod/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      team_id: "demo",
      api_token: "demo-token",
      model: MODEL,
      messages: [{ role: "user", content: PROMPT }],
      max_tokens: 300,
    }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { content: { text: string }[]; metadata: { cost_usd: number } };
  return { cost_usd: body.metadata.cost_usd, text: body.content[0]?.text ?? "" };
}

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
  client = sdk(gw.url);
});
afterAll(async () => {
  client.destroy();
  await gw.close();
});

describe("one prompt, three faces", () => {
  test("Converse, InvokeModel and /prod/invoke cost the same and move the ledger the same", async () => {
    // The SDK does not surface response headers: the cost header is read with fetch; the SDK's own
    // Converse call must move the ledger the same.
    const sdkConverse = await moved(async () => {
      const out = await client.send(
        new ConverseCommand({
          modelId: MODEL,
          messages: [{ role: "user", content: [{ text: PROMPT }] }],
          inferenceConfig: { maxTokens: 300 },
        }),
      );
      expect(out.usage?.inputTokens).toBeGreaterThan(0);
      return Number.NaN;
    });
    const converse = await moved(async () => {
      const res = await fetch(`${gw.url}/model/${encodeURIComponent(MODEL)}/converse`, {
        method: "POST",
        body: JSON.stringify({
          messages: [{ role: "user", content: [{ text: PROMPT }] }],
          inferenceConfig: { maxTokens: 300 },
        }),
      });
      expect(res.status).toBe(200);
      return Number(res.headers.get("x-bedrock-cost-usd"));
    });
    const invoke = await moved(async () => {
      const res = await fetch(`${gw.url}/model/${encodeURIComponent(MODEL)}/invoke`, {
        method: "POST",
        body: JSON.stringify({
          anthropic_version: "bedrock-2023-05-31",
          max_tokens: 300,
          messages: [{ role: "user", content: PROMPT }],
        }),
      });
      expect(res.status).toBe(200);
      return Number(res.headers.get("x-bedrock-cost-usd"));
    });
    const proxy = await moved(async () => (await viaProxy(gw.url)).cost_usd);

    expect(proxy.cost).toBeGreaterThan(0);
    expect(converse.cost).toBe(proxy.cost);
    expect(invoke.cost).toBe(proxy.cost);
    for (const face of [sdkConverse, converse, invoke]) {
      expect(face.delta.requests_today).toBe(1);
      expect(face.delta.tokens_today).toBe(proxy.delta.tokens_today);
      // The ledger keeps unrounded sums: the same addend moves it the same, up to the float noise of
      // adding it to a larger running total.
      expect(face.delta.llm_cost).toBeCloseTo(proxy.delta.llm_cost, 12);
      expect(face.delta.remaining_budget).toBeCloseTo(proxy.delta.remaining_budget, 12);
    }
  });
});

describe("record through /prod/invoke, replay through Converse", () => {
  test("the recording answers the Converse call, offline, with the recorded text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bpg-bedrock-rec-"));
    try {
      const recorder = await startTestGateway({
        mode: "record",
        upstream: { kind: "mock" },
        recording: { dir },
      });
      const recorded = await viaProxy(recorder.url);
      await recorder.close();

      const replay = await startTestGateway({
        mode: "replay",
        upstream: { kind: "mock" },
        recording: { dir },
      });
      const replayClient = sdk(replay.url);
      try {
        const out = await replayClient.send(
          new ConverseCommand({
            modelId: MODEL,
            messages: [{ role: "user", content: [{ text: PROMPT }] }],
            inferenceConfig: { maxTokens: 300 },
          }),
        );
        expect(out.output?.message?.content?.[0]?.text).toBe(recorded.text);
      } finally {
        replayClient.destroy();
        await replay.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("and back: a recording made through Converse answers /prod/invoke", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bpg-bedrock-rec-"));
    try {
      const recorder = await startTestGateway({
        mode: "record",
        upstream: { kind: "mock" },
        recording: { dir },
      });
      const recordClient = sdk(recorder.url);
      const recorded = await recordClient.send(
        new ConverseCommand({
          modelId: MODEL,
          messages: [{ role: "user", content: [{ text: PROMPT }] }],
          inferenceConfig: { maxTokens: 300 },
        }),
      );
      recordClient.destroy();
      await recorder.close();

      const replay = await startTestGateway({
        mode: "replay",
        upstream: { kind: "mock" },
        recording: { dir },
      });
      try {
        expect((await viaProxy(replay.url)).text).toBe(recorded.output?.message?.content?.[0]?.text);
      } finally {
        await replay.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
