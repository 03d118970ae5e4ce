// Bedrock's own validation (CONTRACT §5): what the live proxy refuses, the simulator refuses the same
// way — a 500 with the Bedrock message on /prod/invoke, the mapped 400 on /v1 — and the tool-use system
// prompt Anthropic bills is in input_tokens.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../../src/server/gateway.ts";
import { startTestGateway } from "../../helpers/gateway.ts";

const HAIKU3 = "us.anthropic.claude-3-haiku-20240307-v1:0";
const NOVA = "us.amazon.nova-pro-v1:0";
const weather = {
  name: "get_weather",
  description: "Get the current weather in a given location",
  input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
};

let gw: Gateway;
let client: OpenAI;
beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "any", maxRetries: 0 });
});
afterAll(() => gw.close());

async function invoke(
  body: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gw.url}/prod/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-team-id": "demo", "x-api-token": "demo-token" },
    body: JSON.stringify({ model: HAIKU3, max_tokens: 200, ...body }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const bedrock = (message: string) =>
  `Bedrock error: An error occurred (ValidationException) when calling the InvokeModel operation: ${message}`;

const toolTurn = (id: string) => ({
  role: "assistant",
  content: [{ type: "tool_use", id, name: "get_weather", input: { location: "Paris" } }],
});
const resultTurn = (id: string) => ({
  role: "user",
  content: [{ type: "tool_result", tool_use_id: id, content: "sunny" }],
});

describe("on /prod/invoke: the proxy's 500", () => {
  it.each([
    [
      "a first turn that is not user (Claude)",
      {
        messages: [
          { role: "assistant", content: "Hello!" },
          { role: "user", content: "Hi" },
        ],
      },
      'messages: first message must use the "user" role',
    ],
    [
      "a first turn that is not user (Nova, Converse wording)",
      {
        model: NOVA,
        messages: [
          { role: "assistant", content: "Hello!" },
          { role: "user", content: "Hi" },
        ],
      },
      "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
    ],
    [
      "an empty text block",
      { messages: [{ role: "user", content: [{ type: "text", text: "" }] }] },
      "messages: text content blocks must be non-empty",
    ],
    [
      "a whitespace-only text block",
      { messages: [{ role: "user", content: [{ type: "text", text: "  \n" }] }] },
      "messages: text content blocks must contain non-whitespace text",
    ],
    [
      "empty string content (Nova, Converse wording)",
      { model: NOVA, messages: [{ role: "user", content: "" }] },
      "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.",
    ],
    [
      "an empty content list",
      { messages: [{ role: "user", content: [] }] },
      "messages.0: all messages must have non-empty content except for the optional final assistant message",
    ],
    [
      "a tool_result with no tool_use before it",
      {
        tools: [weather],
        messages: [{ role: "user", content: "Weather?" }, resultTurn("toolu_bdrk_01missing")],
      },
      "messages.1.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_bdrk_01missing. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
    ],
    [
      "a tool_result answering another call",
      {
        tools: [weather],
        messages: [
          { role: "user", content: "Weather?" },
          toolTurn("toolu_bdrk_01a"),
          resultTurn("toolu_bdrk_01b"),
        ],
      },
      "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_bdrk_01b. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
    ],
    [
      "tools together with response_format",
      {
        tools: [weather],
        response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
        messages: [{ role: "user", content: "Weather?" }],
      },
      "Malformed input request: tools and response_format cannot be used together, please reformat your input and try again.",
    ],
  ])("%s", async (_name, body, message) => {
    const res = await invoke(body);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: bedrock(message) });
  });

  it("accepts what Bedrock accepts: consecutive user turns, an empty final assistant prefill, a paired result", async () => {
    const folded = await invoke({
      messages: [
        { role: "user", content: "System: be brief" },
        { role: "user", content: "Hi" },
      ],
    });
    expect(folded.status).toBe(200);
    const prefill = await invoke({
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "" },
      ],
    });
    expect(prefill.status).toBe(200);
    const paired = await invoke({
      tools: [weather],
      messages: [
        { role: "user", content: "Weather?" },
        toolTurn("toolu_bdrk_01a"),
        resultTurn("toolu_bdrk_01a"),
      ],
    });
    expect(paired.status).toBe(200);
  });

  it("adds Claude's tool-use system prompt tokens to input_tokens, per tool_choice", async () => {
    const messages = [{ role: "user", content: "Weather in Paris?" }];
    const none = await invoke({ messages, tools: [weather], tool_choice: { type: "none" } });
    const any = await invoke({ messages, tools: [weather], tool_choice: { type: "any" } });
    const usage = (r: { body: Record<string, unknown> }) =>
      (r.body.usage as { input_tokens: number }).input_tokens;
    // Claude 3 Haiku: 264 tokens for auto/none, 340 for any/tool (Anthropic's tool-use pricing table).
    expect(usage(any) - usage(none)).toBe(340 - 264 + 0);
    const nova = await invoke({ model: NOVA, messages, tools: [weather], tool_choice: { type: "none" } });
    expect(usage(none) - usage(nova)).toBe(264);
  });
});

describe("on /v1/chat/completions: the mapped 400", () => {
  const bad = async (params: Record<string, unknown>) => {
    const error = await client.chat.completions
      .create({
        model: HAIKU3,
        max_tokens: 100,
        ...params,
      } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    return error as InstanceType<typeof OpenAI.BadRequestError>;
  };

  it("an empty text part (the face drops blank text, so nothing blank reaches Bedrock, and refuses what is left)", async () => {
    const error = await bad({ messages: [{ role: "user", content: [{ type: "text", text: "" }] }] });
    expect(error.message).toMatch(/no user content/);
  });

  it("a tool result with no call before it", async () => {
    const error = await bad({
      tools: [{ type: "function", function: { name: "get_weather", parameters: weather.input_schema } }],
      messages: [
        { role: "user", content: "Weather?" },
        { role: "tool", tool_call_id: "call_missing", content: "sunny" },
      ],
    });
    expect(error.message).toMatch(/tool_use_id|tool_call_id|tool/);
  });

  it("tools together with response_format", async () => {
    const error = await bad({
      tools: [{ type: "function", function: { name: "get_weather", parameters: weather.input_schema } }],
      response_format: { type: "json_object" },
      messages: [{ role: "user", content: "Weather?" }],
    });
    expect(error.param).toBe("response_format");
  });

  it("an assistant-first conversation is repaired by the gateway (it opens with a user turn), not refused", async () => {
    const completion = await client.chat.completions.create({
      model: HAIKU3,
      max_tokens: 50,
      messages: [
        { role: "assistant", content: "Hello! How can I help?" },
        { role: "user", content: "Respond with only PASSED or FAILED" },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe("PASSED");
  });
});
