// The README's "Testing agents" vitest example, as printed there (only the import path and layout differ;
// test/readme/snippets.test.ts checks that they stay the same): a stub sequence drives a two-step tool
// loop in-process and the test asserts on the journal.
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startGateway, type Gateway } from "../../src/index.ts";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ mode: "mock", port: 0 });
});
afterAll(() => gw.close());

/** The code under test: call the model, run the tools it asks for, until it answers in text. */
async function weatherAgent(client: OpenAI, question: string): Promise<string | null> {
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: "function",
      function: {
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
    },
  ];
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: question }];
  for (;;) {
    const { message } = (await client.chat.completions.create({ model: "gpt-4o", messages, tools }))
      .choices[0]!;
    if (!message.tool_calls?.length) return message.content;
    messages.push(message);
    for (const call of message.tool_calls)
      messages.push({ role: "tool", tool_call_id: call.id, content: '{"sky": "clear", "celsius": 21}' });
  }
}

test("the agent calls get_weather, then answers from its result", async () => {
  gw.stubs.add({
    match: { last_user: "weather" },
    sequence: [
      { tool_call: { name: "get_weather", input: { city: "Paris" } } },
      { text: "Clear skies and 21 °C in Paris." },
    ],
  });
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "anything" });

  expect(await weatherAgent(client, "What's the weather in Paris?")).toBe("Clear skies and 21 °C in Paris.");

  const journal = gw.requests({ face: "chat" }); // newest first
  expect(journal.map((entry) => entry.stub)).toEqual(["stub-1", "stub-1"]);
  expect((journal[0]!.body as { messages: unknown[] }).messages.at(-1)).toMatchObject({ role: "tool" });
});
