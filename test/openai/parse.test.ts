// The request parser: typed params out of hostile JSON, or a 400 that names the exact param.
import { describe, expect, test } from "vitest";
import { parseChatCompletionCreateParams } from "../../src/openai/parse.ts";
import { GatewayError } from "../../src/shared/errors.ts";

const base = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };

function rejection(body: unknown): { param: string | null; code: string; status: number } {
  try {
    parseChatCompletionCreateParams(body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const e = error as GatewayError;
    return { param: e.param, code: e.code, status: e.status };
  }
  throw new Error("expected a 400");
}

describe("rejections name the param", () => {
  test.each([
    ["not an object", [1, 2], null],
    ["missing model", { messages: base.messages }, "model"],
    ["empty model", { ...base, model: " " }, "model"],
    ["messages not an array", { ...base, messages: {} }, "messages"],
    ["empty messages", { ...base, messages: [] }, "messages"],
    ["bad role", { ...base, messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
    [
      "content a number",
      {
        ...base,
        messages: [base.messages[0], { role: "assistant", content: "a" }, { role: "user", content: 42 }],
      },
      "messages[2].content",
    ],
    [
      "bad part type",
      { ...base, messages: [{ role: "user", content: [{ type: "video" }] }] },
      "messages[0].content[0].type",
    ],
    [
      "image without url",
      { ...base, messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] },
      "messages[0].content[0].image_url.url",
    ],
    [
      "system with image",
      { ...base, messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "x" } }] }] },
      "messages[0].content[0].type",
    ],
    [
      "assistant with nothing",
      { ...base, messages: [{ role: "assistant", content: null }] },
      "messages[0].content",
    ],
    ["tool without id", { ...base, messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id"],
    [
      "tool call without name",
      {
        ...base,
        messages: [
          { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: {} }] },
        ],
      },
      "messages[0].tool_calls[0].function.name",
    ],
    ["temperature out of range", { ...base, temperature: 3 }, "temperature"],
    ["top_p a string", { ...base, top_p: "high" }, "top_p"],
    ["max_tokens zero", { ...base, max_tokens: 0 }, "max_tokens"],
    ["max_completion_tokens fractional", { ...base, max_completion_tokens: 1.5 }, "max_completion_tokens"],
    ["n zero", { ...base, n: 0 }, "n"],
    ["five stops", { ...base, stop: ["a", "b", "c", "d", "e"] }, "stop"],
    ["stream a string", { ...base, stream: "yes" }, "stream"],
    ["tool of another type", { ...base, tools: [{ type: "web_search" }] }, "tools[0].type"],
    [
      "tool without name",
      { ...base, tools: [{ type: "function", function: { name: "" } }] },
      "tools[0].function.name",
    ],
    ["bad tool_choice", { ...base, tool_choice: "sometimes" }, "tool_choice"],
    ["bad response_format type", { ...base, response_format: { type: "yaml" } }, "response_format.type"],
    [
      "json_schema without name",
      { ...base, response_format: { type: "json_schema", json_schema: { schema: {} } } },
      "response_format.json_schema.name",
    ],
    ["logprobs", { ...base, logprobs: true }, "logprobs"],
    ["audio", { ...base, audio: { voice: "alloy", format: "mp3" } }, "audio"],
    ["legacy functions", { ...base, functions: [] }, "functions"],
  ])("%s", (_name, body, param) => {
    const r = rejection(body);
    expect(r.status).toBe(400);
    expect(r.param).toBe(param);
  });
});

describe("accepted forms", () => {
  test("defaults and ignored keys", () => {
    const params = parseChatCompletionCreateParams({
      ...base,
      seed: 1,
      user: "u",
      metadata: { a: "b" },
      store: false,
      frequency_penalty: 0.2,
    });
    expect(params).toEqual({ model: "gpt-4o", messages: base.messages, stream: false, n: 1 });
  });

  test("nulls mean absent", () => {
    const params = parseChatCompletionCreateParams({
      ...base,
      temperature: null,
      stop: null,
      tools: null,
      max_tokens: null,
      functions: null,
      function_call: null,
      logprobs: null,
      top_logprobs: null,
      audio: null,
      modalities: null,
      response_format: null,
      tool_choice: null,
      stream_options: null,
    });
    expect(params).toEqual({ model: "gpt-4o", messages: base.messages, stream: false, n: 1 });
  });

  test("stop: a string becomes a list, blank entries are dropped", () => {
    expect(parseChatCompletionCreateParams({ ...base, stop: "END" }).stop).toEqual(["END"]);
    expect(parseChatCompletionCreateParams({ ...base, stop: ["", " ", "x"] }).stop).toEqual(["x"]);
  });

  test("response_format in the guide's forms: without type, or a bare schema (CONTRACT §5)", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    expect(
      parseChatCompletionCreateParams({ ...base, response_format: { json_schema: { name: "n", schema } } })
        .response_format,
    ).toEqual({
      type: "json_schema",
      json_schema: { name: "n", schema },
    });
    expect(parseChatCompletionCreateParams({ ...base, response_format: schema }).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema },
    });
  });

  test("refusal parts in assistant history read as text; tool arguments may be absent", () => {
    const params = parseChatCompletionCreateParams({
      ...base,
      messages: [
        { role: "user", content: "x" },
        {
          role: "assistant",
          content: [{ type: "refusal", refusal: "no" }],
          tool_calls: [{ id: "c", type: "function", function: { name: "f" } }],
        },
      ],
    });
    expect(params.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "no" }],
      tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "" } }],
    });
  });
});
