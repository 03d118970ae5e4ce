// Frameworks that call the Responses API by default, unchanged, against a mock-mode gateway over a real
// socket: the Vercel AI SDK's default provider (`createOpenAI({baseURL})(model)`) and the OpenAI Agents
// SDK (`@openai/agents`, its default Responses model). Nothing is switched to Chat Completions.
import { createOpenAI } from "@ai-sdk/openai";
import { Agent, OpenAIProvider, Runner, tool as agentTool } from "@openai/agents";
import { generateText, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { Gateway } from "../../../src/server/gateway.ts";
import { captureLog, startTestGateway, type CapturedLog } from "../../helpers/gateway.ts";

let gw: Gateway;
let log: CapturedLog;
/** Paths and bodies the gateway saw, to prove which API the frameworks called. */
const calls: { path: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  const captured = captureLog("info");
  log = captured.log;
  gw = await startTestGateway({ mode: "mock", upstream: { retries: 0 } as never, logger: captured.logger });
});
afterAll(() => gw.close());

const recording: typeof fetch = async (url, init) => {
  calls.push({
    path: new URL(String(url)).pathname,
    body: JSON.parse(String(init?.body ?? "{}")) as Record<string, unknown>,
  });
  return fetch(url, init);
};

describe("Vercel AI SDK default provider", () => {
  const model = () =>
    createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sk-anything", fetch: recording })("gpt-4o");

  test("generateText with a tool runs the tool, then answers from its result", async () => {
    calls.length = 0;
    let ran = 0;
    const result = await generateText({
      model: model(),
      prompt: "What is the weather in Paris?",
      tools: {
        get_weather: tool({
          description: "Current weather for a city",
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            ran++;
            return { city, forecast: "sunny", celsius: 21 };
          },
        }),
      },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    expect(ran).toBe(1);
    expect(result.steps.length).toBe(2);
    expect(result.steps[0]?.toolCalls[0]?.toolName).toBe("get_weather");
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.response.id).toMatch(/^resp_/);
    expect(calls.map((c) => c.path)).toEqual(["/v1/responses", "/v1/responses"]);
  });

  test("streamText: the streamed text equals the answer; usage arrives", async () => {
    const prompt = "Tell me a long story about the sea and its ships";
    const result = streamText({ model: model(), prompt, maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    const whole = await generateText({ model: model(), prompt, maxRetries: 0 });
    expect(pieces.join("")).toBe(whole.text);
    expect(["stop", "length"]).toContain(await result.finishReason);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });
});

describe("Vercel AI SDK default provider, reasoning", () => {
  test("streamText with DeepSeek R1 (a reasoning item first): the text arrives without <think>", async () => {
    const model = createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sk-anything" })("deepseek-r1");
    const result = streamText({ model, prompt: "Why is the sky blue?", maxRetries: 0 });
    const text = await result.text;
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain("<think>");
    expect(await result.finishReason).not.toBe("error");
  });
});

describe("OpenAI Agents SDK", () => {
  test("an agent with one function tool runs to a final output", async () => {
    log.lines.length = 0;
    // The Agents SDK brings its own `openai` (v7): configured by URL and key, as its users do.
    const runner = new Runner({
      modelProvider: new OpenAIProvider({ baseURL: `${gw.url}/v1`, apiKey: "sk-anything" }),
      tracingDisabled: true, // no trace export to api.openai.com
    });
    let ran = 0;
    const agent = new Agent({
      name: "Weather agent",
      instructions: "Answer weather questions with the get_weather tool.",
      model: "gpt-4o",
      tools: [
        agentTool({
          name: "get_weather",
          description: "Current weather for a city",
          parameters: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            ran++;
            return `It is sunny and 21 °C in ${city}.`;
          },
        }),
      ],
    });
    const result = await runner.run(agent, "What is the weather in Paris?");
    expect(ran).toBe(1);
    expect(typeof result.finalOutput).toBe("string");
    expect(String(result.finalOutput).length).toBeGreaterThan(0);
    // The access log: two calls, both to the Responses API.
    const paths = log.lines.flatMap((l) => {
      const path = (JSON.parse(l) as { path?: string }).path;
      return path === undefined ? [] : [path];
    });
    expect(paths).toEqual(["/v1/responses", "/v1/responses"]);
  });
});
