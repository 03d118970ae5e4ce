// The official `openai` SDK against a real gateway in mock mode (the simulator, not a double), over a
// real socket on port 0 (issue 6 "Done when"). Every body, chunk, model list and error body is also
// checked against the OpenAI OpenAPI spec.
import OpenAI, { type APIError } from "openai";
import { LengthFinishReasonError } from "openai/core/error";
import { zodResponseFormat } from "openai/helpers/zod";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { Gateway } from "../../src/server/gateway.ts";
import { captureLog, startTestGateway } from "../helpers/gateway.ts";
import { assertSpec } from "../helpers/openai-spec.ts";
import { inferenceInFlight } from "../helpers/metrics.ts";

const NARROW_MODEL = "us.amazon.nova-micro-v1:0";

let gw: Gateway;
let baseURL: string;
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
      scripts: [
        {
          match: { last_user: "^scripted greeting$" },
          reply: { text: "Hello from the script." },
        },
      ],
    } as never,
  });
  baseURL = `${gw.url}/v1`;
});
afterAll(() => gw.close());

function sdk(
  options: { apiKey?: string; maxRetries?: number; headers?: Record<string, string> } = {},
): OpenAI {
  return new OpenAI({
    baseURL,
    apiKey: options.apiKey ?? "sk-anything",
    maxRetries: options.maxRetries ?? 0,
    defaultHeaders: options.headers ?? {},
    fetch: (url, init) => {
      sent++;
      return fetch(url, init);
    },
  });
}

async function chunksOf(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    assertSpec("CreateChatCompletionStreamResponse", chunk);
    chunks.push(chunk);
  }
  return chunks;
}

const weather: ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
      required: ["city"],
    },
  },
};
const time: ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_time",
    description: "Current local time in a time zone",
    parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] },
  },
};

type WithBedrock = { bedrock?: { team_id?: string; cost_usd?: number; remaining_quota?: object } };

describe("n > 1 in the simulator", () => {
  test("choices differ as sampled answers would, and the whole answer repeats for the same request", async () => {
    const ask = () =>
      sdk().chat.completions.create({
        model: "claude-haiku",
        n: 3,
        messages: [{ role: "user", content: "Suggest a name for a sailing boat" }],
      });
    const first = await ask();
    const texts = first.choices.map((c) => c.message.content);
    expect(new Set(texts).size).toBe(3);
    expect((await ask()).choices.map((c) => c.message.content)).toEqual(texts);
  });
});

describe("chat", () => {
  test("plain chat: spec-valid completion, usage.cost, bedrock key and x-bedrock-* headers", async () => {
    const { data, response } = await sdk()
      .chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }] })
      .withResponse();
    assertSpec("CreateChatCompletionResponse", data);
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.object).toBe("chat.completion");
    expect(data.model).toBe("gpt-4o-mini");
    const choice = data.choices[0]!;
    expect(choice.message.role).toBe("assistant");
    expect(choice.message.content?.length).toBeGreaterThan(0);
    expect(choice.message.refusal).toBeNull();
    expect(["stop", "length"]).toContain(choice.finish_reason);
    const usage = data.usage as OpenAI.CompletionUsage & { cost: number };
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.cost).toBeGreaterThan(0);
    const { bedrock } = data as unknown as WithBedrock;
    expect(bedrock?.team_id).toBe("demo");
    expect(bedrock?.cost_usd).toBe(usage.cost);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-bedrock-cost-usd")).toBe(String(usage.cost));
    expect(response.headers.get("x-bedrock-budget-limit")).toBe("50");
    expect(Number(response.headers.get("x-bedrock-remaining-budget"))).toBeLessThan(50);
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });

  test("multi-turn with system and developer messages", async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: "system", content: "You are terse." },
      { role: "developer", content: "Answer in English." },
      { role: "user", content: "Tell me about lighthouses." },
    ];
    const client = sdk();
    const first = await client.chat.completions.create({ model: "claude-haiku", messages });
    assertSpec("CreateChatCompletionResponse", first);
    messages.push(first.choices[0]!.message, { role: "user", content: "And about harbours?" });
    const second = await client.chat.completions.create({ model: "claude-haiku", messages });
    assertSpec("CreateChatCompletionResponse", second);
    expect(second.choices[0]!.message.content).toBeTruthy();
    expect(second.usage!.prompt_tokens).toBeGreaterThan(first.usage!.prompt_tokens);
  });

  test("max_tokens reached: finish_reason length and completion_tokens == max_tokens", async () => {
    const data = await sdk().chat.completions.create({
      model: "claude-haiku",
      max_completion_tokens: 3,
      messages: [{ role: "user", content: "Tell me a long story about lighthouses" }],
    });
    assertSpec("CreateChatCompletionResponse", data);
    expect(data.choices[0]!.finish_reason).toBe("length");
    expect(data.usage!.completion_tokens).toBe(3);
  });

  test("a conversation opening with an assistant greeting (chat UIs) is answered", async () => {
    const data = await sdk().chat.completions.create({
      model: "claude-haiku",
      messages: [
        { role: "assistant", content: "How can I help you?" },
        { role: "user", content: "Tell me about lighthouses." },
      ],
    });
    assertSpec("CreateChatCompletionResponse", data);
    expect(data.choices[0]!.message.content?.length).toBeGreaterThan(0);
  });

  test("scripted simulator replies reach the client verbatim", async () => {
    const data = await sdk().chat.completions.create({
      model: "nova-pro",
      messages: [{ role: "user", content: "scripted greeting" }],
      temperature: 0.2,
    });
    assertSpec("CreateChatCompletionResponse", data);
    expect(data.choices[0]!.message.content).toBe("Hello from the script.");
  });

  test("an inline image reaches a vision model", async () => {
    const data = await sdk().chat.completions.create({
      model: "nova-lite",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            {
              type: "image_url",
              image_url: {
                url: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
                detail: "low",
              },
            },
          ],
        },
      ],
    });
    assertSpec("CreateChatCompletionResponse", data);
    // The simulator cannot see it, but names what arrived: format and size from the header.
    expect(data.choices[0]!.message.content).toBe("It is a 1×1 PNG image.");
  });

  test("DeepSeek R1 thinking arrives as reasoning_content, streamed too", async () => {
    const params = {
      model: "deepseek-r1",
      messages: [{ role: "user" as const, content: "Why is the sky blue?" }],
    };
    const data = await sdk().chat.completions.create(params);
    assertSpec("CreateChatCompletionResponse", data);
    const message = data.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content?.length).toBeGreaterThan(0);
    expect(message.content).not.toContain("<think>");
    expect(message.content?.length).toBeGreaterThan(0);

    const chunks = await chunksOf(await sdk().chat.completions.create({ ...params, stream: true }));
    const deltas = chunks.map((c) => c.choices[0]?.delta as { reasoning_content?: string; content?: string });
    expect(deltas.map((d) => d?.reasoning_content ?? "").join("")).toBe(message.reasoning_content);
    expect(deltas.map((d) => d?.content ?? "").join("")).toBe(message.content);
  });
});

describe("streaming", () => {
  const params = {
    model: "gpt-4o",
    messages: [{ role: "user" as const, content: "Tell me a long story about the sea and its ships" }],
  };

  test("without include_usage: role first, deltas, one finish_reason, no usage, bedrock last", async () => {
    const { data: stream, response } = await sdk()
      .chat.completions.create({ ...params, stream: true })
      .withResponse();
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("x-bedrock-cost-usd")).toBeTruthy();
    const chunks = await chunksOf(stream);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "gpt-4o")).toBe(true);
    const finishes = chunks.filter((c) => c.choices[0]?.finish_reason != null);
    expect(finishes).toHaveLength(1);
    expect(finishes[0]).toBe(chunks.at(-1));
    expect(chunks.every((c) => c.usage == null)).toBe(true);
    expect((chunks.at(-1) as unknown as WithBedrock).bedrock?.team_id).toBe("demo");

    // The same request without streaming says the same thing (the simulator is deterministic).
    const whole = await sdk().chat.completions.create(params);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(
      whole.choices[0]!.message.content,
    );
  });

  test("with include_usage: a final chunk with choices [] and usage (and bedrock)", async () => {
    const chunks = await chunksOf(
      await sdk().chat.completions.create({
        ...params,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);
    expect((last.usage as unknown as { cost: number }).cost).toBeGreaterThan(0);
    expect((last as unknown as WithBedrock).bedrock).toBeDefined();
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).not.toBeNull();
  });

  test("the .stream() helper: content events and finalChatCompletion()", async () => {
    const runner = sdk().chat.completions.stream({ ...params, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    runner.on("content", (delta) => deltas.push(delta));
    runner.on("chunk", (chunk) => assertSpec("CreateChatCompletionStreamResponse", chunk));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(deltas.join(""));
    expect(final.choices[0]!.finish_reason).toMatch(/^(stop|length)$/);
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
    expect(await runner.finalContent()).toBe(deltas.join(""));
  });

  test("a streamed tool call arrives whole through .stream()", async () => {
    const runner = sdk().chat.completions.stream({
      model: "gpt-4o",
      tools: [weather, time],
      messages: [{ role: "user", content: "What is the weather in Lyon?" }],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(calls).toHaveLength(1);
    const call = calls[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe("get_weather");
    expect(typeof (JSON.parse(call.function.arguments) as { city: unknown }).city).toBe("string");
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });
});

describe("tools", () => {
  test("full tool loop: call → tool result → final answer", async () => {
    const client = sdk();
    const messages: ChatCompletionMessageParam[] = [
      { role: "user", content: "What is the weather in Paris?" },
    ];
    const first = await client.chat.completions.create({ model: "gpt-4o", tools: [weather, time], messages });
    assertSpec("CreateChatCompletionResponse", first);
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.type).toBe("function");
    expect(call.function.name).toBe("get_weather");
    const args = JSON.parse(call.function.arguments) as { city: string; unit?: string };
    expect(typeof args.city).toBe("string");
    if (args.unit !== undefined) expect(["celsius", "fahrenheit"]).toContain(args.unit);

    messages.push(choice.message, { role: "tool", tool_call_id: call.id, content: "18°C and sunny" });
    const second = await client.chat.completions.create({
      model: "gpt-4o",
      tools: [weather, time],
      messages,
    });
    assertSpec("CreateChatCompletionResponse", second);
    expect(second.choices[0]!.finish_reason).toMatch(/^(stop|length)$/);
    expect(second.choices[0]!.message.tool_calls).toBeUndefined();
    expect(second.choices[0]!.message.content?.length).toBeGreaterThan(0);
  });

  test("parallel tool calls: several calls in one turn, each answered, then a final answer", async () => {
    const client = sdk();
    const messages: ChatCompletionMessageParam[] = [
      { role: "user", content: "What is the weather in Paris and the local time in its zone?" },
    ];
    const first = await client.chat.completions.create({
      model: "claude-sonnet",
      tools: [weather, time],
      tool_choice: "required",
      messages,
    });
    assertSpec("CreateChatCompletionResponse", first);
    const calls = first.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => c.function.name).sort()).toEqual(["get_time", "get_weather"]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");

    messages.push(first.choices[0]!.message);
    for (const call of calls)
      messages.push({ role: "tool", tool_call_id: call.id, content: `ok ${call.function.name}` });
    const second = await client.chat.completions.create({
      model: "claude-sonnet",
      tools: [weather, time],
      messages,
    });
    assertSpec("CreateChatCompletionResponse", second);
    expect(second.choices[0]!.finish_reason).toMatch(/^(stop|length)$/);

    // Streamed, the calls have dense 0-based indexes with id/type/name only on each call's first delta.
    const chunks = await chunksOf(
      await client.chat.completions.create({
        model: "claude-sonnet",
        tools: [weather, time],
        tool_choice: "required",
        messages: messages.slice(0, 1),
        stream: true,
      }),
    );
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect([...new Set(deltas.map((d) => d.index))]).toEqual([0, 1]);
    for (const index of [0, 1]) {
      const mine = deltas.filter((d) => d.index === index);
      expect(mine[0]!.id).toBe(calls[index]!.id);
      expect(mine.slice(1).every((d) => d.id === undefined && d.function?.name === undefined)).toBe(true);
      expect(mine.map((d) => d.function?.arguments ?? "").join("")).toBe(calls[index]!.function.arguments);
    }
  });

  test("runTools() drives the loop to a final answer", async () => {
    const seen: { city: string }[] = [];
    const runner = sdk().chat.completions.runTools({
      model: "claude-sonnet",
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
            parse: (text: string) => JSON.parse(text) as { city: string },
            function: (args: { city: string }) => {
              seen.push(args);
              return `sunny in ${args.city}`;
            },
          },
        },
      ],
    });
    const content = await runner.finalContent();
    expect(content?.length).toBeGreaterThan(0);
    expect(seen).toHaveLength(1);
    const roles = runner.messages.map((m) => m.role);
    expect(roles).toEqual(["user", "assistant", "tool", "assistant"]);
  });
});

describe("structured output", () => {
  const Person = z.object({
    name: z.string(),
    age: z.number().int(),
    email: z.string(),
    tags: z.array(z.string()),
    address: z.object({ city: z.string(), country: z.string() }),
  });

  test("response_format json_schema: the content is JSON matching the schema", async () => {
    const data = await sdk().chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Invent a person" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "person",
          strict: true,
          schema: {
            type: "object",
            properties: { name: { type: "string" }, age: { type: "integer", minimum: 0, maximum: 120 } },
            required: ["name", "age"],
            additionalProperties: false,
          },
        },
      },
    });
    assertSpec("CreateChatCompletionResponse", data);
    const value = JSON.parse(data.choices[0]!.message.content!) as { name: unknown; age: number };
    expect(typeof value.name).toBe("string");
    expect(Number.isInteger(value.age) && value.age >= 0 && value.age <= 120).toBe(true);
    expect(Object.keys(value).sort()).toEqual(["age", "name"]);
  });

  test("json_object: the content parses as a JSON object", async () => {
    const data = await sdk().chat.completions.create({
      model: "claude-haiku",
      messages: [{ role: "user", content: "Describe a cat as JSON" }],
      response_format: { type: "json_object" },
    });
    assertSpec("CreateChatCompletionResponse", data);
    const value: unknown = JSON.parse(data.choices[0]!.message.content!);
    expect(value !== null && typeof value === "object" && !Array.isArray(value)).toBe(true);
  });

  test("zodResponseFormat + .parse(): the parsed object validates", async () => {
    const completion = await sdk().chat.completions.parse({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Invent a person" }],
      response_format: zodResponseFormat(Person, "person"),
    });
    assertSpec("CreateChatCompletionResponse", completion);
    const parsed = completion.choices[0]!.message.parsed;
    expect(Person.parse(parsed)).toEqual(parsed);
  });

  test("structured output cut by max_tokens: finish_reason length, the SDK's LengthFinishReasonError", async () => {
    const error = await sdk()
      .chat.completions.parse({
        model: "gpt-4o",
        max_tokens: 5,
        messages: [{ role: "user", content: "Invent a person" }],
        response_format: zodResponseFormat(Person, "person"),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(LengthFinishReasonError);
  });

  test("zod with .stream(): the final message is parsed", async () => {
    const runner = sdk().chat.completions.stream({
      model: "claude-haiku",
      messages: [{ role: "user", content: "Invent a person" }],
      response_format: zodResponseFormat(Person, "person"),
    });
    const final = await runner.finalChatCompletion();
    expect(Person.safeParse(final.choices[0]!.message.parsed).success).toBe(true);
  });
});

describe("models", () => {
  test("list and retrieve are spec-valid and carry capabilities and prices", async () => {
    const client = sdk();
    const all = (await client.models.list()).data as (OpenAI.Model & {
      capabilities: object;
      pricing: object;
    })[];
    assertSpec("ListModelsResponse", { object: "list", data: all });
    for (const m of all) assertSpec("Model", m);
    expect(all.length).toBeGreaterThanOrEqual(28);
    expect(all.map((m) => m.id)).toEqual(
      expect.arrayContaining(["gpt-4o", NARROW_MODEL, "us.deepseek.r1-v1:0"]),
    );
    const one = await client.models.retrieve("gpt-4o");
    assertSpec("Model", one);
    expect(one.id).toBe("gpt-4o");
  });
});

describe("errors from real simulator behaviour", () => {
  async function failure(
    client: OpenAI,
    body: Partial<ChatCompletionCreateParamsNonStreaming> = {},
  ): Promise<APIError> {
    const error = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], ...body })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as APIError;
    assertSpec("ErrorResponse", { error: apiError.error });
    expect(apiError.headers?.get("x-request-id")).toBeTruthy();
    return apiError;
  }

  test("400: a prompt longer than the model's context window → context_length_exceeded", async () => {
    const error = await failure(sdk(), {
      model: "mistral.mistral-7b-instruct-v0:2",
      messages: [{ role: "user", content: "lighthouse ".repeat(40_000) }],
    });
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe("context_length_exceeded");
    expect(error.type).toBe("invalid_request_error");
    expect(error.headers?.get("x-should-retry")).toBe("false");
  });

  test("400: an image to a model without vision names the param", async () => {
    const error = await failure(sdk(), {
      model: "nova-micro",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
      ],
    });
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toMatch(/^messages/);
  });

  test("401: a wrong team token (Bearer TEAM:TOKEN) → AuthenticationError", async () => {
    const error = await failure(sdk({ apiKey: "demo:wrong-token" }));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.code).toBe("invalid_api_key");
    expect(error.headers?.get("x-should-retry")).toBe("false");
  });

  test("403: a model outside the team's allowed_models → PermissionDeniedError", async () => {
    const client = sdk({ apiKey: "narrow:narrow-token" });
    const ok = await client.chat.completions.create({
      model: "nova-micro",
      messages: [{ role: "user", content: "hi" }],
    });
    assertSpec("CreateChatCompletionResponse", ok);
    const error = await failure(client, { model: "gpt-4o" });
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.code).toBe("model_not_allowed");
    expect(error.type).toBe("permission_error");
  });

  test("404: an unknown model → NotFoundError model_not_found", async () => {
    const error = await failure(sdk(), { model: "gpt-17-ultra" });
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.code).toBe("model_not_found");
    expect(error.param).toBe("model");
  });

  test("an exact Anthropic API name is served on /v1 (chat and responses); an unknown claude-* name is not", async () => {
    const chat = await sdk().chat.completions.create({
      model: "claude-3-5-haiku-20241022",
      messages: [{ role: "user", content: "Say hello" }],
    });
    expect(chat.model).toBe("claude-3-5-haiku-20241022");
    expect(chat.choices[0]?.message.content).toBe("Hello!");
    const response = await sdk().responses.create({ model: "claude-sonnet-4-5", input: "Count to 3" });
    expect(response.output_text).toBe("1, 2, 3");
    const error = await failure(sdk(), { model: "claude-opus-9-9" });
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("429 budget exhausted → insufficient_quota, NOT retried by the SDK", async () => {
    const before = sent;
    const error = await failure(sdk({ apiKey: "broke:broke-token", maxRetries: 3 }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe("insufficient_quota");
    expect(error.code).toBe("insufficient_quota");
    expect(error.headers?.get("x-should-retry")).toBe("false");
    expect(sent - before).toBe(1);
  });

  test("429 throttling (X-Mock-Fault: throttle) → rate_limit_exceeded, retried by the SDK", async () => {
    const before = sent;
    const error = await failure(sdk({ maxRetries: 1, headers: { "X-Mock-Fault": "throttle" } }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe("rate_limit_error");
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.headers?.get("x-should-retry")).toBe("true");
    expect(sent - before).toBe(2);
  });

  test("504 upstream timeout (X-Mock-Fault: timeout) → InternalServerError upstream_timeout", async () => {
    const error = await failure(sdk({ headers: { "X-Mock-Fault": "timeout" } }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(504);
    expect(error.code).toBe("upstream_timeout");
    expect(error.headers?.get("x-should-retry")).toBe("true");
  });

  test.each(["reset", "malformed"])(
    "502 (X-Mock-Fault: %s) → InternalServerError, retryable",
    async (fault) => {
      const error = await failure(sdk({ headers: { "X-Mock-Fault": fault } }));
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error.status).toBe(502);
      expect(error.type).toBe("api_error");
      expect(error.headers?.get("x-should-retry")).toBe("true");
    },
  );

  test("the SDK's own timeout during slow upstream latency: APIConnectionTimeoutError, nothing charged", async () => {
    const quota = async () =>
      (await (await fetch(`${gw.url}/quota`)).json()) as { requests_today: number; llm_cost: number };
    const before = await quota();
    const client = new OpenAI({
      baseURL,
      apiKey: "sk-anything",
      maxRetries: 0,
      timeout: 100,
      defaultHeaders: { "X-Mock-Fault": "slow:400" },
    });
    const error = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    // Once the handler has settled, a call that had carried on past the client would have been charged.
    await expect.poll(() => inferenceInFlight(gw.url)).toBe(0);
    expect(await quota()).toEqual(before);
  });

  test("a streaming request that fails before the first byte is a normal HTTP error", async () => {
    const error = await sdk({ headers: { "X-Mock-Fault": "timeout" } })
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    assertSpec("ErrorResponse", { error: (error as APIError).error });
  });
});

describe("server.api_keys", () => {
  let locked: Gateway;
  beforeAll(async () => {
    locked = await startTestGateway({ mode: "mock", server: { api_keys: ["sk-gateway-key"] } as never });
  });
  afterAll(() => locked.close());

  test("a wrong gateway key → AuthenticationError; the right one works", async () => {
    const wrong = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: "sk-nope", maxRetries: 0 });
    const error = (await wrong.models.list().then(
      () => undefined,
      (e: unknown) => e,
    )) as APIError;
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    assertSpec("ErrorResponse", { error: error.error });
    const right = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: "sk-gateway-key", maxRetries: 0 });
    const data = await right.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    assertSpec("CreateChatCompletionResponse", data);
  });
});

describe("paced streaming (mock.stream_tokens_per_second)", () => {
  let paced: Gateway;
  const { logger, log } = captureLog();
  beforeAll(async () => {
    paced = await startTestGateway({ mode: "mock", logger, mock: { stream_tokens_per_second: 50 } as never });
  });
  afterAll(() => paced.close());

  test("the SDK can abort mid-stream; the gateway notices and stops", async () => {
    const client = new OpenAI({ baseURL: `${paced.url}/v1`, apiKey: "sk-anything", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      stream: true,
      max_tokens: 400,
      messages: [{ role: "user", content: "Tell me a very long story about the sea and its ships" }],
    });
    const seen: ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      assertSpec("CreateChatCompletionStreamResponse", chunk);
      seen.push(chunk);
      if (seen.length === 3) stream.controller.abort();
    }
    expect(seen).toHaveLength(3);
    expect(seen.every((c) => c.choices[0]?.finish_reason == null)).toBe(true);
    // The request log line is written when the gateway sees the socket close.
    await expect
      .poll(() => log.lines.map((l) => JSON.parse(l) as { path?: string; aborted?: boolean }))
      .toContainEqual(expect.objectContaining({ path: "/v1/chat/completions", aborted: true }));
  });
});

describe("APIs the gateway does not serve", () => {
  test("conversations.create is a NotFoundError that says how to continue a conversation instead", async () => {
    const error = await sdk()
      .conversations.create({ items: [{ type: "message", role: "user", content: "My name is Zed." }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toContain("previous_response_id");
  });
});
