// Mid-stream faults (CONTRACT §5): cut:<n>, error:<n>, stall:<n>:<ms> from the X-Mock-Fault header, a
// stub's reply and the fault rates, seen by the official openai SDK as the error it raises for a broken
// stream. They act in the one stream walk (http/stream-events.ts), so every face gets them.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
let client: OpenAI;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "anything", maxRetries: 0 });
});
afterAll(() => gw.close());

const LONG = "Tell me a long story about a lighthouse keeper and the sea, in several sentences.";

/** Stream a chat completion; the chunks that arrived, and the error that ended it (if one did). */
async function stream(headers: Record<string, string> = {}, content = LONG) {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  try {
    const s = await client.chat.completions.create(
      { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content }] },
      { headers },
    );
    for await (const chunk of s) chunks.push(chunk);
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}

describe("mid-stream faults on /v1 with the openai SDK", () => {
  test("cut:<n> drops the connection after n chunks: the SDK's iteration fails", async () => {
    const full = await stream();
    expect(full.error).toBeUndefined();
    expect(full.chunks.length).toBeGreaterThan(3);

    const cut = await stream({ "X-Mock-Fault": "cut:2" });
    expect(cut.chunks).toHaveLength(2);
    // What the SDK's stream iterator throws when the body breaks off: undici's fetch error, as is.
    expect(cut.error).toBeInstanceOf(TypeError);
    expect((cut.error as Error).message).toBe("terminated");
    expect((cut.error as { cause?: { code?: string } }).cause?.code).toBe("UND_ERR_SOCKET");
    expect(gw.requests()[0]).toMatchObject({ error: "stream_cut", stream: true });
  });

  test("error:<n> sends the OpenAI error frame after n chunks: the SDK raises APIError", async () => {
    const { chunks, error } = await stream({ "X-Mock-Fault": "error:3" });
    expect(chunks).toHaveLength(3);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(/interrupted after 3 events/);
  });

  test("stall:<n>:<ms> pauses after n chunks, then the stream ends normally", async () => {
    const full = await stream();
    const started = performance.now();
    const stalled = await stream({ "X-Mock-Fault": "stall:1:150" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140); // a pause never ends early
    expect(stalled.error).toBeUndefined();
    expect(stalled.chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(
      full.chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""),
    );
  });

  test("a stub's reply carries a fault; a bad fault value is a 400", async () => {
    gw.stubs.add({ reply: { text: "one two three four five six", fault: "error:1" }, times: 1 });
    const { chunks, error } = await stream({}, "anything");
    expect(chunks).toHaveLength(1);
    expect(error).toBeInstanceOf(OpenAI.APIError);

    const bad = await stream({ "X-Mock-Fault": "cut:x" });
    expect(bad.error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("mid-stream faults from the fault rates", () => {
  test("mock.faults.stream_error: 1 ends every stream with the error frame after stream_after events", async () => {
    const rated = await startTestGateway({
      mode: "mock",
      mock: { faults: { stream_error: 1, stream_after: 2 } },
    });
    try {
      const sdk = new OpenAI({ baseURL: `${rated.url}/v1`, apiKey: "x", maxRetries: 0 });
      const chunks: unknown[] = [];
      const error = await (async () => {
        const s = await sdk.chat.completions.create({
          model: "gpt-4o-mini",
          stream: true,
          messages: [{ role: "user", content: LONG }],
        });
        for await (const chunk of s) chunks.push(chunk);
      })().catch((e: unknown) => e);
      expect(chunks).toHaveLength(2);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      // A non-streamed answer is whole: the fault is a stream's.
      const whole = await sdk.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: LONG }],
      });
      expect(whole.choices[0]?.message.content).toBeTruthy();
    } finally {
      await rated.close();
    }
  });
});
