// The Anthropic face in live mode, against a stand-in proxy on 127.0.0.1 that records what it receives:
// Claude Code's request reaches the proxy as a plain invoke body — nothing the proxy cannot carry, the
// system prompt folded into the first user turn, max_tokens capped, the team from TEAM_ID:API_TOKEN — and
// the proxy's answer (which has no id, stop reason or model) comes back as an Anthropic stream.
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import { createLogger } from "../../src/shared/logger.ts";
import {
  liveUpstream,
  proxySuccess,
  startStandInProxy,
  type StandInProxy,
} from "../helpers/stand-in-proxy.ts";

const received: Record<string, unknown>[] = [];
let proxy: StandInProxy;
let gw: Gateway;

beforeAll(async () => {
  proxy = await startStandInProxy((call) => {
    received.push(call.body);
    return {
      body: proxySuccess({
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool_use", id: "toolu_bdrk_01abc", name: "Read", input: { file_path: "a.ts" } },
        ],
        usage: { input_tokens: 120, output_tokens: 30, total_tokens: 150 },
        metadata: {
          team_id: "team_y",
          model: "us.anthropic.claude-opus-4-20250514-v1:0",
          cost_usd: 0.00405,
          latency_ms: 900,
          remaining_quota: { budget_limit: 50, remaining_budget: 49.99595 },
        },
      }),
    };
  });
  gw = await startGateway({
    mode: "live",
    port: 0,
    logger: createLogger("silent"),
    upstream: liveUpstream(proxy),
  });
});
afterAll(async () => {
  await gw.close();
  await proxy.close();
});

test("Claude Code's request reaches the proxy as a plain invoke body; the answer streams back", async () => {
  const client = new Anthropic({ baseURL: gw.url, apiKey: "team_y:tok_y", maxRetries: 0 });
  const stream = client.messages.stream({
    model: "claude-opus-4-8",
    max_tokens: 128_000,
    system: [{ type: "text", text: "You are a coding agent.", cache_control: { type: "ephemeral" } }],
    tools: [
      {
        name: "Read",
        description: "Read a file",
        input_schema: { type: "object", properties: { file_path: { type: "string" } } },
      },
    ],
    messages: [{ role: "user", content: "Open a.ts" }],
    metadata: { user_id: "u" },
    thinking: { type: "adaptive" },
  } as never);
  const final = await stream.finalMessage();

  expect(received).toHaveLength(1);
  expect(received[0]).toEqual({
    team_id: "team_y",
    api_token: "tok_y",
    model: "us.anthropic.claude-opus-4-20250514-v1:0",
    max_tokens: 32_000,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "You are a coding agent." },
          { type: "text", text: "Open a.ts" },
        ],
      },
    ],
    tools: [
      {
        name: "Read",
        description: "Read a file",
        input_schema: { type: "object", properties: { file_path: { type: "string" } } },
      },
    ],
  });
  expect(final.model).toBe("claude-opus-4-8");
  expect(final.stop_reason).toBe("tool_use");
  expect(final.content).toEqual([
    { type: "text", text: "Let me look." },
    { type: "tool_use", id: "toolu_bdrk_01abc", name: "Read", input: { file_path: "a.ts" } },
  ]);
  expect(final.usage).toMatchObject({ input_tokens: 120, output_tokens: 30 });
});
