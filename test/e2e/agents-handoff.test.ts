// The OpenAI Agents SDK's quickstart, unchanged, against a mock-mode gateway over a real socket: a triage
// agent hands "Hola, ¿cómo estás?" to its Spanish agent, which answers with the handoff in its history
// and no tools of its own — on the default Responses model and on the Chat Completions one. Bedrock
// refuses tool blocks without tool definitions, so the gateway sends that history as text.
import { Agent, OpenAIProvider, Runner } from "@openai/agents";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock", upstream: { retries: 0 } as never });
});
afterAll(() => gw.close());

function agents() {
  const spanish = new Agent({
    name: "Spanish agent",
    instructions: "You only speak Spanish.",
    handoffDescription: "Speaks Spanish",
  });
  const english = new Agent({
    name: "English agent",
    instructions: "You only speak English.",
    handoffDescription: "Speaks English",
  });
  const triage = new Agent({
    name: "Triage agent",
    instructions: "Handoff to the appropriate agent based on the language of the request.",
    handoffs: [spanish, english],
  });
  return triage;
}

describe.each([
  ["Responses", true],
  ["Chat Completions", false],
])("a handoff on the %s model", (_api, useResponses) => {
  const runner = () =>
    new Runner({
      modelProvider: new OpenAIProvider({ baseURL: `${gw.url}/v1`, apiKey: "sk-anything", useResponses }),
      tracingDisabled: true, // no trace export to api.openai.com
      model: "gpt-4o-mini",
    });

  test("goes to the agent of the request's language, which answers", async () => {
    const result = await runner().run(agents(), "Hola, ¿cómo estás?");
    expect(result.lastAgent?.name).toBe("Spanish agent");
    expect(result.newItems.map((i) => i.type)).toEqual([
      "handoff_call_item",
      "handoff_output_item",
      "message_output_item",
    ]);
    expect(typeof result.finalOutput).toBe("string");
    // The receiving agent answers the user, not the handoff's `{"assistant": …}` result.
    expect(result.finalOutput).not.toMatch(/According to|Spanish agent/);
  });

  test("streamed, the same", async () => {
    const stream = await runner().run(agents(), "Hola, ¿cómo estás?", { stream: true });
    const agentsSeen: string[] = [];
    for await (const event of stream)
      if (event.type === "agent_updated_stream_event") agentsSeen.push(event.agent.name);
    await stream.completed;
    expect(agentsSeen).toContain("Spanish agent");
    expect(String(stream.finalOutput).length).toBeGreaterThan(0);
  });
});
