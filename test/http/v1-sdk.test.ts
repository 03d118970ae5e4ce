// The official openai SDK against the gateway over a real socket: every body and chunk must also be a
// valid object of the OpenAI spec.
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { startTestGateway, type TestGateway } from "../helpers/v1-gateway.ts";
import { assertSpec } from "../helpers/openai-spec.ts";
import { createUpstreamDouble, type UpstreamDouble } from "../helpers/upstream-double.ts";

let gw: TestGateway;
let upstream: UpstreamDouble;
let client: OpenAI;

beforeAll(async () => {
  upstream = createUpstreamDouble();
  gw = await startTestGateway(upstream);
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: "sk-anything", maxRetries: 0 });
});
afterAll(() => gw.close());

const weather: ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const time: ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_time",
    parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] },
  },
};

describe("non-streaming", () => {
  test("plain chat returns a spec-valid completion with usage.cost, bedrock and headers", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }] })
      .withResponse();
    assertSpec("CreateChatCompletionResponse", data);
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.model).toBe("gpt-4o-mini");
    expect(data.choices[0]?.message.content).toBe("You said: Hello there");
    expect(data.choices[0]?.finish_reason).toBe("stop");
    const usage = data.usage as OpenAI.CompletionUsage & { cost: number };
    expect(usage.cost).toBeGreaterThan(0);
    const bedrock = (
      data as unknown as { bedrock: { team_id: string; remaining_quota: { budget_limit: number } } }
    ).bedrock;
    expect(bedrock.team_id).toBe("demo");
    expect(response.headers.get("x-bedrock-cost-usd")).toBe(String(usage.cost));
    expect(response.headers.get("x-bedrock-budget-limit")).toBe("50");
    expect(Number(response.headers.get("x-bedrock-remaining-budget"))).toBeLessThan(50);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(upstream.calls.at(-1)?.request.model).toBe("us.anthropic.claude-haiku-4-5-20251001-v1:0");
  });

  test("multi-turn with system prompt folds the system text into the first user turn", async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "What is 2+2?" },
      { role: "assistant", content: "4" },
      { role: "user", content: "And 3+3?" },
    ];
    const data = await client.chat.completions.create({
      model: "us.anthropic.claude-3-haiku-20240307-v1:0",
      messages,
    });
    assertSpec("CreateChatCompletionResponse", data);
    expect(data.choices[0]?.message.content).toBe("You said: And 3+3?");
    const sent = upstream.calls.at(-1)!.request;
    expect(sent.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Be brief." },
          { type: "text", text: "What is 2+2?" },
        ],
      },
      { role: "assistant", content: "4" },
      { role: "user", content: "And 3+3?" },
    ]);
    expect(sent.max_tokens).toBe(1024);
  });

  test("n > 1 makes one upstream call per choice", async () => {
    const before = upstream.calls.length;
    const data = await client.chat.completions.create({
      model: "gpt-4o",
      n: 3,
      messages: [{ role: "user", content: "hi" }],
    });
    assertSpec("CreateChatCompletionResponse", data);
    expect(data.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(upstream.calls.length - before).toBe(3);
  });

  test("DeepSeek <think> text becomes reasoning_content", async () => {
    const data = await client.chat.completions.create({
      model: "deepseek-r1",
      messages: [{ role: "user", content: "why?" }],
    });
    assertSpec("CreateChatCompletionResponse", data);
    const message = data.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.content).toBe("Here is the answer.");
    expect(message.reasoning_content).toBe("The user wants a reply.");
  });

  test("empty upstream content survives as an empty string", async () => {
    const data = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "say empty" }],
    });
    assertSpec("CreateChatCompletionResponse", data);
    expect(data.choices[0]?.message.content).toBe("");
    expect(data.choices[0]?.finish_reason).toBe("stop");
  });
});

describe("streaming", () => {
  test("without include_usage: role first, content, one finish_reason, bedrock on the last chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: "Tell me a longer story about the sea and its many ships" }],
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      assertSpec("CreateChatCompletionStreamResponse", chunk);
      chunks.push(chunk);
    }
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.filter((c) => c.choices[0]?.finish_reason != null)).toHaveLength(1);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(
      "You said: Tell me a longer story about the sea and its many ships",
    );
    expect(chunks.length).toBeGreaterThan(3);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.usage === undefined)).toBe(true);
    expect((chunks.at(-1) as unknown as { bedrock?: unknown }).bedrock).toBeDefined();
  });

  test("with include_usage: a final chunk with choices [] and usage", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      assertSpec("CreateChatCompletionStreamResponse", chunk);
      chunks.push(chunk);
    }
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.total_tokens).toBeGreaterThan(0);
    expect((last as unknown as { bedrock?: unknown }).bedrock).toBeDefined();
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  test("the SDK's .stream() helper and finalChatCompletion()", async () => {
    const runner = client.chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "stream me" }],
    });
    const deltas: string[] = [];
    runner.on("content", (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe("You said: stream me");
    expect(deltas.join("")).toBe("You said: stream me");
    expect(final.choices[0]?.finish_reason).toBe("stop");
  });

  test("streamed tool calls have dense indexes and finish with tool_calls", async () => {
    const runner = client.chat.completions.stream({
      model: "gpt-4o",
      tools: [weather, time],
      messages: [{ role: "user", content: "weather and time, in parallel" }],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => c.type === "function" && c.function.name)).toEqual(["get_weather", "get_time"]);
    expect(calls.map((c) => c.id)).toEqual([
      expect.stringMatching(/^call_toolu_bdrk_/),
      expect.stringMatching(/^call_toolu_bdrk_/),
    ]);
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });
});

describe("tools", () => {
  test("full tool loop with parallel calls: call → results → answer; ids round-trip to upstream ids", async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: "user", content: "What's the weather and time in Paris? Use parallel calls." },
    ];
    const first = await client.chat.completions.create({ model: "gpt-4o", tools: [weather, time], messages });
    assertSpec("CreateChatCompletionResponse", first);
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBe("Let me check.");
    const calls = choice.message.tool_calls!;
    expect(calls).toHaveLength(2);
    const upstreamIds =
      upstream.calls.at(-1) && JSON.parse(JSON.stringify(calls.map((c) => c.id.replace(/^call_/, ""))));

    messages.push(choice.message);
    for (const call of calls)
      messages.push({ role: "tool", tool_call_id: call.id, content: `result for ${call.id}` });
    const second = await client.chat.completions.create({
      model: "gpt-4o",
      tools: [weather, time],
      messages,
    });
    assertSpec("CreateChatCompletionResponse", second);
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content).toContain("The tools said:");

    const sent = upstream.calls.at(-1)!.request.messages;
    const assistant = sent[1]!.content as { type: string; id?: string }[];
    expect(assistant.filter((b) => b.type === "tool_use").map((b) => b.id)).toEqual(upstreamIds);
    const results = sent[2]!.content as { type: string; tool_use_id?: string }[];
    expect(results.map((b) => b.type)).toEqual(["tool_result", "tool_result"]);
    expect(results.map((b) => b.tool_use_id)).toEqual(upstreamIds);
  });

  test("the SDK's runTools() helper drives the loop to a final answer", async () => {
    const runner = client.chat.completions.runTools({
      model: "claude-sonnet",
      messages: [{ role: "user", content: "What's the weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
            parse: (text: string) => JSON.parse(text) as { city: string },
            function: (args: { city: string }) => `sunny in ${args.city}`,
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe("The tools said: sunny in sample");
  });

  test("tools on Llama get a 400 before any upstream call", async () => {
    const before = upstream.calls.length;
    const error = await client.chat.completions
      .create({ model: "llama-3.3-70b", tools: [weather], messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("tools");
    expect(upstream.calls.length).toBe(before);
  });
});

describe("structured output", () => {
  const Person = z.object({ name: z.string(), age: z.number(), tags: z.array(z.string()) });

  test("response_format json_schema returns the JSON as content", async () => {
    const data = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "A person please" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "person",
          schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        },
      },
    });
    assertSpec("CreateChatCompletionResponse", data);
    expect(JSON.parse(data.choices[0]!.message.content!)).toEqual({ name: "sample" });
    expect(upstream.calls.at(-1)?.request.response_format).toEqual({
      type: "json_schema",
      json_schema: {
        name: "person",
        schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      },
    });
  });

  test("zodResponseFormat + .parse() gives a typed, parsed object", async () => {
    const completion = await client.chat.completions.parse({
      model: "gpt-4o",
      messages: [{ role: "user", content: "A person please" }],
      response_format: zodResponseFormat(Person, "person"),
    });
    const parsed = completion.choices[0]?.message.parsed;
    expect(parsed).toEqual({ name: "sample", age: 42, tags: ["sample"] });
  });
});

describe("models", () => {
  test("list and retrieve validate against the spec and carry capabilities and prices", async () => {
    const page = await client.models.list();
    const all = page.data as (OpenAI.Model & {
      capabilities: Record<string, boolean>;
      pricing: Record<string, number>;
    })[];
    assertSpec("ListModelsResponse", { object: "list", data: all });
    expect(all.filter((m) => !("alias_for" in m))).toHaveLength(28);
    expect(all.some((m) => m.id === "gpt-4o")).toBe(true);
    for (const m of all) assertSpec("Model", m);
    const one = (await client.models.retrieve("us.amazon.nova-pro-v1:0")) as OpenAI.Model & {
      capabilities: unknown;
      pricing: unknown;
      context_window: number;
    };
    assertSpec("Model", one);
    expect(one.capabilities).toEqual({ tools: true, vision: true, structured_output: true });
    expect(one.pricing).toEqual({
      input_usd_per_mtok: expect.any(Number),
      output_usd_per_mtok: expect.any(Number),
    });
    expect(one.context_window).toBeGreaterThan(0);
    const missing = await client.models.retrieve("no-such-model").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
