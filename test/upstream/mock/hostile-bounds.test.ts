// Bounded work per request (issue 19): a schema whose smallest instance is 10⁹ characters, or a
// 1.5 M-character "word", is answered like a model that runs out of tokens — on /v1 and /prod/invoke,
// over a real socket, while another request is served alongside. And the three bodies that used to end
// in the gateway's internal 500 get an answer or the proxy's documented error.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../../src/server/gateway.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { HAIKU3, invokeBody, TEAMS } from "./harness.ts";

let gw: Gateway;
beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock", mock: { teams: TEAMS } as never });
});
afterAll(() => gw.close());

const NESTED = {
  type: "array",
  minItems: 1000,
  items: { type: "array", minItems: 1000, items: { type: "string", minLength: 1000 } },
};
const WORD = `Tell me about ${"a".repeat(1_500_000)}`;
const MAX_TOKENS = 200;

/** The fields these tests read (the shapes themselves are checked by the contract suites). */
interface InvokeAnswer {
  content: { type: string; text: string; name?: string; input?: unknown }[];
  usage: { input_tokens: number; output_tokens: number };
  error?: string;
}
interface ChatAnswer {
  choices: { finish_reason: string; message: { content: string } }[];
  usage: { completion_tokens: number };
}

async function invoke(body: Record<string, unknown>): Promise<{ status: number; body: InvokeAnswer }> {
  const res = await fetch(`${gw.url}/prod/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as InvokeAnswer };
}

async function chat(body: Record<string, unknown>): Promise<{ status: number; body: ChatAnswer }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TEAMS[0]!.api_token}` },
    body: JSON.stringify({ model: HAIKU3, max_tokens: MAX_TOKENS, ...body }),
  });
  return { status: res.status, body: (await res.json()) as ChatAnswer };
}

/** The hostile request and an ordinary one, sent together: both must be answered. */
async function alongside<T>(hostile: Promise<T>): Promise<T> {
  const [answer, ordinary, health] = await Promise.all([
    hostile,
    invoke(invokeBody({ messages: [{ role: "user", content: "What is 2+2?" }] })),
    fetch(`${gw.url}/healthz`),
  ]);
  expect(ordinary.status).toBe(200);
  expect(ordinary.body.content[0]!.type).toBe("text");
  expect(health.status).toBe(200);
  return answer;
}

describe("a schema whose smallest instance cannot fit in max_tokens", () => {
  const format = { type: "json_schema", json_schema: { name: "grid", schema: NESTED } };

  test("/prod/invoke answers with max_tokens of its start, not after building it", async () => {
    const res = await alongside(invoke(invokeBody({ max_tokens: MAX_TOKENS, response_format: format })));
    expect(res.status).toBe(200);
    expect(res.body.usage.output_tokens).toBe(MAX_TOKENS);
    expect(res.body.content[0]!.text).toMatch(/^\[\["x+/);
  });

  test("/v1/chat/completions finishes with `length`", async () => {
    const res = await alongside(
      chat({ messages: [{ role: "user", content: "grid" }], response_format: format }),
    );
    expect(res.status).toBe(200);
    expect(res.body.choices[0]!.finish_reason).toBe("length");
    expect(res.body.usage.completion_tokens).toBe(MAX_TOKENS);
  });

  test("a tool whose input cannot fit is called with what fits (nothing) and stops at max_tokens", async () => {
    const tool = {
      name: "grid",
      description: "grid",
      input_schema: { type: "object", properties: { g: NESTED }, required: ["g"] },
    };
    const res = await alongside(
      invoke(
        invokeBody({ max_tokens: MAX_TOKENS, tools: [tool], tool_choice: { type: "tool", name: "grid" } }),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.content).toEqual([
      expect.objectContaining({ type: "tool_use", name: "grid", input: {} }),
    ]);
    expect(res.body.usage.output_tokens).toBe(MAX_TOKENS);
  });

  test("a tool input that fits at its smallest but not as written (a long enum value) also stops there", async () => {
    const long = `Tell me about ${"a".repeat(20_000)}`;
    const tool = {
      name: "pick",
      description: "pick",
      input_schema: { type: "object", properties: { p: { enum: ["ok", long] } }, required: ["p"] },
    };
    // Each question its own seed: the faker picks either value.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        invoke(
          invokeBody({
            max_tokens: MAX_TOKENS,
            messages: [{ role: "user", content: `Pick one (${i})` }],
            tools: [tool],
            tool_choice: { type: "tool", name: "pick" },
          }),
        ),
      ),
    );
    const inputs = answers.map((res) => res.body.content[0]?.input as { p?: string });
    expect(inputs.filter((input) => input.p === undefined).length).toBeGreaterThan(0);
    for (const [i, res] of answers.entries()) {
      expect(res.status).toBe(200);
      if (inputs[i]?.p === "ok") continue;
      expect(inputs[i]).toEqual({});
      expect(res.body.usage.output_tokens).toBe(MAX_TOKENS);
    }
  });

  test("an enum value longer than any prompt, or 20,000 enum values, is answered (was a 500)", async () => {
    for (const values of [
      ["ok", "v".repeat(100_000)],
      Array.from({ length: 20_000 }, (_, i) => `value${i}`),
    ]) {
      const tool = {
        name: "pick",
        description: "pick",
        input_schema: { type: "object", properties: { p: { enum: values } }, required: ["p"] },
      };
      const res = await invoke(
        invokeBody({ max_tokens: MAX_TOKENS, tools: [tool], tool_choice: { type: "tool", name: "pick" } }),
      );
      expect(res.status).toBe(200);
      expect(res.body.content[0]).toMatchObject({ type: "tool_use", name: "pick" });
    }
  });
});

describe("a 1.5 M-character word", () => {
  test("/prod/invoke answers prose that does not repeat it", async () => {
    const res = await alongside(invoke(invokeBody({ messages: [{ role: "user", content: WORD }] })));
    expect(res.status).toBe(200);
    expect(res.body.content[0]!.text.length).toBeLessThan(10_000);
    expect(res.body.usage.input_tokens).toBeGreaterThan(1000);
  });

  test("/v1/chat/completions too", async () => {
    const res = await alongside(chat({ messages: [{ role: "user", content: WORD }] }));
    expect(res.status).toBe(200);
    expect(res.body.choices[0]!.message.content.length).toBeLessThan(10_000);
  });
});

describe("bodies that used to be the gateway's internal 500", () => {
  test("a tool_result without content is an ordinary turn", async () => {
    const res = await invoke(
      invokeBody({
        messages: [
          { role: "user", content: "What is the weather?" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "weather", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1" }] },
        ],
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.content[0]!.type).toBe("text");
  });

  test("1,000 required properties of minLength 20000: Bedrock's validation error", async () => {
    const properties = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`p${i}`, { type: "string", minLength: 20_000 }]),
    );
    const tool = {
      name: "form",
      input_schema: { type: "object", properties, required: Object.keys(properties) },
    };
    const res = await invoke(invokeBody({ tools: [tool], tool_choice: { type: "any" } }));
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/ValidationException.*too demanding/);
  });

  test("a non-string $id: Bedrock's validation error naming it", async () => {
    const schema = { $id: 5, type: "object", properties: { a: { type: "string" } } };
    const res = await invoke(
      invokeBody({ response_format: { type: "json_schema", json_schema: { name: "x", schema } } }),
    );
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/ValidationException.*\$id must be a string/);
  });

  test("a property named $id or id is a name, not an identifier", async () => {
    const schema = {
      type: "object",
      properties: { id: { type: "integer" }, $id: { type: "string" } },
      required: ["id", "$id"],
    };
    const res = await invoke(
      invokeBody({ response_format: { type: "json_schema", json_schema: { name: "x", schema } } }),
    );
    expect(res.status).toBe(200);
    expect(Object.keys(JSON.parse(res.body.content[0]!.text as string) as object).sort()).toEqual([
      "$id",
      "id",
    ]);
  });
});
