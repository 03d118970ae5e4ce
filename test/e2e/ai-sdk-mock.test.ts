// The Vercel AI SDK (`ai` with `@ai-sdk/openai` and `@ai-sdk/openai-compatible`) against a mock-mode
// gateway over a real socket: generateText, streamText, tool calling with tool() + zod, generateObject.
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import {
  APICallError,
  generateObject,
  generateText,
  Output,
  stepCountIs,
  streamObject,
  streamText,
  tool,
  type LanguageModel,
} from "ai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
let models: Record<string, (id: string) => LanguageModel>;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock", upstream: { retries: 0 } as never });
  const baseURL = `${gw.url}/v1`;
  const openai = createOpenAI({ baseURL, apiKey: "sk-anything" });
  const compatible = createOpenAICompatible({
    name: "bedrock-gateway",
    baseURL,
    apiKey: "sk-anything",
    includeUsage: true,
    supportsStructuredOutputs: true,
  });
  models = {
    "@ai-sdk/openai .chat()": (id) => openai.chat(id),
    "@ai-sdk/openai-compatible": (id) => compatible.chatModel(id),
  };
});
afterAll(() => gw.close());

/** A 1×1 transparent PNG. */
const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

const providers = ["@ai-sdk/openai .chat()", "@ai-sdk/openai-compatible"];

const Person = z.object({
  name: z.string(),
  age: z.number().int(),
  hobbies: z.array(z.string()),
  address: z.object({ city: z.string(), country: z.string() }),
});

describe.each(providers)("%s", (provider) => {
  const model = (id: string): LanguageModel => models[provider]!(id);

  test("generateText: text, usage and finish reason", async () => {
    const result = await generateText({
      model: model("gpt-4o-mini"),
      system: "You are terse.",
      prompt: "Tell me about lighthouses.",
      maxRetries: 0,
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(["stop", "length"]).toContain(result.finishReason);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.response.id).toMatch(/^chatcmpl-/);
    expect(result.response.modelId).toBe("gpt-4o-mini");
    expect(result.response.headers?.["x-bedrock-cost-usd"]).toBeTruthy();
  });

  test("streamText: the streamed text equals the non-streamed answer; usage arrives", async () => {
    const prompt = "Tell me a long story about the sea and its ships";
    const result = streamText({ model: model("gpt-4o"), prompt, maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    const whole = await generateText({ model: model("gpt-4o"), prompt, maxRetries: 0 });
    expect(pieces.join("")).toBe(whole.text);
    expect(["stop", "length"]).toContain(await result.finishReason);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  test("streamText: DeepSeek R1 reasoning arrives as reasoning", async () => {
    const result = streamText({ model: model("deepseek-r1"), prompt: "Why is the sky blue?", maxRetries: 0 });
    const text = await result.text;
    const reasoning = await result.reasoningText;
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain("<think>");
    if (provider === "@ai-sdk/openai-compatible") expect(reasoning?.length).toBeGreaterThan(0);
  });

  test("an image part reaches a vision model (sent as a data URL)", async () => {
    const png = Buffer.from(PNG_1X1, "base64");
    const result = await generateText({
      model: model("claude-sonnet"),
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            { type: "image", image: new Uint8Array(png), mediaType: "image/png" },
          ],
        },
      ],
      maxRetries: 0,
    });
    expect(result.text.length).toBeGreaterThan(0);
  });

  const weather = tool({
    description: "Current weather for a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, forecast: "sunny", celsius: 21 }),
  });
  const clock = tool({
    description: "Current local time in a time zone",
    inputSchema: z.object({ zone: z.string() }),
    execute: async ({ zone }) => ({ zone, time: "12:00" }),
  });

  test("generateText with tools: call → execute → final answer over several steps", async () => {
    const result = await generateText({
      model: model("claude-sonnet"),
      tools: { get_weather: weather, get_time: clock },
      stopWhen: stepCountIs(4),
      prompt: "What is the weather in Paris?",
      maxRetries: 0,
    });
    expect(result.steps.length).toBe(2);
    const [first, last] = [result.steps[0]!, result.steps.at(-1)!];
    expect(first.finishReason).toBe("tool-calls");
    expect(first.toolCalls.map((c) => c.toolName)).toEqual(["get_weather"]);
    expect(first.toolResults[0]?.output).toMatchObject({ forecast: "sunny" });
    expect(last.finishReason).toMatch(/^(stop|length)$/);
    expect(result.text.length).toBeGreaterThan(0);
  });

  test("streamText with parallel tools: both calls stream whole, then the answer", async () => {
    const result = streamText({
      model: model("claude-sonnet"),
      tools: { get_weather: weather, get_time: clock },
      stopWhen: stepCountIs(4),
      prompt: "What is the weather in Paris and the local time in its zone?",
      maxRetries: 0,
    });
    const text = await result.text;
    const steps = await result.steps;
    expect(steps[0]!.toolCalls.map((c) => c.toolName).sort()).toEqual(["get_time", "get_weather"]);
    expect(steps[0]!.toolResults).toHaveLength(2);
    // A tool-call answer opens with `content: null`, as OpenAI's does: no empty text part before the calls.
    expect(steps[0]!.content.map((p) => p.type)).not.toContain("text");
    expect(steps.length).toBe(2);
    expect(text.length).toBeGreaterThan(0);
  });

  test("generateObject with a zod schema gives a valid object", async () => {
    const { object } = await generateObject({
      model: model("gpt-4o"),
      schema: Person,
      prompt: "Invent a person",
      maxRetries: 0,
    });
    expect(Person.parse(object)).toEqual(object);
  });

  test("streamObject: partial objects stream, the final object validates", async () => {
    const result = streamObject({
      model: model("claude-haiku"),
      schema: Person,
      prompt: "Invent a person",
      maxRetries: 0,
    });
    let partials = 0;
    for await (const _partial of result.partialObjectStream) partials++;
    expect(partials).toBeGreaterThan(0);
    const object = await result.object;
    expect(Person.parse(object)).toEqual(object);
  });

  test("generateText with output: Output.object()", async () => {
    const result = await generateText({
      model: model("gpt-4o"),
      output: Output.object({ schema: Person }),
      prompt: "Invent a person",
      maxRetries: 0,
    });
    expect(Person.parse(result.output)).toEqual(result.output);
  });

  test("gateway errors surface as APICallError with status and retryability", async () => {
    const error = await generateText({ model: model("gpt-17-ultra"), prompt: "hi", maxRetries: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(404);
    expect((error as APICallError).isRetryable).toBe(false);
  });
});
