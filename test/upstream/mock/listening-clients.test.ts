// The clients issue 16 names, with the same prompts, unmodified, against mock mode: a PASSED/FAILED
// verifier and a "success" connection test (the openai Python SDK on /v1, the proxy's own Python way —
// a JSON POST with credentials in the body — on /prod/invoke) now take their success branch. Plus
// tool emulation: Llama with translation.tool_emulation gets a real tool call, then answers from it.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../../src/server/gateway.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { pythonClients, runPython } from "../../helpers/python.ts";

const py = pythonClients();
let gw: Gateway;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock", translation: { tool_emulation: true } });
});
afterAll(() => gw.close());

const VERIFIER = String.raw`
import os, sys
from openai import OpenAI
client = OpenAI(base_url=os.environ["BASE"] + "/v1", api_key="anything")
def verify(expected, actual):
    prompt = (f"Compare the expected output with the actual output.\nExpected: {expected}\nActual: {actual}\n"
              "Respond with only PASSED or FAILED.")
    r = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], max_tokens=10)
    verdict = r.choices[0].message.content.strip().upper()
    return verdict == "PASSED"
print("success branch" if verify("4", "4") else "failure branch")
`;

const CONNECTION_TEST = String.raw`
import json, os, urllib.request
def test_connection(model):
    body = {"team_id": "demo", "api_token": "demo-token", "model": model, "max_tokens": 20,
            "messages": [{"role": "user", "content": "Respond with just the word 'success'"}]}
    req = urllib.request.Request(os.environ["BASE"] + "/prod/invoke", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as res:
        text = json.load(res)["content"][0]["text"]
    return "success" in text.lower()
for model in ["us.anthropic.claude-3-haiku-20240307-v1:0", "us.meta.llama3-3-70b-instruct-v1:0", "us.amazon.nova-micro-v1:0"]:
    print(model, "connected" if test_connection(model) else "NOT connected")
`;

/** Labelling code as a notebook writes it: the options listed right after the verb, no "only". */
const LABELS = String.raw`
import json, os
from openai import OpenAI
client = OpenAI(base_url=os.environ["BASE"] + "/v1", api_key="anything")
def ask(messages):
    r = client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=400)
    return r.choices[0].message.content.strip()
sentiment = ask([{"role": "user", "content":
    "Classify the sentiment of this review: 'I love this product, it works great!' Answer positive, negative or neutral."}])
spam = ask([{"role": "user", "content": "Label it as spam or ham: 'WIN a FREE cruise, click now!!!'"}])
ok = ask([{"role": "system", "content": "You are a health check. Reply only with OK."}, {"role": "user", "content": "ping"}])
dogs = ask([{"role": "system", "content": "You are a helpful assistant that speaks like a pirate."},
    {"role": "user", "content": "Tell me about dogs"}])
import re
reply = ask([{"role": "user", "content": "Write a Python function that adds two numbers"}])
block = re.search(r"\x60\x60\x60python\n(.*?)\x60\x60\x60", reply, re.S)
compile(block.group(1), "answer.py", "exec")  # what a code-extraction pipeline does next
print(json.dumps({"sentiment": sentiment, "spam": spam, "ok": ok, "dogs": dogs, "code": block.group(1)}))
`;

describe.skipIf(py.skip !== undefined)("public Python clients that branch on answers", () => {
  it("a PASSED/FAILED verifier (openai SDK, /v1) takes its success branch", async () => {
    const out = await runPython(py.python!, VERIFIER, { BASE: gw.url });
    expect(out.trim()).toBe("success branch");
  }, 120_000);

  it("a 'success' connection test (JSON POST, /prod/invoke) connects on every family", async () => {
    const out = await runPython(py.python!, CONNECTION_TEST, { BASE: gw.url });
    expect(out.trim().split("\n")).toEqual([
      "us.anthropic.claude-3-haiku-20240307-v1:0 connected",
      "us.meta.llama3-3-70b-instruct-v1:0 connected",
      "us.amazon.nova-micro-v1:0 connected",
    ]);
  }, 120_000);

  it("bare-list labels, a system 'Reply only with OK', prose on the question, a code block (openai SDK)", async () => {
    const out = await runPython(py.python!, LABELS, { BASE: gw.url });
    const answers = JSON.parse(out) as {
      sentiment: string;
      spam: string;
      ok: string;
      dogs: string;
      code: string;
    };
    expect(answers).toMatchObject({ sentiment: "positive", ok: "OK" });
    expect(["spam", "ham"]).toContain(answers.spam);
    // Prose is about the question, not the words of the system prompt folded in front of it.
    expect(answers.dogs).toMatch(/\bdogs\b/i);
    expect(answers.dogs).not.toMatch(/helpful|speaks|pirate/i);
    // A code request gets a fenced block that compiles (the script compiled it).
    expect(answers.code).toMatch(/^def adds_two_numbers\(/);
  }, 120_000);
});

describe("tool emulation for Llama, written by the simulator", () => {
  const LLAMA = "us.meta.llama3-3-70b-instruct-v1:0";
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "Get the current weather in a given location",
        parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
      },
    },
  ];

  it("calls the tool with the prompt's value, then answers from the result", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "any", maxRetries: 0 });
    const question: OpenAI.ChatCompletionMessageParam = {
      role: "user",
      content: "What's the weather in Paris?",
    };
    const first = await client.chat.completions.create({
      model: LLAMA,
      max_tokens: 200,
      tools,
      messages: [question],
    });
    const message = first.choices[0]?.message;
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    const call = message?.tool_calls?.[0];
    expect(call?.type === "function" ? call.function.name : undefined).toBe("get_weather");
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({
      location: "Paris",
    });

    const second = await client.chat.completions.create({
      model: LLAMA,
      max_tokens: 200,
      tools,
      messages: [
        question,
        { role: "assistant", content: null, tool_calls: message?.tool_calls ?? [] },
        { role: "tool", tool_call_id: call?.id ?? "", content: "18°C and sunny" },
      ],
    });
    expect(second.choices[0]?.message.tool_calls ?? []).toEqual([]);
    expect(second.choices[0]?.message.content).toContain("18°C and sunny");
  });

  it("answers a greeting in text", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "any", maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: LLAMA,
      max_tokens: 100,
      tools,
      messages: [{ role: "user", content: "Hello!" }],
    });
    expect(res.choices[0]?.finish_reason).toBe("stop");
    expect(res.choices[0]?.message.content).not.toContain("<tool_call>");
  });
});
