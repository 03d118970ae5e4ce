// What curl and hand-written clients see: raw fetch against a mock-mode gateway, SSE parsed by hand from
// the bytes (frames split on a blank line, one `data:` line each, `[DONE]` last), every object checked
// against the OpenAI spec.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { assertSpec, precompileSpec } from "../helpers/openai-spec.ts";

let gw: Gateway;
const EMOJI = "😀🌤️ ".repeat(30);

// The spec is compiled before the tests start: seconds on a busy machine, outside any test's timeout.
beforeAll(
  () => precompileSpec("CreateChatCompletionResponse", "CreateChatCompletionStreamResponse", "ErrorResponse"),
  120_000,
);

beforeAll(async () => {
  gw = await startTestGateway({
    mode: "mock",
    upstream: { retries: 0 } as never,
    mock: {
      scripts: [
        {
          match: { last_user: "^say it with emoji$" },
          reply: { tool_call: { name: "say", input: { text: EMOJI } } },
        },
      ],
    } as never,
  });
});
afterAll(() => gw.close());

const chatBody = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    model: "gpt-4o",
    messages: [{ role: "user", content: "Tell me a long story about the sea and its ships" }],
    ...extra,
  });

function post(body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  return fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers, body });
}

/** Read the whole event stream and split it the way the SSE spec does, keeping the raw frames. */
async function frames(response: Response): Promise<string[]> {
  const text = await response.text();
  expect(text.endsWith("\n\n")).toBe(true);
  return text.slice(0, -2).split("\n\n");
}

describe("raw HTTP", () => {
  test("non-streaming JSON, as curl -H 'Content-Type: application/json' gets it", async () => {
    const res = await post(chatBody());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    assertSpec("CreateChatCompletionResponse", body);
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
  });

  test("plain `curl -d` (form content type) is read as JSON too", async () => {
    const res = await post(chatBody(), { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(200);
    assertSpec("CreateChatCompletionResponse", await res.json());
  });

  test("SSE by hand: one data line per frame, spec-valid chunks, [DONE] last, content reassembles", async () => {
    const res = await post(chatBody({ stream: true, stream_options: { include_usage: true } }), {
      "content-type": "application/json",
      accept: "text/event-stream",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("cache-control")).toContain("no-cache");
    const raw = await frames(res);
    expect(raw.at(-1)).toBe("data: [DONE]");
    const chunks = raw.slice(0, -1).map((frame) => {
      expect(frame).toMatch(/^data: [^\n]+$/);
      const chunk = JSON.parse(frame.slice("data: ".length)) as {
        choices: { delta: { content?: string; role?: string }; finish_reason: string | null }[];
        usage: { total_tokens: number } | null;
      };
      assertSpec("CreateChatCompletionStreamResponse", chunk);
      return chunk;
    });
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.total_tokens).toBeGreaterThan(0);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    const whole = (await (await post(chatBody())).json()) as { choices: { message: { content: string } }[] };
    expect(text).toBe(whole.choices[0]!.message.content);
  });

  test("streamed tool arguments never split an emoji into lone surrogates", async () => {
    const res = await post(
      JSON.stringify({
        model: "gpt-4o",
        stream: true,
        messages: [{ role: "user", content: "say it with emoji" }],
        tools: [{ type: "function", function: { name: "say", parameters: { type: "object" } } }],
      }),
    );
    const raw = await frames(res);
    // JSON.stringify escapes a lone surrogate as \udXXX; whole emoji are written as themselves.
    expect(raw.join("\n")).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
    const args = raw
      .slice(0, -1)
      .flatMap(
        (f) =>
          (
            JSON.parse(f.slice(6)) as {
              choices: { delta: { tool_calls?: { function: { arguments?: string } }[] } }[];
            }
          ).choices,
      )
      .map((c) => c.delta.tool_calls?.[0]?.function.arguments ?? "")
      .join("");
    expect(JSON.parse(args)).toEqual({ text: EMOJI });
  });

  test("a streaming request refused before the first byte is a JSON error, not an event stream", async () => {
    const res = await post(chatBody({ stream: true, model: "gpt-17-ultra" }));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await res.json();
    assertSpec("ErrorResponse", body);
    expect(body).toMatchObject({ error: { code: "model_not_found", param: "model" } });
  });

  test("clients that send null for every unused field, and a no-argument tool as parameters {}", async () => {
    const nulls = Object.fromEntries(
      [
        "max_tokens",
        "temperature",
        "top_p",
        "n",
        "stop",
        "stream",
        "stream_options",
        "response_format",
        "seed",
      ]
        .concat(["user", "logprobs", "top_logprobs", "functions", "function_call", "parallel_tool_calls"])
        .map((k) => [k, null]),
    );
    const res = await post(
      chatBody({
        ...nulls,
        messages: [{ role: "user", content: "Ping the server please" }],
        tools: [
          { type: "function", function: { name: "ping", description: "Ping the server", parameters: {} } },
        ],
        tool_choice: "required",
      }),
    );
    const body = (await res.json()) as {
      choices: { message: { tool_calls: { function: { name: string } }[] } }[];
    };
    expect(res.status).toBe(200);
    assertSpec("CreateChatCompletionResponse", body);
    expect(body.choices[0]!.message.tool_calls[0]!.function.name).toBe("ping");
  });

  test("invalid JSON → 400 with an OpenAI error body", async () => {
    const res = await post('{"model": "gpt-4o", "messages": [');
    expect(res.status).toBe(400);
    assertSpec("ErrorResponse", await res.json());
  });

  test("GET /v1/models and /v1/models/{id} with a slash-bearing Bedrock id", async () => {
    const list = await fetch(`${gw.url}/v1/models`);
    expect(list.status).toBe(200);
    assertSpec("ListModelsResponse", await list.json());
    const one = await fetch(
      `${gw.url}/v1/models/${encodeURIComponent("us.anthropic.claude-3-haiku-20240307-v1:0")}`,
    );
    expect(one.status).toBe(200);
    assertSpec("Model", await one.json());
  });

  test.each([
    ["/v1/completions", "POST /v1/responses"],
    ["/v1/embeddings", "POST /v1/chat/completions"],
    ["/v2/nothing", "README"],
  ])("POST %s → 404 unknown_route saying what is served", async (path, hint) => {
    const res = await fetch(`${gw.url}${path}`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assertSpec("ErrorResponse", body);
    expect(body.error.code).toBe("unknown_route");
    expect(body.error.message).toContain(hint);
  });
});
