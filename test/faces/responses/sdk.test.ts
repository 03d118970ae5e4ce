// The official `openai` SDK's Responses API against a mock-mode gateway over a real socket on port 0
// (issue 15 "Done when"): create, stream(), parse() with a zod text format, a function-tool loop,
// previous_response_id, the stored-response routes. Every body and every stream event is checked
// against the OpenAI spec's schemas (Response, ResponseStreamEvent, ResponseItemList, ErrorResponse).
import OpenAI, { NotFoundError, BadRequestError } from "openai";
import { zodTextFormat } from "openai/helpers/zod";
import type {
  FunctionTool,
  ResponseInputItem,
  ResponseStreamEvent,
} from "openai/resources/responses/responses";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { Gateway } from "../../../src/server/gateway.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { assertSpec, precompileSpec } from "../../helpers/openai-spec.ts";

// The spec is compiled before the tests start: seconds on a busy machine, outside any test's timeout.
beforeAll(
  () => precompileSpec("Response", "ResponseStreamEvent", "ResponseItemList", "ErrorResponse"),
  120_000,
);

let gw: Gateway;

beforeAll(async () => {
  gw = await startTestGateway({
    mode: "mock",
    upstream: { retries: 0 } as never,
    mock: {
      teams: [
        { team_id: "demo", api_token: "demo-token", budget_limit: 50 },
        { team_id: "other", api_token: "other-token", budget_limit: 50 },
      ],
    } as never,
  });
});
afterAll(() => gw.close());

function sdk(apiKey = "sk-anything"): OpenAI {
  return new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0 });
}

const weather: FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
};

/** Every event of a stream, each checked against the spec, in order. */
async function eventsOf(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) {
    assertSpec("ResponseStreamEvent", event);
    events.push(event);
  }
  return events;
}

describe("responses.create", () => {
  test("a plain answer: spec-valid Response, output_text, usage with cost, bedrock and x-bedrock-* headers", async () => {
    const { data, response } = await sdk()
      .responses.create({ model: "gpt-4o-mini", instructions: "Be brief.", input: "Hello there" })
      .withResponse();
    assertSpec("Response", data);
    expect(data.id).toMatch(/^resp_/);
    expect(data.object).toBe("response");
    expect(data.status).toBe("completed");
    expect(data.model).toBe("gpt-4o-mini");
    expect(data.instructions).toBe("Be brief.");
    expect(data.output[0]?.type).toBe("message");
    expect(data.output_text.length).toBeGreaterThan(0);
    const usage = data.usage as OpenAI.Responses.ResponseUsage & { cost: number };
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(usage.cost).toBeGreaterThan(0);
    const bedrock = (data as unknown as { bedrock: { team_id: string; cost_usd: number } }).bedrock;
    expect(bedrock.team_id).toBe("demo");
    expect(bedrock.cost_usd).toBe(usage.cost);
    expect(response.headers.get("x-bedrock-cost-usd")).toBe(String(usage.cost));
    expect(response.headers.get("x-bedrock-budget-limit")).toBe("50");
  });

  test("max_output_tokens reached: status incomplete with the reason", async () => {
    const data = await sdk().responses.create({
      model: "claude-haiku",
      input: "Write a long essay about the history of sailing.",
      max_output_tokens: 16,
    });
    assertSpec("Response", data);
    expect(data.status).toBe("incomplete");
    expect(data.incomplete_details?.reason).toBe("max_output_tokens");
    expect(data.usage?.output_tokens).toBeLessThanOrEqual(16);
  });

  test("message items with input_text and a data-URL image reach a vision model", async () => {
    const pixel =
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const data = await sdk().responses.create({
      model: "gpt-4o",
      input: [
        { role: "developer", content: "Describe images in one sentence." },
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "What is in this picture?" },
            { type: "input_image", image_url: pixel, detail: "auto" },
          ],
        },
      ],
    });
    assertSpec("Response", data);
    expect(data.output_text.length).toBeGreaterThan(0);
  });
});

describe("responses.stream()", () => {
  test("text: the event sequence, numbered from 0, deltas adding up to the final text", async () => {
    const stream = sdk().responses.stream({ model: "gpt-4o-mini", input: "Tell me about lighthouses" });
    const events = await eventsOf(stream);
    const final = await stream.finalResponse();
    assertSpec("Response", final);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const types = [...new Set(events.map((e) => e.type))];
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const deltas = events.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(final.output_text);
    const completed = events.at(-1);
    expect(
      completed?.type === "response.completed" && completed.response.usage?.output_tokens,
    ).toBeGreaterThan(0);
  });

  test("a function call: argument deltas and done, parsed by the SDK", async () => {
    const stream = sdk().responses.stream({
      model: "gpt-4o",
      input: "What is the weather in Paris?",
      tools: [weather],
      tool_choice: "required",
    });
    const events = await eventsOf(stream);
    const final = await stream.finalResponse();
    assertSpec("Response", final);
    const call = final.output.find((o) => o.type === "function_call");
    expect(call?.type === "function_call" && call.name).toBe("get_weather");
    const args = events.flatMap((e) =>
      e.type === "response.function_call_arguments.delta" ? [e.delta] : [],
    );
    expect(args.join("")).toBe(call?.type === "function_call" ? call.arguments : undefined);
    expect(events.some((e) => e.type === "response.function_call_arguments.done")).toBe(true);
    expect(JSON.parse(call?.type === "function_call" ? call.arguments : "{}")).toHaveProperty("city");
  });
});

describe("reasoning", () => {
  test("DeepSeek R1's <think> text is a reasoning item, streamed as reasoning_text; the answer stays clean", async () => {
    const client = sdk();
    const data = await client.responses.create({ model: "deepseek-r1", input: "Why is the sky blue?" });
    assertSpec("Response", data);
    const reasoning = data.output.find((o) => o.type === "reasoning");
    expect(reasoning?.type === "reasoning" && reasoning.content?.[0]?.text.length).toBeGreaterThan(0);
    expect(data.output_text).not.toContain("<think>");

    const stream = client.responses.stream({ model: "deepseek-r1", input: "Why is the sky blue?" });
    const events = await eventsOf(stream);
    const final = await stream.finalResponse();
    assertSpec("Response", final);
    const thought = events.flatMap((e) => (e.type === "response.reasoning_text.delta" ? [e.delta] : []));
    const item = final.output.find((o) => o.type === "reasoning");
    expect(thought.join("")).toBe(item?.type === "reasoning" ? item.content?.[0]?.text : undefined);
    expect(final.output_text).toBe(data.output_text);

    // It can be continued: the reasoning item is dropped from the conversation sent upstream.
    const next = await client.responses.create({
      model: "deepseek-r1",
      previous_response_id: data.id,
      input: "And at sunset?",
    });
    assertSpec("Response", next);
  });
});

describe("responses.parse()", () => {
  test("a zod text format: output_parsed validates", async () => {
    const Person = z.object({ name: z.string(), age: z.number() });
    const parsed = await sdk().responses.parse({
      model: "gpt-4o",
      input: "John is 30 and lives in London. Extract the person.",
      text: { format: zodTextFormat(Person, "person") },
    });
    assertSpec("Response", { ...parsed, output_parsed: undefined });
    expect(Person.parse(parsed.output_parsed)).toEqual(parsed.output_parsed);
  });
});

describe("function tools", () => {
  test("a tool loop with the whole history, then the same loop with previous_response_id", async () => {
    const client = sdk();
    const first = await client.responses.create({
      model: "gpt-4o",
      input: "What is the weather in Paris?",
      tools: [weather],
      tool_choice: "required",
    });
    assertSpec("Response", first);
    const call = first.output.find((o) => o.type === "function_call");
    if (call?.type !== "function_call") throw new Error("no function call");
    expect(call.call_id).toMatch(/^call_/);
    const result: ResponseInputItem = {
      type: "function_call_output",
      call_id: call.call_id,
      output: JSON.stringify({ temperature_c: 21, sky: "clear" }),
    };

    const history: ResponseInputItem[] = [
      { role: "user", content: "What is the weather in Paris?" },
      ...(first.output as ResponseInputItem[]),
      result,
    ];
    const answer = await client.responses.create({ model: "gpt-4o", input: history, tools: [weather] });
    assertSpec("Response", answer);
    expect(answer.output.map((o) => o.type)).toEqual(["message"]);
    expect(answer.output_text.length).toBeGreaterThan(0);

    const continued = await client.responses.create({
      model: "gpt-4o",
      previous_response_id: first.id,
      input: [result],
      tools: [weather],
    });
    assertSpec("Response", continued);
    expect(continued.previous_response_id).toBe(first.id);
    expect(continued.output_text).toBe(answer.output_text);
  });

  test("built-in tools are a 400 naming the tool", async () => {
    const error = await sdk()
      .responses.create({ model: "gpt-4o", input: "news?", tools: [{ type: "web_search" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const body = (error as BadRequestError).error as { message: string; param: string };
    assertSpec("ErrorResponse", { error: body });
    expect(body.message).toContain("web_search");
    expect(body.param).toBe("tools[0].type");
  });
});

describe("stored responses", () => {
  test("previous_response_id continues the conversation; retrieve, input_items and delete", async () => {
    const client = sdk();
    const first = await client.responses.create({ model: "gpt-4o-mini", input: "My name is Ada." });
    const second = await client.responses.create({
      model: "gpt-4o-mini",
      previous_response_id: first.id,
      input: "What is my name?",
    });
    assertSpec("Response", second);

    const got = await client.responses.retrieve(second.id);
    assertSpec("Response", got);
    expect(got.output_text).toBe(second.output_text);

    const items = await client.responses.inputItems.list(second.id, { order: "asc" });
    const page = {
      object: "list",
      data: items.data,
      first_id: items.data[0]?.id,
      last_id: items.data.at(-1)?.id,
      has_more: false,
    };
    assertSpec("ResponseItemList", page);
    // The first turn, the first answer, the new question.
    expect(items.data.map((i) => (i.type === "message" ? i.role : i.type))).toEqual([
      "user",
      "assistant",
      "user",
    ]);

    await client.responses.delete(second.id);
    await expect(client.responses.retrieve(second.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.delete(second.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("store: false keeps nothing; unknown ids are 404 naming previous_response_id", async () => {
    const client = sdk();
    const unstored = await client.responses.create({ model: "gpt-4o-mini", input: "Hi", store: false });
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    await expect(client.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(NotFoundError);
    const error = await client.responses
      .create({ model: "gpt-4o-mini", input: "Hi", previous_response_id: unstored.id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    const body = (error as NotFoundError).error as { param: string; code: string };
    assertSpec("ErrorResponse", { error: body });
    expect(body.param).toBe("previous_response_id");
  });

  test("responses are kept per team: another team's id is unknown", async () => {
    const mine = await sdk("demo:demo-token").responses.create({ model: "gpt-4o-mini", input: "Hi" });
    await expect(sdk("other:other-token").responses.retrieve(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      sdk("other:other-token").responses.create({
        model: "gpt-4o-mini",
        input: "Hi",
        previous_response_id: mine.id,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await sdk("demo:demo-token").responses.retrieve(mine.id)).id).toBe(mine.id);
  });
});

describe("errors", () => {
  test("an unknown model is the OpenAI 404 body", async () => {
    const error = await sdk()
      .responses.create({ model: "gpt-17-ultra", input: "Hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    const body = (error as NotFoundError).error as { code: string };
    assertSpec("ErrorResponse", { error: body });
    expect(body.code).toBe("model_not_found");
  });

  test("a 400 from the shared translation names the Responses parameter", async () => {
    const error = await sdk()
      .responses.create({
        model: "gpt-4o",
        input: "Hi",
        tools: [weather],
        text: { format: { type: "json_object" } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(((error as BadRequestError).error as { param: string }).param).toBe("text.format");
  });
});
