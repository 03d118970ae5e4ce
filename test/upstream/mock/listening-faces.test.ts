// Issue 16's corpus through every face that exists, over a real socket: /prod/invoke with raw HTTP (how
// the proxy's own clients call it) and /v1/chat/completions with the official openai SDK. Every tool
// input and structured output is checked against its schema, and so is every schema of the 61-schema
// corpus when the prompt is full of values to take.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../../src/server/gateway.ts";
import { createSchemaFaker } from "../../../src/upstream/mock/schema-data.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { CASES, type ListeningCase, type Tool } from "./listening-corpus.ts";
import { loadCorpus } from "./schema-corpus.ts";

const HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0";
const faker = createSchemaFaker();

interface Said {
  text: string;
  calls: { name: string; input: Record<string, unknown> }[];
}

type Face = (c: ListeningCase) => Promise<Said>;

let gw: Gateway;
let client: OpenAI;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "any", maxRetries: 0 });
});
afterAll(() => gw.close());

function invokeBody(c: ListeningCase): Record<string, unknown> {
  const messages: unknown[] = [{ role: "user", content: c.prompt }];
  if (c.toolResult !== undefined && c.tools?.[0] !== undefined) {
    const id = "toolu_bdrk_01corpus";
    messages.push(
      {
        role: "assistant",
        content: [{ type: "tool_use", id, name: c.tools[0].name, input: c.toolResult.input }],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: c.toolResult.result }] },
    );
  }
  const choice = c.toolChoice;
  return {
    model: c.model ?? HAIKU,
    max_tokens: 2048,
    messages,
    ...(c.system === undefined ? {} : { system: c.system }),
    ...(c.tools === undefined ? {} : { tools: c.tools }),
    ...(choice === undefined
      ? {}
      : { tool_choice: typeof choice === "string" ? { type: choice } : { type: "tool", ...choice } }),
    ...(c.schema === undefined
      ? {}
      : {
          response_format: {
            type: "json_schema",
            json_schema: { name: "out", schema: c.schema === "json_object" ? { type: "object" } : c.schema },
          },
        }),
  };
}

const viaInvoke: Face = async (c) => {
  const res = await fetch(`${gw.url}/prod/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-team-id": "demo", "x-api-token": "demo-token" },
    body: JSON.stringify(invokeBody(c)),
  });
  const body = (await res.json()) as {
    content: { type: string; text?: string; name?: string; input?: Record<string, unknown> }[];
  };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return {
    text: body.content.flatMap((b) => (b.type === "text" ? [b.text ?? ""] : [])).join(""),
    calls: body.content.flatMap((b) =>
      b.type === "tool_use" ? [{ name: b.name ?? "", input: b.input ?? {} }] : [],
    ),
  };
};

const openAITool = (t: Tool) => ({
  type: "function" as const,
  function: { name: t.name, description: t.description, parameters: t.input_schema },
});

const viaChat: Face = async (c) => {
  const messages: OpenAI.ChatCompletionMessageParam[] = [];
  if (c.system !== undefined) messages.push({ role: "system", content: c.system });
  messages.push({ role: "user", content: c.prompt });
  if (c.toolResult !== undefined && c.tools?.[0] !== undefined) {
    const call = {
      id: "call_corpus",
      type: "function" as const,
      function: { name: c.tools[0].name, arguments: JSON.stringify(c.toolResult.input) },
    };
    messages.push(
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: call.id, content: c.toolResult.result },
    );
  }
  const choice = c.toolChoice;
  const completion = await client.chat.completions.create({
    model: c.model ?? HAIKU,
    max_tokens: 2048,
    messages,
    ...(c.tools === undefined ? {} : { tools: c.tools.map(openAITool) }),
    ...(choice === undefined
      ? {}
      : {
          tool_choice:
            typeof choice === "string"
              ? choice === "any"
                ? ("required" as const)
                : choice
              : { type: "function" as const, function: { name: choice.name } },
        }),
    ...(c.schema === undefined
      ? {}
      : {
          response_format:
            c.schema === "json_object"
              ? { type: "json_object" as const }
              : { type: "json_schema" as const, json_schema: { name: "out", schema: c.schema } },
        }),
  });
  const message = completion.choices[0]?.message;
  return {
    text: message?.content ?? "",
    calls: (message?.tool_calls ?? []).flatMap((t) =>
      t.type === "function"
        ? [{ name: t.function.name, input: JSON.parse(t.function.arguments) as Record<string, unknown> }]
        : [],
    ),
  };
};

function validAgainst(schema: unknown, value: unknown, what: string): void {
  const validate = faker.validator(schema);
  if (typeof validate === "string") throw new Error(validate);
  expect(validate(value), `${what}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

function judge(c: ListeningCase, said: Said): void {
  const { expect: want } = c;
  const text = said.text.trim();
  if (want.calls !== undefined) {
    expect(said.calls.map((k) => k.name)).toEqual(want.calls.map((k) => k.name));
    for (const [i, call] of want.calls.entries()) {
      const made = said.calls[i];
      if (call.exact === true) expect(made?.input).toEqual(call.input);
      else expect(made?.input).toMatchObject(call.input ?? {});
      const schema = c.tools?.find((t) => t.name === call.name)?.input_schema;
      validAgainst(schema, made?.input, `${c.name}: input of ${call.name}`);
    }
    return;
  }
  expect(said.calls, `${c.name}: no tool call`).toEqual([]);
  if (want.json !== undefined) {
    const value = JSON.parse(text) as unknown;
    expect(value).toMatchObject(want.json);
    if (typeof c.schema === "object") validAgainst(c.schema, value, c.name);
    return;
  }
  if (typeof want.text === "string") expect(text).toBe(want.text);
  else if (want.text !== undefined) expect(text).toMatch(want.text);
  if (want.oneOf !== undefined) expect(want.oneOf).toContain(text);
  want.check?.(text);
}

const FACES: [string, Face][] = [
  ["/prod/invoke", viaInvoke],
  ["/v1/chat/completions", viaChat],
];

it("the corpus holds at least 60 prompts", () => {
  expect(CASES.length).toBeGreaterThanOrEqual(60);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

describe.each(FACES)("a mock that listens on %s", (_face, send) => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    judge(c, await send(c));
  });
});

/** A prompt full of values a schema could take: names, places, dates, e-mails, numbers with units. */
const RICH =
  'Extract everything: Maria Garcia (maria@example.com, +1 555 123 4567), 42 years old, lives in Madrid. She ordered 3 laptops at $999.99 on March 5, 2026 at 3pm, rated it 4 out of 5 and said "works great". Flight from London to Tokyo for 2 passengers. https://example.com/order/42';

describe.each(FACES)("the 61-schema corpus stays valid with values from the prompt on %s", (_face, send) => {
  it.each(loadCorpus().map((e) => [e.file, e] as const))("%s", async (_file, entry) => {
    const c: ListeningCase =
      entry.kind === "tool"
        ? {
            name: entry.file,
            prompt: RICH,
            tools: [{ name: entry.name, description: entry.description ?? "", input_schema: entry.schema }],
            toolChoice: { name: entry.name },
            expect: {},
          }
        : { name: entry.file, prompt: RICH, schema: entry.schema, expect: {} };
    const said = await send(c);
    if (entry.kind === "tool") validAgainst(entry.schema, said.calls[0]?.input, entry.file);
    else validAgainst(entry.schema, JSON.parse(said.text), entry.file);
  });
});
