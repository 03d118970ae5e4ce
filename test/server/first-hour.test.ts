// What a newcomer meets in the first hour (issue 12): live mode without credentials says what to set,
// at startup and in the 401 (without a round trip to the proxy); an unknown model gets "did you mean";
// in-process gateways log warnings only unless asked.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import { captureLog } from "../helpers/gateway.ts";

describe("live mode without credentials", () => {
  let proxy: Server;
  let hits = 0;
  let gw: Gateway;
  const { logger, log } = captureLog("info");

  beforeAll(async () => {
    proxy = createServer((_req, res) => {
      hits++;
      res.statusCode = 500;
      res.end("{}");
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as AddressInfo;
    gw = await startGateway({
      mode: "live",
      port: 0,
      logger,
      upstream: { kind: "live", url: `http://127.0.0.1:${port}/prod/invoke`, retries: 0 },
    });
  });
  afterAll(async () => {
    await gw.close();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("warns at startup, naming the variables to set", () => {
    expect(gw.warnings).toHaveLength(1);
    expect(gw.warnings[0]).toMatch(/BEDROCK_TEAM_ID and BEDROCK_API_TOKEN/);
    expect(log.lines.map((l) => JSON.parse(l) as { level: number; msg: string })).toContainEqual(
      expect.objectContaining({ level: 40, msg: gw.warnings[0] }),
    );
  });

  it("answers a /v1 request that has none with a 401 saying the same, never calling the proxy", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "anything", maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).message).toMatch(
      /no team credentials.*BEDROCK_TEAM_ID and BEDROCK_API_TOKEN/,
    );
    expect(hits).toBe(0);
  });

  it("answers /prod/invoke without credentials with the proxy's 401 shape and the same hint", async () => {
    const res = await fetch(`${gw.url}/prod/invoke`, {
      method: "POST",
      body: JSON.stringify({
        model: "us.anthropic.claude-3-haiku-20240307-v1:0",
        max_tokens: 5,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/^Unauthorized: .*BEDROCK_API_TOKEN/);
    expect(hits).toBe(0);
  });

  it("still forwards a request that brings its own credentials", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "team_a:tok_a", maxRetries: 0 });
    await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .catch(() => undefined);
    expect(hits).toBe(1);
  });
});

describe("an unknown model", () => {
  it("gets a 404 with the closest aliases and ids", async () => {
    const gw = await startGateway({ port: 0 });
    try {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "anything", maxRetries: 0 });
      const error = await client.chat.completions
        .create({ model: "gpt-4o-minx", messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as Error).message).toMatch(/Did you mean 'gpt-4o-mini'/);
      const one = await client.models.retrieve("claude-3-haiku").catch((e: unknown) => e);
      expect((one as Error).message).toMatch(/Did you mean 'us\.anthropic\.claude-3-haiku-20240307-v1:0'/);
    } finally {
      await gw.close();
    }
  });
});

describe("startGateway logging", () => {
  it("logs warnings only unless a level is asked for", async () => {
    const quiet = await startGateway({ port: 0 });
    const asked = await startGateway({ port: 0, server: { log_level: "info" } });
    const fromEnv = await startGateway({ port: 0, env: { BPG_LOG_LEVEL: "debug" } });
    try {
      expect(quiet.logger.level).toBe("warn");
      expect(asked.logger.level).toBe("info");
      expect(fromEnv.logger.level).toBe("debug");
    } finally {
      await Promise.all([quiet.close(), asked.close(), fromEnv.close()]);
    }
  });
});
