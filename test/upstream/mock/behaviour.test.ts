// Model behaviour per family, tool_choice semantics, structured output and deterministic fakes,
// exercised over HTTP like a client would.
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createSchemaFaker } from "../../../src/upstream/mock/schema-data.ts";
import { countText } from "../../../src/upstream/mock/tokens.ts";
import { invokeBody, mockApp } from "./harness.ts";
import { loadCorpus } from "./schema-corpus.ts";

const { app } = mockApp();
const invoke = (extra: Record<string, unknown>) => request(app).post("/prod/invoke").send(invokeBody(extra));
const validatorFor = (schema: unknown) => {
  const v = createSchemaFaker().validator(schema);
  if (typeof v === "string") throw new Error(v);
  return v;
};

const weather = {
  name: "get_weather",
  description: "Get the current weather for a city",
  input_schema: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
    required: ["city"],
    additionalProperties: false,
  },
};
const stocks = {
  name: "get_stock_price",
  description: "Look up a stock price by ticker symbol",
  input_schema: {
    type: "object",
    properties: { ticker: { type: "string", pattern: "^[A-Z]{1,5}$" } },
    required: ["ticker"],
  },
};
const tools = [stocks, weather];
const askWeather = [{ role: "user", content: "What's the weather like in Paris today?" }];

describe("text answers", () => {
  it("are plausible prose: sentences, not lorem ipsum, not an echo", async () => {
    const res = await invoke({
      messages: [{ role: "user", content: "How should I plan a database migration?" }],
    });
    const text: string = res.body.content[0].text;
    expect(res.body.content).toHaveLength(1);
    expect(text).toMatch(/^[A-Z][^]*[.!?]$/);
    expect(text.toLowerCase()).not.toContain("lorem");
    expect(text).not.toContain("How should I plan a database migration?");
    expect(text.split(/[.!?]\s/).length).toBeGreaterThan(1);
  });

  it("count output tokens over the returned text and stay within max_tokens", async () => {
    for (const max of [1, 5, 40, 300, 2000]) {
      const res = await invoke({
        max_tokens: max,
        messages: [{ role: "user", content: `Explain caching strategies (${max})` }],
      });
      expect(res.body.usage.output_tokens).toBeLessThanOrEqual(max);
      expect(res.body.usage.output_tokens).toBeGreaterThan(0);
      if (res.body.usage.output_tokens < max)
        expect(res.body.usage.output_tokens).toBe(countText(res.body.content[0].text));
    }
  });

  it("report output_tokens equal to the tokenizer's count of the returned text", async () => {
    for (let i = 0; i < 40; i++) {
      const res = await invoke({
        max_tokens: 4000,
        messages: [{ role: "user", content: `Describe ocean currents and climate, part ${i}` }],
      });
      expect(res.body.usage.output_tokens).toBe(countText(res.body.content[0].text));
    }
  });

  it("truncate exactly at max_tokens (the stop_reason-equivalent of 'length')", async () => {
    const res = await invoke({ max_tokens: 10 });
    expect(res.body.usage.output_tokens).toBe(10);
  });

  it("are deterministic: same request and seed → same bytes (quota aside)", async () => {
    const strip = (body: { metadata: Record<string, unknown> }) =>
      JSON.stringify({ ...body, metadata: { ...body.metadata, remaining_quota: null } });
    const a = await invoke({ messages: [{ role: "user", content: "Tell me about volcanoes" }] });
    const b = await invoke({ messages: [{ role: "user", content: "Tell me about volcanoes" }] });
    expect(strip(b.body)).toBe(strip(a.body));
    const other = mockApp({ mock: { seed: 99 } });
    const c = await request(other.app)
      .post("/prod/invoke")
      .send(invokeBody({ messages: [{ role: "user", content: "Tell me about volcanoes" }] }));
    expect(c.body.content[0].text).not.toBe(a.body.content[0].text);
  });

  it("stop at the first stop sequence (families that take stop_sequences)", async () => {
    const res = await invoke({ max_tokens: 2000, stop_sequences: ["."] });
    const text = res.body.content[0].text as string;
    expect(text.length).toBeGreaterThan(10);
    expect(text).not.toContain(".");
    expect(res.body.usage.output_tokens).toBe(countText(text));
  });

  it("Llama answers start with a space, like raw completions", async () => {
    const res = await invoke({ model: "us.meta.llama3-3-70b-instruct-v1:0" });
    expect(res.body.content[0].text).toMatch(/^ \S/);
  });

  it("DeepSeek R1 thinks inline in <think>…</think> before answering", async () => {
    const res = await invoke({ model: "us.deepseek.r1-v1:0" });
    expect(res.body.content[0].text).toMatch(/^<think>\n[^]+\n<\/think>\n\n\S/);
  });
});

describe("tool use", () => {
  it("Claude calls the tool the user asks about, with a toolu_bdrk_ id and a valid input", async () => {
    const res = await invoke({ messages: askWeather, tools, tool_choice: "auto" });
    expect(res.status).toBe(200);
    const [block] = res.body.content;
    expect(block).toMatchObject({ type: "tool_use", name: "get_weather" });
    expect(block.id).toMatch(/^toolu_bdrk_01[0-9A-Za-z]{22}$/);
    expect(validatorFor(weather.input_schema)(block.input)).toBe(true);
  });

  it.each([["us.amazon.nova-pro-v1:0"], ["us.deepseek.r1-v1:0"]])(
    "%s uses tools natively too",
    async (model) => {
      const res = await invoke({ model, messages: askWeather, tools });
      expect(res.body.content[0].type).toBe("tool_use");
    },
  );

  it.each([["us.meta.llama3-3-70b-instruct-v1:0"], ["mistral.mistral-large-2402-v1:0"]])(
    "%s ignores tools and answers text",
    async (model) => {
      const res = await invoke({ model, messages: askWeather, tools, tool_choice: "any" });
      expect(res.status).toBe(200);
      expect(res.body.content).toEqual([{ type: "text", text: expect.any(String) }]);
    },
  );

  it.each([["auto"], [{ type: "auto" }]])(
    "tool_choice %j answers text when no tool relates to the question",
    async (choice) => {
      const res = await invoke({
        messages: [{ role: "user", content: "Write a haiku about autumn leaves" }],
        tools,
        tool_choice: choice,
      });
      expect(res.body.content[0].type).toBe("text");
    },
  );

  it("does not take the tools a folded system prompt describes for the user's question (auto)", async () => {
    // A system prompt folded into the first user turn (and Claude Code's reminders) names every tool;
    // the question is the turn's last text block.
    const folded = {
      role: "user",
      content: [
        {
          type: "text",
          text: "You can get the current weather for a city and look up a stock price by ticker.",
        },
        { type: "text", text: "Write a haiku about autumn leaves" },
      ],
    };
    const res = await invoke({ messages: [folded], tools, tool_choice: "auto" });
    expect(res.body.content.map((b: { type: string }) => b.type)).toEqual(["text"]);
  });

  it.each([["any"], ["required"], [{ type: "any" }]])("tool_choice %j forces a call", async (choice) => {
    const res = await invoke({
      messages: [{ role: "user", content: "Write a haiku about autumn leaves" }],
      tools,
      tool_choice: choice,
    });
    expect(res.body.content[0].type).toBe("tool_use");
  });

  it("tool_choice {type: tool, name} calls that tool", async () => {
    const res = await invoke({
      messages: askWeather,
      tools,
      tool_choice: { type: "tool", name: "get_stock_price" },
    });
    expect(res.body.content[0]).toMatchObject({ type: "tool_use", name: "get_stock_price" });
    expect(res.body.content[0].input.ticker).toMatch(/^[A-Z]{1,5}$/);
  });

  it.each([["none"], [{ type: "none" }]])("tool_choice %j forbids a call", async (choice) => {
    const res = await invoke({ messages: askWeather, tools, tool_choice: choice });
    expect(res.body.content[0].type).toBe("text");
  });

  it("calls every tool the question names in one turn (parallel tool use), unless disabled", async () => {
    const both = [{ role: "user", content: "What's the weather in Paris and the stock price of AAPL?" }];
    const res = await invoke({ messages: both, tools });
    expect(res.body.content.map((b: { type: string; name: string }) => [b.type, b.name])).toEqual([
      ["tool_use", "get_stock_price"],
      ["tool_use", "get_weather"],
    ]);
    expect(new Set(res.body.content.map((b: { id: string }) => b.id)).size).toBe(2);
    const single = await invoke({
      messages: both,
      tools,
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
    });
    expect(single.body.content).toHaveLength(1);
  });

  it("answers in text after a tool_result (auto)", async () => {
    const messages = [
      ...askWeather,
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "toolu_bdrk_01abc", name: "get_weather", input: { city: "Paris" } },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_bdrk_01abc", content: "18°C and sunny" }],
      },
    ];
    const res = await invoke({ messages, tools });
    expect(res.status).toBe(200);
    expect(res.body.content[0].type).toBe("text");
  });

  it("counts tools into the input tokens", async () => {
    const bare = await invoke({ messages: askWeather });
    const withTools = await invoke({ messages: askWeather, tools, tool_choice: "none" });
    expect(withTools.body.usage.input_tokens).toBeGreaterThan(bare.body.usage.input_tokens + 20);
  });

  it("generates a valid input for every tool of the corpus", async () => {
    for (const entry of loadCorpus().filter((e) => e.kind === "tool")) {
      const tool = { name: entry.name, description: entry.description ?? "", input_schema: entry.schema };
      const res = await invoke({
        tools: [tool],
        tool_choice: { type: "tool", name: entry.name },
        max_tokens: 4096,
      });
      expect(res.status, entry.file).toBe(200);
      expect(validatorFor(entry.schema)(res.body.content[0].input), entry.file).toBe(true);
    }
  });
});

describe("structured output (response_format)", () => {
  const schema = loadCorpus().find((e) => e.file === "pydantic/person.json")!.schema;

  it.each([
    [
      "the documented json_schema form",
      { type: "json_schema", json_schema: { name: "Person", strict: true, schema } },
    ],
    ["the form without type", { json_schema: { name: "Person", schema } }],
    ["a bare Pydantic schema", schema],
  ])("answers one text block of valid JSON for %s", async (_name, responseFormat) => {
    const res = await invoke({ response_format: responseFormat });
    expect(res.status).toBe(200);
    expect(res.body.content).toHaveLength(1);
    expect(res.body.content[0].type).toBe("text");
    expect(validatorFor(schema)(JSON.parse(res.body.content[0].text))).toBe(true);
  });

  it("a prompt-only JSON mode (how json_object reaches Llama) gets a JSON object", async () => {
    const res = await invoke({
      model: "us.meta.llama3-3-70b-instruct-v1:0",
      messages: [{ role: "user", content: "Reply with one valid JSON object and nothing else.\n\nA cat" }],
    });
    expect(JSON.parse(res.body.content[0].text)).toBeTypeOf("object");
  });

  it("answers valid JSON for every schema of the corpus", async () => {
    for (const entry of loadCorpus().filter((e) => e.kind === "schema")) {
      const res = await invoke({
        response_format: { type: "json_schema", json_schema: { name: "out", schema: entry.schema } },
        max_tokens: 4096,
      });
      expect(res.status, entry.file).toBe(200);
      expect(validatorFor(entry.schema)(JSON.parse(res.body.content[0].text)), entry.file).toBe(true);
    }
  });

  it.each([["json"], [42], [[1, 2]]])(
    "answers a Bedrock 500 for response_format %j",
    async (responseFormat) => {
      const res = await invoke({ response_format: responseFormat });
      expect(res.status).toBe(500);
      expect(res.body.error).toMatch(/ValidationException/);
    },
  );

  it("answers a Bedrock 500 for a schema that is not a schema", async () => {
    const res = await invoke({
      response_format: { json_schema: { name: "x", schema: { type: "nonsense" } } },
    });
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/ValidationException/);
  });
});
