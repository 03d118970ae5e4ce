// The Python `anthropic` SDK against the Anthropic face in mock mode (issue 20 "Done when"): create,
// stream, and a tool call with its tool_result turn, through the shared test venv (test/helpers/python.ts).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { pythonClients, runPython } from "../helpers/python.ts";

const py = pythonClients();

describe.skipIf(py.skip !== undefined)("the Python anthropic SDK", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startTestGateway({ mode: "mock" });
  });
  afterAll(() => gw.close());

  /** Run a script with `client` bound to an Anthropic client on the gateway; its last line is JSON. */
  async function run(body: string): Promise<Record<string, unknown>> {
    const code = [
      "import json, os, anthropic",
      "client = anthropic.Anthropic(base_url=os.environ['GATEWAY'], api_key='anything', max_retries=0)",
      body,
    ].join("\n");
    const out = await runPython(py.python as string, code, { GATEWAY: gw.url });
    return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
  }

  test("messages.create", async () => {
    const out = await run(`
m = client.messages.create(model="claude-sonnet-4-5", max_tokens=200,
    system="You are terse.", messages=[{"role": "user", "content": "Say hello."}])
print(json.dumps({"id": m.id, "model": m.model, "type": m.content[0].type,
    "text": m.content[0].text, "stop": m.stop_reason, "out": m.usage.output_tokens}))`);
    expect(out).toMatchObject({ model: "claude-sonnet-4-5", type: "text", stop: "end_turn" });
    expect(out.id).toMatch(/^msg_/);
    expect(String(out.text).length).toBeGreaterThan(0);
    expect(out.out).toBeGreaterThan(0);
  }, 60_000);

  test("messages.stream: text_stream pieces add up to the final message", async () => {
    const out = await run(`
with client.messages.stream(model="claude-haiku-4-5", max_tokens=300,
        messages=[{"role": "user", "content": "Describe a forest."}]) as stream:
    pieces = [t for t in stream.text_stream]
    final = stream.get_final_message()
print(json.dumps({"pieces": len(pieces), "joined": "".join(pieces), "text": final.content[0].text,
    "stop": final.stop_reason}))`);
    expect(out.pieces).toBeGreaterThan(1);
    expect(out.joined).toBe(out.text);
    expect(out.stop).toBe("end_turn");
  }, 60_000);

  test("a tool call, then its tool_result, then the answer", async () => {
    const out = await run(`
tools = [{"name": "get_weather", "description": "Weather for a city",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
question = {"role": "user", "content": "What is the weather in Rome?"}
first = client.messages.create(model="claude-sonnet-4-5", max_tokens=300, tools=tools,
    tool_choice={"type": "any"}, messages=[question])
use = next(b for b in first.content if b.type == "tool_use")
second = client.messages.create(model="claude-sonnet-4-5", max_tokens=300, tools=tools, messages=[
    question,
    {"role": "assistant", "content": [b.model_dump() for b in first.content]},
    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "25C, sunny"}]},
])
print(json.dumps({"stop1": first.stop_reason, "id": use.id, "name": use.name, "city": use.input.get("city"),
    "stop2": second.stop_reason, "types": [b.type for b in second.content]}))`);
    expect(out).toMatchObject({ stop1: "tool_use", name: "get_weather", stop2: "end_turn" });
    expect(out.id).toMatch(/^toolu_/);
    expect(typeof out.city).toBe("string");
    expect(out.types).toContain("text");
  }, 60_000);

  test("models.retrieve carries the limits the SDK declares (max_tokens, max_input_tokens)", async () => {
    const out = await run(`
m = client.models.retrieve("claude-sonnet-4-5")
listed = next(x for x in client.models.list(limit=100) if x.id == "claude-3-5-haiku-20241022")
print(json.dumps({"id": m.id, "max_tokens": m.max_tokens, "max_input_tokens": m.max_input_tokens,
    "lifecycle": m.lifecycle, "line": m.line, "listed": [listed.max_tokens, listed.line]}))`);
    expect(out).toEqual({
      id: "claude-sonnet-4-5-20250929",
      max_tokens: 64000,
      max_input_tokens: 200000,
      lifecycle: "active",
      line: "sonnet",
      listed: [8192, "haiku"],
    });
  }, 60_000);

  test("a '{' prefill is continued: prefill + text is the JSON the prompt asks for", async () => {
    const out = await run(`
m = client.messages.create(model="claude-haiku-4-5", max_tokens=200, messages=[
    {"role": "user", "content": "Extract the name and age as JSON: John is 30."},
    {"role": "assistant", "content": "{"}])
print(json.dumps({"text": m.content[0].text, "whole": json.loads("{" + m.content[0].text)}))`);
    expect(String(out.text).startsWith("{")).toBe(false);
    expect(out.whole).toEqual({ name: "John", age: 30 });
  }, 60_000);
});
