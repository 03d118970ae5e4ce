// The Responses face shares the core with Chat Completions (CONTRACT §3d "Every face shares one core"):
// a recording made through /v1/chat/completions replays through /v1/responses, and X-Mock-Fault and an
// exhausted budget give the same errors, with the same retry advice, as on the other faces.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { RateLimitError } from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestGateway } from "../../helpers/gateway.ts";
import { assertSpec, precompileSpec } from "../../helpers/openai-spec.ts";

// The spec is compiled before the tests start: seconds on a busy machine, outside any test's timeout.
beforeAll(() => precompileSpec("Response", "ErrorResponse"), 120_000);

const sdk = (url: string, apiKey = "sk-anything", headers: Record<string, string> = {}): OpenAI =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });

describe("record/replay", () => {
  const dir = mkdtempSync(join(tmpdir(), "bpg-responses-cassettes-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("recorded through chat completions, replayed through responses (streamed and not)", async () => {
    const headers = { "x-cassette": "responses/shared" };
    const recorder = await startTestGateway({
      mode: "record",
      upstream: { kind: "mock" } as never,
      recording: { dir } as never,
    });
    let recorded: string | null;
    try {
      const chat = await sdk(recorder.url, "sk-anything", headers).chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Say hello" }],
      });
      recorded = chat.choices[0]?.message.content ?? null;
    } finally {
      await recorder.close();
    }
    const replay = await startTestGateway({ mode: "replay", recording: { dir } as never });
    try {
      const client = sdk(replay.url, "sk-anything", headers);
      const answer = await client.responses.create({ model: "gpt-4o-mini", input: "Say hello" });
      assertSpec("Response", answer);
      expect(answer.output_text).toBe(recorded);
      const stream = client.responses.stream({ model: "gpt-4o-mini", input: "Say hello" });
      expect((await stream.finalResponse()).output_text).toBe(recorded);
    } finally {
      await replay.close();
    }
  });
});

describe("faults and budget", () => {
  test("X-Mock-Fault throttle is a retryable 429; an exhausted budget a 429 the SDK does not retry", async () => {
    const gw = await startTestGateway({
      mode: "mock",
      upstream: { retries: 0 } as never,
      mock: {
        teams: [
          { team_id: "demo", api_token: "demo-token", budget_limit: 50 },
          { team_id: "broke", api_token: "broke-token", budget_limit: 0 },
        ],
      } as never,
    });
    try {
      const throttled = await sdk(gw.url, "sk-anything", { "x-mock-fault": "throttle" })
        .responses.create({ model: "gpt-4o-mini", input: "Hi" })
        .withResponse()
        .catch((e: unknown) => e);
      expect(throttled).toBeInstanceOf(RateLimitError);
      expect((throttled as RateLimitError).headers.get("x-should-retry")).toBe("true");
      assertSpec("ErrorResponse", { error: (throttled as RateLimitError).error });

      const broke = await sdk(gw.url, "broke:broke-token")
        .responses.create({ model: "gpt-4o-mini", input: "Hi" })
        .catch((e: unknown) => e);
      expect(broke).toBeInstanceOf(RateLimitError);
      expect((broke as RateLimitError).code).toBe("insufficient_quota");
      expect((broke as RateLimitError).headers.get("x-should-retry")).toBe("false");
    } finally {
      await gw.close();
    }
  });
});
