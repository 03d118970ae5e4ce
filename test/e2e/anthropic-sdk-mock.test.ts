// The official `@anthropic-ai/sdk` against a real gateway in mock mode (the simulator), over a real
// socket on port 0 (issue 20 "Done when"): create, stream() + finalMessage(), tools with any/tool/auto and
// a full tool_result loop, count_tokens, an image to a vision model, every error class with its retry
// count, and a claude-* name newer than any the proxy serves.
import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam, RawMessageStreamEvent, Tool } from "@anthropic-ai/sdk/resources/messages";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const NARROW_MODEL = "us.amazon.nova-micro-v1:0";
const SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
// A 1×1 PNG.
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

let gw: Gateway;
/** Requests the SDK sent (its retries included), counted by a wrapping fetch. */
let sent = 0;

beforeAll(async () => {
  gw = await startTestGateway({
    mode: "mock",
    // The gateway's own retries are covered elsewhere; here each SDK attempt is one upstream attempt.
    upstream: { retries: 0 } as never,
    mock: {
      teams: [
        { team_id: "demo", api_token: "demo-token", budget_limit: 50 },
        { team_id: "broke", api_token: "broke-token", budget_limit: 0 },
        { team_id: "narrow", api_token: "narrow-token", budget_limit: 5, allowed_models: [NARROW_MODEL] },
      ],
      scripts: [{ match: { last_user: "^scripted greeting$" }, reply: { text: "Hello from the script." } }],
    } as never,
  });
});
afterAll(() => gw.close());

function sdk(options: { apiKey?: string; maxRetries?: number; headers?: Record<string, string> } = {}) {
  return new Anthropic({
    baseURL: gw.url,
    apiKey: options.apiKey ?? "sk-ant-anything",
    maxRetries: options.maxRetries ?? 0,
    defaultHeaders: options.headers ?? {},
    fetch: (url, init) => {
      sent++;
      return fetch(url, init);
    },
  });
}

const weather: Tool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
    required: ["city"],
  },
};
const time: Tool = {
  name: "get_time",
  description: "Local time in a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("messages.create", () => {
  test("a Message with msg_ id, the name asked for, usage, bedrock and the x-bedrock-* headers", async () => {
    const { data, response } = await sdk()
      .messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 2000,
        messages: [{ role: "user", content: "Say hello in one sentence." }],
      })
      .withResponse();
    expect(data.id).toMatch(/^msg_/);
    expect(data.type).toBe("message");
    expect(data.role).toBe("assistant");
    expect(data.model).toBe("claude-sonnet-4-5");
    expect(data.stop_reason).toBe("end_turn");
    expect(data.stop_sequence).toBeNull();
    expect(data.content[0]?.type).toBe("text");
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    const bedrock = (data as unknown as { bedrock: { model: string; cost_usd: number } }).bedrock;
    expect(bedrock.model).toBe(SONNET);
    expect(response.headers.get("x-bedrock-model")).toBe(SONNET);
    expect(Number(response.headers.get("x-bedrock-cost-usd"))).toBe(bedrock.cost_usd);
    expect(response.headers.get("x-bedrock-remaining-budget")).not.toBeNull();
    expect(response.headers.get("request-id")).toMatch(/^req_/);
    expect(response.headers.get("x-bedrock-dropped")).toBeNull();
  });

  test("dated names, Bedrock ids and aliases reach the same model; max_tokens above the limit is capped", async () => {
    for (const model of ["claude-sonnet-4-5-20250929", SONNET, "gpt-4o"]) {
      const { data, response } = await sdk()
        // A timeout of its own: the SDK refuses a non-streamed 128k request it expects to take an hour.
        .messages.create(
          { model, max_tokens: 128_000, messages: [{ role: "user", content: "hi" }] },
          { timeout: 30_000 },
        )
        .withResponse();
      expect(data.model).toBe(model);
      expect(response.headers.get("x-bedrock-model")).toBe(SONNET);
    }
  });

  test("a claude-* name newer than any the proxy serves goes to the newest model of its tier", async () => {
    const cases: [string, string][] = [
      ["claude-opus-4-8", "us.anthropic.claude-opus-4-20250514-v1:0"],
      ["claude-sonnet-7-1-20300101", SONNET],
      ["claude-haiku-6", "us.anthropic.claude-haiku-4-5-20251001-v1:0"],
    ];
    for (const [name, served] of cases) {
      const { data, response } = await sdk()
        .messages.create({ model: name, max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      expect(data.model).toBe(name);
      expect(response.headers.get("x-bedrock-model")).toBe(served);
    }
  });

  test("an image to a vision model is answered; to a model without vision it is a 400 before any call", async () => {
    const image: MessageParam = {
      role: "user",
      content: [
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
        { type: "text", text: "What is in this picture?" },
      ],
    };
    const ok = await sdk().messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [image],
    });
    expect(ok.content[0]?.type).toBe("text");
    await expect(
      sdk().messages.create({ model: "claude-3-5-haiku-latest", max_tokens: 100, messages: [image] }),
    ).rejects.toThrow(/messages\[0\]\.content\[0\].*does not accept images/);
  });
});

test("scripted replies (mock.scripts) answer on this face as on /v1", async () => {
  const message = await sdk().messages.create({
    model: "claude-haiku-4-5",
    max_tokens: 50,
    messages: [{ role: "user", content: "scripted greeting" }],
  });
  expect(message.content).toEqual([{ type: "text", text: "Hello from the script." }]);
});

describe("messages.stream", () => {
  test("the exact event sequence, and finalMessage() equals the non-streamed answer", async () => {
    const request = {
      model: "claude-haiku-4-5",
      max_tokens: 300,
      messages: [{ role: "user" as const, content: "Tell me about the sea in three sentences." }],
    };
    const plain = await sdk().messages.create(request);
    const stream = sdk().messages.stream(request);
    const events: RawMessageStreamEvent[] = [];
    let text = "";
    stream.on("streamEvent", (event) => events.push(event));
    stream.on("text", (delta) => (text += delta));
    const final = await stream.finalMessage();

    expect(final.content).toEqual(plain.content);
    expect(final.usage).toEqual(plain.usage);
    expect(final.model).toBe("claude-haiku-4-5");
    expect(final.stop_reason).toBe("end_turn");
    expect(text).toBe((plain.content[0] as { text: string }).text);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("message_start");
    expect(types.slice(1, 2)).toEqual(["content_block_start"]); // ping is not surfaced by the SDK
    expect(types.filter((t) => t === "content_block_delta").length).toBeGreaterThan(1);
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    const delta = events.find((e) => e.type === "message_delta");
    expect((delta as unknown as { bedrock: { model: string } }).bedrock.model).toBe(
      "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    );
  });

  test("a streamed tool call arrives as input_json_delta and finalMessage() holds the parsed input", async () => {
    const stream = sdk().messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      tools: [weather],
      tool_choice: { type: "tool", name: "get_weather" },
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
    });
    const deltas: string[] = [];
    stream.on("inputJson", (partial) => deltas.push(partial));
    const final = await stream.finalMessage();
    const call = final.content.find((b) => b.type === "tool_use");
    expect(final.stop_reason).toBe("tool_use");
    expect(call?.id).toMatch(/^toolu_/);
    expect(call?.name).toBe("get_weather");
    expect(typeof (call?.input as { city?: unknown }).city).toBe("string");
    expect(deltas.length).toBeGreaterThan(0);
  });
});

describe("tools", () => {
  test("tool_choice any and tool force a call; auto lets the model decide; a tool_result loop ends the turn", async () => {
    const client = sdk();
    const question: MessageParam = { role: "user", content: "What is the weather in Paris?" };
    for (const tool_choice of [{ type: "any" as const }, { type: "tool" as const, name: "get_time" }]) {
      const forced = await client.messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 300,
        tools: [weather, time],
        tool_choice,
        messages: [question],
      });
      expect(forced.stop_reason).toBe("tool_use");
      if (tool_choice.type === "tool")
        expect(forced.content.map((b) => b.type === "tool_use" && b.name)).toContain("get_time");
    }

    const first = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      tools: [weather],
      tool_choice: { type: "auto" },
      messages: [question],
    });
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((b) => b.type === "tool_use");
    if (call?.type !== "tool_use") throw new Error("no tool call");
    expect(call.id).toMatch(/^toolu_bdrk_/);

    const second = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      tools: [weather],
      messages: [
        question,
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: call.id, content: "18°C and sunny" }],
        },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content.some((b) => b.type === "text")).toBe(true);
  });

  test("a history with tool blocks but no tools is a 400 naming the field", async () => {
    await expect(
      sdk().messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 50,
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "x", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
        ],
      }),
    ).rejects.toThrow(/tools/);
  });
});

describe("messages.countTokens", () => {
  test("counts what messages.create is billed for", async () => {
    const request = {
      model: "claude-sonnet-4-5",
      system: "You are terse.",
      tools: [weather],
      messages: [{ role: "user" as const, content: "What is the weather in Oslo today?" }],
    };
    const counted = await sdk().messages.countTokens(request);
    const created = await sdk().messages.create({ ...request, max_tokens: 100 });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(counted.input_tokens).toBe(created.usage.input_tokens);
  });
});

describe("errors: the SDK's exception class, and retried only when retrying can help", () => {
  const hi: MessageParam[] = [{ role: "user", content: "hi" }];
  async function failure(
    options: Parameters<typeof sdk>[0],
    body: Partial<Anthropic.MessageCreateParamsNonStreaming> = {},
  ): Promise<{ error: InstanceType<typeof Anthropic.APIError>; attempts: number }> {
    const before = sent;
    const error = await sdk({ maxRetries: 2, ...options })
      .messages.create({ model: "claude-haiku-4-5", max_tokens: 20, messages: hi, ...body })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    if (!(error instanceof Anthropic.APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
    expect(error.error).toMatchObject({
      type: "error",
      error: { type: expect.any(String), message: expect.any(String) },
    });
    expect(error.requestID).toMatch(/^req_/);
    return { error, attempts: sent - before };
  }

  test.each([
    ["400 invalid request", {}, { temperature: 7 }, Anthropic.BadRequestError, "invalid_request_error", 1],
    [
      "401 bad team token",
      { apiKey: "demo:wrong-token" },
      {},
      Anthropic.AuthenticationError,
      "authentication_error",
      1,
    ],
    [
      "403 model not allowed",
      { apiKey: "narrow:narrow-token" },
      {},
      Anthropic.PermissionDeniedError,
      "permission_error",
      1,
    ],
    ["404 unknown model", {}, { model: "gpt-nonexistent" }, Anthropic.NotFoundError, "not_found_error", 1],
    [
      "429 budget exhausted (never retried)",
      { apiKey: "broke:broke-token" },
      {},
      Anthropic.RateLimitError,
      "rate_limit_error",
      1,
    ],
    [
      "429 throttling (retried)",
      { headers: { "x-mock-fault": "throttle" } },
      {},
      Anthropic.RateLimitError,
      "rate_limit_error",
      3,
    ],
    [
      "529 upstream unavailable (retried)",
      { headers: { "x-mock-fault": "500" } },
      {},
      Anthropic.OverloadedError,
      "overloaded_error",
      3,
    ],
    [
      "504 upstream timeout (retried)",
      { headers: { "x-mock-fault": "timeout" } },
      {},
      Anthropic.GatewayTimeoutError,
      "api_error",
      3,
    ],
    [
      "502 malformed upstream answer (retried)",
      { headers: { "x-mock-fault": "malformed" } },
      {},
      Anthropic.InternalServerError,
      "api_error",
      3,
    ],
  ] as const)(
    "%s",
    async (_name, options, body, errorClass, type, attempts) => {
      const result = await failure(options, body as never);
      expect(result.error).toBeInstanceOf(errorClass);
      expect((result.error.error as { error: { type: string } }).error.type).toBe(type);
      expect(result.attempts).toBe(attempts);
      expect(result.error.headers?.get("x-should-retry")).toBe(String(attempts > 1));
    },
    20_000,
  );

  test("the budget 429 says so, so it cannot be mistaken for throttling", async () => {
    const { error } = await failure({ apiKey: "broke:broke-token" });
    expect(error.message).toMatch(/budget/i);
  });
});
