// Streams still open at the shutdown deadline (issue 19) end with their face's error frame and a
// complete response — not a connection reset. Slow simulated streams, a short grace period, raw
// sockets reading the bytes as they come.
import { describe, expect, it } from "vitest";
import { startTestGateway } from "../helpers/gateway.ts";

const STREAMS = 5;

describe("shutdown deadline", () => {
  it("ends every open stream with the error frame", async () => {
    const gw = await startTestGateway({
      mode: "mock",
      server: { shutdown_timeout_ms: 300 } as never,
      // ~2 tokens a second: every answer takes far longer than the grace period.
      mock: { stream_tokens_per_second: 2 } as never,
    });
    const bodies = await Promise.all(
      Array.from({ length: STREAMS }, async (_, i) => {
        const res = await fetch(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "gpt-4o",
            stream: true,
            messages: [{ role: "user", content: `Tell me a long story about ships, number ${i}` }],
          }),
        });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        const first = await reader.read(); // the stream has started
        return { reader, text: new TextDecoder().decode(first.value) };
      }),
    );
    const closing = gw.close();
    const texts = await Promise.all(
      bodies.map(async ({ reader, text }) => {
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read(); // a reset would reject here
          if (done) return text;
          text += decoder.decode(value, { stream: true });
        }
      }),
    );
    await closing;
    for (const text of texts) {
      const frames = text.trimEnd().split("\n\n");
      const last = JSON.parse(frames.at(-1)!.replace(/^data: /, "")) as { error: { code: string } };
      expect(last.error.code).toBe("server_shutting_down");
      expect(text).not.toContain("[DONE]");
    }
  });
});
