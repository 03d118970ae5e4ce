// The whole composition in live mode: startGateway → createUpstream (live undici client) → /v1 with
// retries, against a stand-in proxy on 127.0.0.1 (no outside network).
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import { createLogger } from "../../src/shared/logger.ts";
import {
  liveUpstream,
  proxySuccess,
  startStandInProxy,
  type StandInProxy,
} from "../helpers/stand-in-proxy.ts";

let throttleNext = 0;
let proxy: StandInProxy;
let received: StandInProxy["received"];
let gw: Gateway;

beforeAll(async () => {
  proxy = await startStandInProxy(() => {
    if (throttleNext > 0) {
      throttleNext--;
      return {
        status: 500,
        body: {
          error:
            "Bedrock error: An error occurred (ThrottlingException) when calling the InvokeModel operation: Too many requests",
        },
      };
    }
    return { body: proxySuccess() };
  });
  received = proxy.received;
  gw = await startGateway({
    mode: "live",
    port: 0,
    logger: createLogger("silent"),
    upstream: liveUpstream(proxy, 1),
  });
});
afterAll(async () => {
  await gw.close();
  await proxy.close();
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
