// The plain-asks table of tasks.ts, a test per row, how a task meets the prompt's format instruction, and
// the answers through the official SDKs of two faces over a real socket.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../../src/server/gateway.ts";
import { readInstruction } from "../../../src/upstream/mock/instructions.ts";
import { createRng } from "../../../src/upstream/mock/random.ts";
import { TASKS, plainAnswer } from "../../../src/upstream/mock/tasks.ts";
import { startTestGateway } from "../../helpers/gateway.ts";

const answer = (question: string): string | undefined =>
  plainAnswer(question, createRng(7), readInstruction(question));

/** Per row of TASKS: questions it answers, and what the answer must contain (or equal, for strings). */
const ROWS: Record<string, [string, string | RegExp][]> = {
  "my name is Alice": [
    ["My name is Alice", "Nice to meet you, Alice! How can I help you today?"],
    ["Hi, I'm Bob!", "Nice to meet you, Bob! How can I help you today?"],
  ],
  "what's my name?": [["What's my name?", "You haven't told me your name yet."]],
  "repeat after me: X": [
    ["Repeat after me: banana split", "banana split"],
    ['Echo this: "the cat sat"', "the cat sat"],
  ],
  "say hello": [
    ["Say hello", "Hello!"],
    ["say hi to Bob.", "Hi, Bob!"],
    ["Please say goodbye", "Goodbye!"],
  ],
  "count to N": [
    ["Count to 5", "1, 2, 3, 4, 5"],
    ["count from 3 to 6", "3, 4, 5, 6"],
    ["Count down from 3", "3, 2, 1"],
    ["Count to 1000000", /^1, 2, .*, 100$/],
  ],
  "what is 2+2?": [
    ["What is 2+2?", /\b4\b/],
    ["Calculate 12 * 3 + 4", /\b40\b/],
  ],
  "the capital of France": [
    ["What is the capital of France?", "The capital of France is Paris."],
    ["capital of the UK", /London/],
  ],
  "name three fruits": [
    ["Name three fruits", "Apple, banana and orange."],
    ["Give me 2 programming languages", "Python and JavaScript."],
  ],
  "a haiku about X": [["Write a haiku about the sea", /^[^\n]+\nSea [^\n]+\n[^\n]+$/]],
  "tell me a joke": [["Tell me a joke", /\?|:/]],
  "write a Python function that X": [
    [
      "Write a Python function that adds two numbers",
      /^Here is a starting point:\n\n```python\ndef adds_two_numbers\(\*args, \*\*kwargs\):\n/,
    ],
    ["Write a JS function to reverse a string.", /```javascript\n[\s\S]*function reverseAString\(/],
    ["write an SQL query", /```sql\n-- [^\n]+\nSELECT/],
  ],
};

describe("tasks.ts: each row answers its plain asks", () => {
  it("has a test for every row", () => {
    expect(Object.keys(ROWS).sort()).toEqual(TASKS.map((t) => t.name).sort());
  });
  for (const [row, cases] of Object.entries(ROWS)) {
    for (const [question, expected] of cases) {
      it(`${row}: ${JSON.stringify(question)}`, () => {
        const said = answer(question);
        if (typeof expected === "string") expect(said).toBe(expected);
        else expect(said).toMatch(expected);
      });
    }
  }
});

describe("tasks.ts: what is not a plain ask, and format instructions", () => {
  it("answers a greeting, thanks and goodbye in kind", () => {
    expect(answer("hi")).toMatch(/^(Hello|Hi there)!/);
    expect(answer("thanks!")).toMatch(/welcome/);
    expect(answer("bye")).toMatch(/^Goodbye/);
    expect(answer("Hello, how are you?")).toMatch(/^I'm doing well/);
  });
  it("remembers the name an earlier turn gave (the guide's multi-turn example)", () => {
    const said = plainAnswer(
      "What's my name?",
      createRng(1),
      undefined,
      () => "My name is Alice\nWhat's my name?",
    );
    expect(said).toBe("Your name is Alice.");
  });
  it("leaves open questions, unknown countries and long prompts to the prose", () => {
    expect(answer("Explain recursion")).toBeUndefined();
    expect(answer("What is the capital of Atlantis?")).toBeUndefined();
    expect(answer(`${"context ".repeat(60)} Count to 5`)).toBeUndefined();
  });
  it("keeps a word limit, lists known kinds as bullets, and yields to other instructions", () => {
    expect(answer("Say hello in 3 words")).toBe("Hello!");
    expect(answer("Tell me a joke in 3 words")).toBeUndefined();
    expect(answer("List three colors")).toBe("- Red\n- Blue\n- Green");
    expect(answer("Say hello. Answer yes or no")).toBeUndefined();
  });
});

describe("plain asks over the wire", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startTestGateway({ mode: "mock" });
  });
  afterAll(() => gw.close());

  it("the openai SDK on /v1/chat/completions gets the count", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "demo:demo-token", maxRetries: 0 });
    const done = await client.chat.completions.create({
      model: "claude-haiku",
      messages: [{ role: "user", content: "Count to 5" }],
    });
    expect(done.choices[0]?.message.content).toBe("1, 2, 3, 4, 5");
  });

  it("the Anthropic SDK on /v1/messages gets the sum, streamed", async () => {
    const client = new Anthropic({ baseURL: gw.url, apiKey: "demo:demo-token", maxRetries: 0 });
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "What is 17 + 25?" }],
    });
    const message = await stream.finalMessage();
    expect(message.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual(["The answer is 42."]);
  });
});
