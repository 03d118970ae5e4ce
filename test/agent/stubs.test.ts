// Run-time stubs (CONTRACT §5 "Agent-test controls"), in-process (`gw.stubs`) and over HTTP
// (/admin/stubs): a sequence drives a tool loop on /v1 (official openai SDK) and on /prod/invoke, `times`
// expires, a cassette-scoped stub stays in its cassette, a stub's error and several tool calls.
import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
let client: OpenAI;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "anything", maxRetries: 0 });
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.stubs.clear();
  gw.clearRequests();
});

const tools: ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
  {
    type: "function",
    function: {
      name: "get_time",
      parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] },
    },
  },
];

/** The three replies of a two-step tool loop: one tool call, then two at once, then the final text. */
const LOOP = [
  { tool_call: { name: "get_weather", input: { city: "Paris" } } },
  {
    tool_calls: [
      { name: "get_time", input: { zone: "Europe/Paris" } },
      { name: "get_weather", input: { city: "Lyon" } },
    ],
  },
  { text: "Sunny in Paris and Lyon; it is noon." },
];

/** A minimal agent: call the model, run the tools it asks for, until it answers in text. */
async function runAgent(openai: OpenAI, question: string, headers: Record<string, string> = {}) {
  const messages: ChatCompletionMessageParam[] = [{ role: "user", content: question }];
  const toolNames: string[][] = [];
  for (let step = 0; step < 5; step++) {
    const reply = await openai.chat.completions.create({ model: "gpt-4o", messages, tools }, { headers });
    const message = reply.choices[0]!.message;
    if (message.tool_calls === undefined || message.tool_calls.length === 0)
      return { text: message.content, toolNames };
    toolNames.push(message.tool_calls.map((c) => (c.type === "function" ? c.function.name : c.type)));
    messages.push(message);
    for (const call of message.tool_calls)
      messages.push({ role: "tool", tool_call_id: call.id, content: `result of ${call.id}` });
  }
  throw new Error("the agent did not finish");
}

describe("a stub sequence drives a tool loop", () => {
  test("on /v1 with the openai SDK (in-process helper), journaled with the stub's id", async () => {
    const stub = gw.stubs.add({ id: "weather-loop", match: { last_user: "weather" }, sequence: LOOP });
    expect(stub).toMatchObject({ id: "weather-loop", times: 3, remaining: 3, calls: 0 });

    const result = await runAgent(client, "What is the weather in Paris?");
    expect(result.toolNames).toEqual([["get_weather"], ["get_time", "get_weather"]]);
    expect(result.text).toBe("Sunny in Paris and Lyon; it is noon.");

    const journal = gw.requests();
    expect(journal).toHaveLength(3);
    expect(journal.map((e) => e.stub)).toEqual(["weather-loop", "weather-loop", "weather-loop"]);
    expect(journal.every((e) => e.face === "chat" && e.status === 200 && e.team === "demo")).toBe(true);
    // Newest first: the last call carries the tool results of the second step.
    const newest = journal[0]!.body as { messages: { role: string }[] };
    expect(newest.messages.filter((m) => m.role === "tool")).toHaveLength(3);
    expect(gw.stubs.list()).toEqual([]); // used up: three replies, three calls
  });

  test("on /prod/invoke over HTTP (POST /admin/stubs)", async () => {
    const added = await fetch(`${gw.url}/admin/stubs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ match: { last_user: "weather" }, sequence: LOOP }),
    });
    expect(added.status).toBe(201);
    const { id } = (await added.json()) as { id: string };

    const invokeTools = tools.map((t) => ({
      name: t.type === "function" ? t.function.name : "",
      input_schema: t.type === "function" ? t.function.parameters : {},
    }));
    const messages: { role: string; content: unknown }[] = [
      { role: "user", content: "What is the weather in Paris?" },
    ];
    const seen: string[][] = [];
    let text: string | undefined;
    for (let step = 0; step < 5 && text === undefined; step++) {
      const res = await fetch(`${gw.url}/prod/invoke`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          team_id: "demo",
          api_token: "demo-token",
          model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
          max_tokens: 500,
          tools: invokeTools,
          messages,
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        content: ({ type: "text"; text: string } | { type: "tool_use"; id: string; name: string })[];
      };
      const uses = body.content.filter((b) => b.type === "tool_use");
      if (uses.length === 0) {
        text = body.content.find((b) => b.type === "text")?.text;
        break;
      }
      seen.push(uses.map((u) => u.name));
      messages.push({ role: "assistant", content: body.content });
      messages.push({
        role: "user",
        content: uses.map((u) => ({ type: "tool_result", tool_use_id: u.id, content: "ok" })),
      });
    }
    expect(seen).toEqual([["get_weather"], ["get_time", "get_weather"]]);
    expect(text).toBe("Sunny in Paris and Lyon; it is noon.");

    const journal = (await (await fetch(`${gw.url}/admin/requests?face=invoke`)).json()) as {
      data: { stub: string; face: string; cost_usd: number }[];
    };
    expect(journal.data.map((e) => e.stub)).toEqual([id, id, id]);
    expect(journal.data.every((e) => e.cost_usd > 0)).toBe(true);
  });
});

describe("stub lifetime and scope", () => {
  test("`times` expires: the call after the last answered is the simulator's own", async () => {
    gw.stubs.add({ match: { last_user: "^ping$" }, reply: { text: "stubbed pong" }, times: 2 });
    const ask = async () =>
      (
        await client.chat.completions.create({
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: "ping" }],
        })
      ).choices[0]!.message.content;
    expect(await ask()).toBe("stubbed pong");
    expect(gw.stubs.list()[0]).toMatchObject({ calls: 1, remaining: 1 });
    expect(await ask()).toBe("stubbed pong");
    expect(gw.stubs.list()).toEqual([]);
    expect(await ask()).not.toBe("stubbed pong");
    expect(gw.requests().map((e) => e.stub)).toEqual([null, expect.any(String), expect.any(String)]);
  });

  test("a cassette-scoped stub answers only requests carrying that X-Cassette", async () => {
    gw.stubs.add({ cassette: "suite-a", reply: { text: "only for suite-a" } });
    const ask = async (cassette?: string) =>
      (
        await client.chat.completions.create(
          { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] },
          cassette === undefined ? {} : { headers: { "X-Cassette": cassette } },
        )
      ).choices[0]!.message.content;
    expect(await ask("suite-a")).toBe("only for suite-a");
    expect(await ask("suite-b")).not.toBe("only for suite-a");
    expect(await ask()).not.toBe("only for suite-a");
    expect(gw.requests({ cassette: "suite-a" }).map((e) => e.cassette)).toEqual(["suite-a"]);
    expect(gw.requests({ cassette: "suite-b" })).toHaveLength(1);
    // Clearing one cassette's stubs leaves the others.
    gw.stubs.add({ cassette: "suite-b", reply: { text: "b" } });
    const deleted = await fetch(`${gw.url}/admin/stubs?cassette=suite-a`, { method: "DELETE" });
    expect(await deleted.json()).toEqual({ deleted: 1 });
    expect(gw.stubs.list().map((s) => s.cassette)).toEqual(["suite-b"]);
  });

  test("the newest matching stub wins; DELETE /admin/stubs/{id} removes one", async () => {
    gw.stubs.add({ id: "old", reply: { text: "old" } });
    gw.stubs.add({ id: "new", reply: { text: "new" } });
    const ask = async () =>
      (
        await client.chat.completions.create({
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: "hi" }],
        })
      ).choices[0]!.message.content;
    expect(await ask()).toBe("new");
    expect((await fetch(`${gw.url}/admin/stubs/new`, { method: "DELETE" })).status).toBe(200);
    expect(await ask()).toBe("old");
    const missing = await fetch(`${gw.url}/admin/stubs/new`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    const listed = (await (await fetch(`${gw.url}/admin/stubs`)).json()) as { data: { id: string }[] };
    expect(listed.data.map((s) => s.id)).toEqual(["old"]);
  });

  test("an error reply reaches the SDK as the typed error of that upstream answer", async () => {
    const message =
      "Bedrock error: An error occurred (ValidationException) when calling the InvokeModel operation: stubbed";
    gw.stubs.add({ reply: { error: { status: 500, body: { error: message } } }, times: 1 });
    const error = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(/stubbed/);
    expect(gw.requests()[0]).toMatchObject({ status: 400, stub: expect.stringMatching(/^stub-\d+$/) });
  });

  test("a bad stub is a 400 naming the problem; nothing is added", async () => {
    const res = await fetch(`${gw.url}/admin/stubs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ match: { last_user: "(" }, reply: { txt: "typo" } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe("invalid_stub");
    expect(body.error.message).toMatch(/reply: must be exactly one of/);
    expect(() => gw.stubs.add({ match: { last_user: "(" }, reply: { text: "x" } })).toThrow(
      /regular expression/,
    );
    expect(gw.stubs.list()).toEqual([]);
  });
});
