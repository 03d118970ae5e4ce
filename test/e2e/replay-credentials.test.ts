// Replay in CI needs no credentials on /v1 (any OpenAI key works, like mock mode), while the proxy's own
// surface keeps the real proxy's rule: no credentials → 401.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { startTestGateway } from "../helpers/gateway.ts";

const CHAT = {
  model: "gpt-4o-mini",
  max_tokens: 30,
  messages: [{ role: "user" as const, content: "Say hi" }],
};

describe("replay without credentials", () => {
  it("serves /v1 to any key and answers /prod/invoke without credentials with 401", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bpg-replay-creds-"));
    const recorder = await startTestGateway({
      mode: "record",
      upstream: { kind: "mock" },
      recording: { dir },
    });
    const recorded = await new OpenAI({ baseURL: `${recorder.url}/v1`, apiKey: "x" }).chat.completions.create(
      CHAT,
    );
    await recorder.close();

    const replay = await startTestGateway({ mode: "replay", recording: { dir } });
    try {
      const client = new OpenAI({ baseURL: `${replay.url}/v1`, apiKey: "anything", maxRetries: 0 });
      const replayed = await client.chat.completions.create(CHAT);
      expect(replayed.choices[0]?.message.content).toBe(recorded.choices[0]?.message.content);
      expect((replayed as unknown as { bedrock: { team_id: string } }).bedrock.team_id).toBe("demo");

      const invoke = await fetch(`${replay.url}/prod/invoke`, {
        method: "POST",
        body: JSON.stringify({
          model: "us.anthropic.claude-3-haiku-20240307-v1:0",
          max_tokens: 5,
          messages: [],
        }),
      });
      expect(invoke.status).toBe(401);
    } finally {
      await replay.close();
    }
  });
});
