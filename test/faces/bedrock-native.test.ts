// The completion-style families' native bodies (Mistral, DeepSeek) over plain HTTP, and the chat
// templates their prompts are read back from, from fixtures of each template.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { promptTurns } from "../../src/faces/bedrock/prompts.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;

beforeAll(async () => {
  gw = await startTestGateway({
    mode: "mock",
    mock: { scripts: [{ match: { last_user: "^Name a planet\\.$" }, reply: { text: "Mars" } }] },
  });
});
afterAll(() => gw.close());

async function invoke(model: string, body: object, stream = false): Promise<Response> {
  const op = stream ? "invoke-with-response-stream" : "invoke";
  return fetch(`${gw.url}/model/${encodeURIComponent(model)}/${op}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
}

describe("chat templates read back into turns", () => {
  test.each([
    [
      "meta-llama",
      "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nName a planet.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    ],
    ["mistral", "<s>[INST] Be brief.\n\nHi [/INST] Hello!</s>[INST] Name a planet. [/INST]"],
    [
      "deepseek",
      "<｜begin▁of▁sentence｜>Be brief.<｜User｜>Hi<｜Assistant｜>Hello!<｜end▁of▁sentence｜><｜User｜>Name a planet.<｜Assistant｜><think>\n",
    ],
  ] as const)("%s", (family, prompt) => {
    const turns = promptTurns(family, prompt);
    expect(turns.at(-1)).toEqual({ role: "user", text: "Name a planet." });
    expect(turns.some((t) => t.role === "assistant" && t.text === "Hello!")).toBe(true);
    expect(turns.map((t) => t.text).join(" ")).toContain("Be brief.");
  });

  test("a prompt without the family's markers is one user turn", () => {
    expect(promptTurns("mistral", "Name a planet.")).toEqual([{ role: "user", text: "Name a planet." }]);
  });
});

describe("native bodies", () => {
  test("Mistral: prompt → outputs[{text, stop_reason}]; its stream carries outputs chunks", async () => {
    const res = await invoke("mistral.mistral-large-2402-v1:0", {
      prompt: "<s>[INST] Name a planet. [/INST]",
      max_tokens: 50,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outputs: [{ text: "Mars", stop_reason: "stop" }] });
    expect(res.headers.get("x-amzn-bedrock-input-token-count")).toMatch(/^\d+$/);
    const streamed = await invoke(
      "mistral.mistral-large-2402-v1:0",
      { prompt: "Name a planet.", max_tokens: 50 },
      true,
    );
    expect(streamed.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
  });

  test("DeepSeek: prompt → choices[{text, stop_reason}]", async () => {
    const res = await invoke("us.deepseek.r1-v1:0", {
      prompt: "<｜User｜>Name a planet.<｜Assistant｜><think>\n",
      max_tokens: 100,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ choices: [{ text: "Mars", stop_reason: "stop" }] });
  });

  test("a body that is not a JSON object is Bedrock's malformed-input ValidationException", async () => {
    const res = await fetch(`${gw.url}/model/us.meta.llama3-3-70b-instruct-v1%3A0/invoke`, {
      method: "POST",
      body: "[1,2]",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("ValidationException");
  });

  test.each([
    [
      "us.amazon.nova-lite-v1:0",
      { messages: [{ role: "user", content: [{ text: "Hi" }] }], temperature: 0.5 },
      "temperature",
    ],
    [
      "us.anthropic.claude-3-5-haiku-20241022-v1:0",
      {
        anthropic_version: "bedrock-2023-05-31",
        model: "claude-3-5-haiku-20241022",
        max_tokens: 50,
        messages: [{ role: "user", content: "Hi" }],
      },
      "model",
    ],
  ])("%s: a key Bedrock refuses in the native body is its extraneous-key error", async (model, body, key) => {
    const res = await invoke(model, body);
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("ValidationException");
    expect(await res.json()).toEqual({
      message: `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
    });
  });
});
