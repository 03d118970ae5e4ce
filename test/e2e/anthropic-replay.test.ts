// One recording replays on every face: a tool-call conversation recorded through /v1/chat/completions
// (the OpenAI SDK) replays, offline, through /v1/messages (the Anthropic SDK) — the two faces translate
// the same conversation into the same invoke request, and tool ids map to the same upstream ids.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { expect, test } from "vitest";
import { startTestGateway } from "../helpers/gateway.ts";

const MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const SYSTEM = "You are a weather assistant.";
const QUESTION = "What is the weather in Lisbon?";
const RESULT = "21°C, clear sky";
const schema = { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] };

test("a conversation recorded on /v1 replays on /v1/messages", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bpg-anthropic-replay-"));
  const recorder = await startTestGateway({ mode: "record", upstream: { kind: "mock" }, recording: { dir } });
  const openai = new OpenAI({ baseURL: `${recorder.url}/v1`, apiKey: "x", maxRetries: 0 });
  const tools = [
    {
      type: "function" as const,
      function: { name: "get_weather", description: "Weather", parameters: schema },
    },
  ];
  const first = await openai.chat.completions.create({
    model: MODEL,
    max_tokens: 300,
    tools,
    tool_choice: "auto",
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: QUESTION },
    ],
  });
  const call = first.choices[0]?.message.tool_calls?.[0];
  if (call?.type !== "function") throw new Error("the recording needs a tool call");
  const second = await openai.chat.completions.create({
    model: MODEL,
    max_tokens: 300,
    tools,
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: QUESTION },
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: call.id, content: RESULT },
    ],
  });
  await recorder.close();

  const replay = await startTestGateway({ mode: "replay", recording: { dir } });
  try {
    const anthropic = new Anthropic({ baseURL: replay.url, apiKey: "anything", maxRetries: 0 });
    const anthropicTools = [{ name: "get_weather", description: "Weather", input_schema: schema }];
    const replayedFirst = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 300,
      system: SYSTEM,
      tools: anthropicTools,
      tool_choice: { type: "auto" },
      messages: [{ role: "user", content: QUESTION }],
    });
    const use = replayedFirst.content.find((b) => b.type === "tool_use");
    if (use?.type !== "tool_use") throw new Error("the replay lost the tool call");
    // The OpenAI face shows the upstream id as call_<id>; the Anthropic face shows it as it is.
    expect(`call_${use.id}`).toBe(call.id);
    expect(JSON.stringify(use.input)).toBe(call.function.arguments);

    const replayedSecond = await anthropic.messages
      .stream({
        model: "claude-sonnet-4-5",
        max_tokens: 300,
        system: SYSTEM,
        tools: anthropicTools,
        messages: [
          { role: "user", content: QUESTION },
          { role: "assistant", content: replayedFirst.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: RESULT }] },
        ],
      })
      .finalMessage();
    const text = replayedSecond.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
    expect(text).toBe(second.choices[0]?.message.content);
    expect(replayedSecond.usage.output_tokens).toBe(second.usage?.completion_tokens);
  } finally {
    await replay.close();
  }
});
