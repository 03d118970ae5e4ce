// Responses items → the invoke request, through the shared Chat Completions translation: the item table
// of faces/responses/request.ts, and the family rules it inherits (sampling keys, the max_tokens cap).
import { describe, expect, test } from "vitest";
import { parseResponseCreateParams } from "../../../src/faces/responses/parse.ts";
import { toChatParams } from "../../../src/faces/responses/request.ts";
import type { ResponseInputItem } from "../../../src/faces/responses/types.ts";
import { createModelResolver } from "../../../src/models/catalog.ts";
import { toInvokeRequest } from "../../../src/translation/request.ts";

const models = createModelResolver({});
const options = { systemPrompt: "fold" as const, toolEmulation: false, maxN: 1 };

function invoke(body: Record<string, unknown>) {
  const params = parseResponseCreateParams(body);
  const items = params.input.filter((i): i is ResponseInputItem => i.type !== "item_reference");
  return toInvokeRequest(toChatParams(params, items), models.resolve(params.model)!, options).request;
}

const weather = {
  type: "function",
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};

describe("items → invoke messages", () => {
  test("instructions and developer messages fold into the first user turn; reasoning items are dropped", () => {
    const request = invoke({
      model: "gpt-4o",
      instructions: "Be brief.",
      input: [
        { role: "developer", content: "Answer in French." },
        { type: "reasoning", id: "rs_1", summary: [] },
        { role: "user", content: [{ type: "input_text", text: "Hello" }] },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Be brief.\n\nAnswer in French." },
          { type: "text", text: "Hello" },
        ],
      },
    ]);
  });

  test("function_call → tool_use and function_call_output → tool_result, ids mapped back to the upstream's", () => {
    const request = invoke({
      model: "gpt-4o",
      tools: [weather],
      input: [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          type: "function_call",
          id: "fc_x_0",
          call_id: "call_toolu_bdrk_01A",
          name: "get_weather",
          arguments: '{"city":"Paris"}',
        },
        {
          type: "function_call",
          id: "fc_x_1",
          call_id: "call_toolu_bdrk_01B",
          name: "get_weather",
          arguments: '{"city":"Rome"}',
        },
        { type: "function_call_output", call_id: "call_toolu_bdrk_01A", output: "sunny" },
        {
          type: "function_call_output",
          call_id: "call_toolu_bdrk_01B",
          output: [{ type: "input_text", text: "rain" }],
        },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "toolu_bdrk_01A", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_bdrk_01B", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_bdrk_01A", content: "sunny" },
          { type: "tool_result", tool_use_id: "toolu_bdrk_01B", content: "rain" },
        ],
      },
    ]);
    expect(request.tools?.[0]?.name).toBe("get_weather");
  });
});

describe("parameters", () => {
  test("max_output_tokens is capped at the model's limit; temperature goes only where the family takes it", () => {
    const claude = invoke({
      model: "claude-haiku",
      input: "Hi",
      max_output_tokens: 10_000_000,
      temperature: 0.3,
    });
    expect(claude.max_tokens).toBe(models.resolve("claude-haiku")!.maxOutputTokens);
    expect(claude.temperature).toBe(0.3);
    const nova = invoke({ model: "nova-pro", input: "Hi", temperature: 0.3, top_p: 0.5 });
    expect(nova.temperature).toBeUndefined();
    expect(nova.top_p).toBeUndefined();
    expect(nova.max_tokens).toBe(1024);
  });

  test("text.format json_schema is the proxy's response_format; tool_choice names map to the invoke shape", () => {
    const structured = invoke({
      model: "gpt-4o",
      input: "Invent a person",
      text: {
        format: {
          type: "json_schema",
          name: "person",
          schema: { type: "object", properties: { name: { type: "string" } } },
          strict: true,
        },
      },
    });
    expect(structured.response_format).toEqual({
      type: "json_schema",
      json_schema: {
        name: "person",
        schema: { type: "object", properties: { name: { type: "string" } } },
        strict: true,
      },
    });
    const forced = invoke({
      model: "gpt-4o",
      input: "Paris?",
      tools: [weather],
      tool_choice: { type: "function", name: "get_weather" },
    });
    expect(forced.tool_choice).toEqual({ type: "tool", name: "get_weather" });
    expect(
      invoke({ model: "gpt-4o", input: "Paris?", tools: [weather], tool_choice: "required" }).tool_choice,
    ).toEqual({ type: "any" });
  });

  test("what cannot be carried is a 400 naming it", () => {
    expect(() =>
      invoke({ model: "gpt-4o", input: "x", tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }] }),
    ).toThrow(/file_search/);
    expect(() => invoke({ model: "gpt-4o", input: [{ type: "computer_call", id: "c" }] })).toThrow(
      /computer_call/,
    );
    expect(() =>
      invoke({ model: "gpt-4o", input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] }),
    ).toThrow(/input_file/);
    expect(() => invoke({ model: "gpt-4o", input: "x", background: true })).toThrow(/background/);
  });
});
