// The `@anthropic-ai/sdk` helpers over a real socket to a mock-mode gateway: the beta tool runner
// (`betaZodTool` + `beta.messages.toolRunner`, which opens a message thread the gateway refuses so the SDK
// falls back to full histories), message threads asked for directly, and structured output
// (`messages.parse` with `zodOutputFormat`, the beta `output_format`), carried as the proxy's response_format.
import Anthropic, { APIError } from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { betaZodOutputFormat, betaZodTool } from "@anthropic-ai/sdk/helpers/beta/zod";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
});
afterAll(() => gw.close());

interface Sent {
  body: Record<string, unknown>;
  status: number;
}

/** A client that notes every request body it sends and the status it got. */
function sdk(sent: Sent[] = []): Anthropic {
  return new Anthropic({
    baseURL: gw.url,
    apiKey: "sk-ant-anything",
    maxRetries: 0,
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      sent.push({
        body: JSON.parse(String(init?.body ?? "{}")) as Record<string, unknown>,
        status: res.status,
      });
      return res;
    },
  });
}

async function spent(): Promise<number> {
  const res = await fetch(`${gw.url}/quota`);
  return ((await res.json()) as { requests_today: number }).requests_today;
}

const Person = z.object({ name: z.string(), age: z.number(), hobbies: z.array(z.string()) });

describe("beta tool runner", () => {
  test("runs the tool and answers with its result; the refused thread costs no upstream call", async () => {
    const sent: Sent[] = [];
    const calls: string[] = [];
    const weather = betaZodTool({
      name: "get_weather",
      description: "Current weather for a city",
      inputSchema: z.object({ city: z.string() }),
      run: async ({ city }) => {
        calls.push(city);
        return `21C and sunny in ${city}`;
      },
    });
    const before = await spent();
    const runner = sdk(sent).beta.messages.toolRunner({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      tools: [weather],
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
    });
    const kinds: string[][] = [];
    for await (const message of runner) kinds.push(message.content.map((b) => b.type));
    expect(calls).toEqual(["Paris"]);
    expect(kinds).toEqual([["tool_use"], ["text"]]);
    const final = runner.params.messages.at(-1);
    expect(JSON.stringify(final)).toContain("21C and sunny in Paris");
    // The first request opened a thread and was refused; every later one carries the whole history.
    expect(sent.map((s) => [s.status, "thread" in s.body])).toEqual([
      [400, true],
      [200, false],
      [200, false],
    ]);
    expect((sent[2]?.body.messages as unknown[]).length).toBe(3);
    expect(await spent()).toBe(before + 2);
  });

  test("a thread asked for directly fails with Anthropic's thread_unsupported_request, saying what to do", async () => {
    const thread = sdk().beta.messages.thread({ model: "claude-haiku-4-5", max_tokens: 50 });
    const error = await thread.send({ role: "user", content: "Hello" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(400);
    expect(apiError.errorCode).toBe("thread_unsupported_request");
    expect(apiError.message).toContain("without 'thread'");
  });
});

describe("structured output", () => {
  test("messages.parse with zodOutputFormat gets JSON that follows the schema", async () => {
    const message = await sdk().messages.parse({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      messages: [{ role: "user", content: "Make up a person named Ada who is 36." }],
      output_config: { format: zodOutputFormat(Person) },
    });
    expect(Person.parse(message.parsed_output)).toMatchObject({ name: "Ada", age: 36 });
    expect(message.stop_reason).toBe("end_turn");
  });

  test("the beta output_format works the same, streamed", async () => {
    const stream = sdk().beta.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 300,
      messages: [{ role: "user", content: "Make up a person named Bo who is 7." }],
      output_format: betaZodOutputFormat(Person),
    });
    const message = await stream.finalMessage();
    expect(message.parsed_output).toMatchObject({ name: "Bo", age: 7 });
  });

  test("with tools it is a clear 400 before any upstream call (the proxy cannot combine them)", async () => {
    const before = await spent();
    const error = await sdk()
      .messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 100,
        messages: [{ role: "user", content: "hi" }],
        tools: [{ name: "t", input_schema: { type: "object" } }],
        output_config: { format: { type: "json_schema", schema: { type: "object" } } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as APIError).message).toContain("output_config.format");
    expect(await spent()).toBe(before);
  });
});
