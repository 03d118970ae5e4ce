// LangChain JS (`@langchain/openai` ChatOpenAI) against a mock-mode gateway over a real socket: invoke,
// stream, bindTools (with a tool loop), withStructuredOutput in its JSON-schema and tool-calling modes.
import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type AIMessageChunk,
  type UsageMetadata,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock", upstream: { retries: 0 } as never });
});
afterAll(() => gw.close());

function chat(model: string, extra: Partial<ConstructorParameters<typeof ChatOpenAI>[0]> = {}): ChatOpenAI {
  return new ChatOpenAI({
    model,
    apiKey: "sk-anything",
    maxRetries: 0,
    configuration: { baseURL: `${gw.url}/v1` },
    ...extra,
  });
}

const getWeather = tool(({ city }: { city: string }) => `21°C and sunny in ${city}`, {
  name: "get_weather",
  description: "Current weather for a city",
  schema: z.object({ city: z.string() }),
});
const getTime = tool(({ zone }: { zone: string }) => `12:00 in ${zone}`, {
  name: "get_time",
  description: "Current local time in a time zone",
  schema: z.object({ zone: z.string() }),
});

const Person = z.object({
  name: z.string(),
  age: z.number().int(),
  hobbies: z.array(z.string()),
});

describe("ChatOpenAI", () => {
  test("invoke: an AIMessage with content, usage and response metadata", async () => {
    const reply = await chat("gpt-4o-mini").invoke([
      new SystemMessage("You are terse."),
      new HumanMessage("Tell me about lighthouses."),
    ]);
    expect(reply).toBeInstanceOf(AIMessage);
    expect(typeof reply.content).toBe("string");
    expect((reply.content as string).length).toBeGreaterThan(0);
    const usage = reply.usage_metadata as UsageMetadata | undefined;
    expect(usage?.input_tokens).toBeGreaterThan(0);
    expect(usage?.output_tokens).toBeGreaterThan(0);
    expect(reply.response_metadata.finish_reason).toMatch(/^(stop|length)$/);
    expect(reply.id).toMatch(/^chatcmpl-/);
  });

  test("stream: chunks concatenate to the non-streamed answer; usage on the stream", async () => {
    const prompt = "Tell me a long story about the sea and its ships";
    let whole: AIMessageChunk | undefined;
    let count = 0;
    for await (const chunk of await chat("gpt-4o").stream(prompt)) {
      whole = whole === undefined ? chunk : whole.concat(chunk);
      count++;
    }
    expect(count).toBeGreaterThan(2);
    const once = await chat("gpt-4o").invoke(prompt);
    expect(whole?.content).toBe(once.content);
    expect((whole?.usage_metadata as UsageMetadata | undefined)?.total_tokens).toBeGreaterThan(0);
  });

  test("bindTools: the model calls a tool, the result goes back, the model answers", async () => {
    const model = chat("claude-sonnet").bindTools([getWeather, getTime]);
    const messages = [new HumanMessage("What is the weather in Paris?")];
    const first = await model.invoke(messages);
    expect(first.tool_calls?.map((c) => c.name)).toEqual(["get_weather"]);
    const call = first.tool_calls![0]!;
    expect(call.id).toMatch(/^call_/);
    expect(typeof call.args.city).toBe("string");
    const result = await getWeather.invoke(call);
    expect(result).toBeInstanceOf(ToolMessage);
    const second = await model.invoke([...messages, first, result]);
    expect(second.tool_calls ?? []).toEqual([]);
    expect((second.content as string).length).toBeGreaterThan(0);
  });

  test("bindTools streamed with parallel calls: tool_call_chunks merge into whole calls", async () => {
    const model = chat("claude-sonnet").bindTools([getWeather, getTime]);
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(
      "What is the weather in Paris and the local time in its zone?",
    ))
      whole = whole === undefined ? chunk : whole.concat(chunk);
    const calls = whole?.tool_calls ?? [];
    expect(calls.map((c) => c.name).sort()).toEqual(["get_time", "get_weather"]);
    for (const c of calls) expect(c.id).toMatch(/^call_/);
    expect(whole?.invalid_tool_calls ?? []).toEqual([]);
  });

  test.each(["jsonSchema", "functionCalling"] as const)(
    "withStructuredOutput (%s) returns an object that validates",
    async (method) => {
      const structured = chat("gpt-4o").withStructuredOutput(Person, { name: "person", method });
      const value = await structured.invoke("Invent a person");
      expect(Person.parse(value)).toEqual(value);
    },
  );

  test.each(["gpt-4o", "llama-3.3-70b"])(
    "withStructuredOutput (jsonMode) on %s follows the shape the prompt asks for",
    async (model) => {
      // json_object names no schema (on Llama it is only a prompt instruction): the simulator, like a
      // model, takes the keys from the prompt, so LangChain's zod parse of the answer succeeds.
      const structured = chat(model).withStructuredOutput(Person, { method: "jsonMode" });
      const value = await structured.invoke("Invent a person as JSON with name, age and hobbies");
      expect(Person.parse(value)).toEqual(value);
    },
  );

  test("gateway errors surface as errors with the HTTP status", async () => {
    const error = (await chat("gpt-17-ultra")
      .invoke("hi")
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as { status?: number; lc_error_code?: string } | undefined;
    expect(error?.status).toBe(404);
    expect(error?.lc_error_code).toBe("MODEL_NOT_FOUND");
  });
});
