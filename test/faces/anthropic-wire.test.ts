// The Anthropic face on the wire, over a real socket to a gateway on port 0 in mock mode: what Claude
// Code sends (lenient parsing, x-bedrock-dropped), the exact frames of a stream, the mid-stream
// `event: error`, validation naming the field, credentials from x-api-key or a bearer token, the
// server.api_keys check, and HEAD /.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eventWriter } from "../../src/faces/anthropic/route.ts";
import { streamEvents } from "../../src/http/stream-events.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { GatewayError } from "../../src/shared/errors.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;

beforeAll(async () => {
  gw = await startTestGateway({
    mode: "mock",
    upstream: { retries: 0 } as never,
    mock: {
      teams: [
        { team_id: "demo", api_token: "demo-token", budget_limit: 50 },
        { team_id: "broke", api_token: "broke-token", budget_limit: 0 },
      ],
    } as never,
  });
});
afterAll(() => gw.close());

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "anything", ...headers },
    body: JSON.stringify(body),
  });
}

/** A tool as Claude Code declares one (some deferred until tool search loads them). */
function tool(i: number) {
  return {
    name: `Tool${i}`,
    description: `Does thing number ${i}`,
    input_schema: { type: "object", properties: { arg: { type: "string" } }, required: ["arg"] },
    ...(i % 5 === 0 ? { defer_loading: true } : {}),
    ...(i === 23 ? { cache_control: { type: "ephemeral" } } : {}),
  };
}

describe("what Claude Code sends", () => {
  const request = {
    model: "claude-opus-5-5",
    max_tokens: 128_000,
    stream: true,
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332;" },
      { type: "text", text: "You are a coding agent.", cache_control: { type: "ephemeral" } },
    ],
    messages: [
      { role: "user", content: [{ type: "text", text: "Reply with only the word pong" }] },
      { role: "system", content: [{ type: "text", text: "Tools listed earlier are declared in full." }] },
    ],
    tools: Array.from({ length: 24 }, (_, i) => tool(i)),
    metadata: { user_id: '{"device_id":"d","session_id":"s"}' },
    thinking: { type: "adaptive", display: "omitted" },
    context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    output_config: { effort: "medium" },
  };
  const headers = {
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27",
    "anthropic-dangerous-direct-browser-access": "true",
    "user-agent": "claude-cli/2.1.332 (external, sdk-cli)",
  };

  test("is answered 200 on ?beta=true, and every feature the proxy cannot carry is listed", async () => {
    const res = await post("/v1/messages?beta=true", request, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-bedrock-model")).toBe("us.anthropic.claude-opus-4-20250514-v1:0");
    expect(res.headers.get("x-bedrock-dropped")?.split(", ").sort()).toEqual(
      [
        "cache_control",
        "context_management",
        "metadata",
        "output_config",
        "thinking",
        "tools.defer_loading",
      ].sort(),
    );
    const text = await res.text();
    expect(text).toContain("event: message_stop");
  });

  test("hostile key names never reach the header raw; a flood of keys stays one bounded line", async () => {
    const keys = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const res = await post("/v1/messages", {
      model: "claude-haiku-4-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
      "evil\r\nset-cookie: x=1": true,
      ...keys,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    const listed = res.headers.get("x-bedrock-dropped")?.split(", ") ?? [];
    expect(listed.length).toBe(33);
    expect(listed.at(-1)).toBe("469-more");
  });

  test("a thinking block replayed from an earlier turn is dropped, not refused", async () => {
    const res = await post("/v1/messages", {
      model: "claude-sonnet-4-5",
      max_tokens: 50,
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            { type: "text", text: "hello" },
          ],
        },
        { role: "user", content: "again" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-bedrock-dropped")).toBe("thinking");
  });

  test("sampling keys a family refuses are left out and listed (Nova takes no temperature)", async () => {
    const res = await post("/v1/messages", {
      model: "us.amazon.nova-lite-v1:0",
      max_tokens: 50,
      temperature: 0.5,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-bedrock-dropped")).toBe("temperature");
  });
});

describe("the stream on the wire", () => {
  test("named frames in Anthropic's order, a ping after message_start, no [DONE]", async () => {
    const res = await post("/v1/messages", {
      model: "claude-haiku-4-5",
      max_tokens: 200,
      stream: true,
      messages: [{ role: "user", content: "Say something short." }],
    });
    const frames = (await res.text()).split("\n\n").filter((f) => f !== "");
    const names = frames.map((f) => /^event: (\S+)\ndata: /.exec(f)?.[1]);
    for (const [i, frame] of frames.entries()) {
      const data = JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as { type: string };
      expect(data.type).toBe(names[i]);
    }
    expect(names.slice(0, 3)).toEqual(["message_start", "ping", "content_block_start"]);
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(new Set(names.slice(3, -3))).toEqual(new Set(["content_block_delta"]));
    expect(frames.join("")).not.toContain("[DONE]");
  });
});

describe("an error after the first byte", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      const x = { res, record: { requestId: "req_midstream" } };
      function* events() {
        yield { type: "ping" as const };
        throw new GatewayError("The upstream proxy is overloaded.", {
          status: 503,
          type: "api_error",
          code: "upstream_unavailable",
          shouldRetry: true,
        });
      }
      void streamEvents(eventWriter(x), events(), {
        textOf: () => "",
        pace: undefined,
        signal: new AbortController().signal,
        logger: createLogger("silent"),
        requestId: "req_midstream",
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("is an `event: error` frame the SDK raises as an APIError with the Anthropic error type", async () => {
    const stream = new Anthropic({ baseURL: url, apiKey: "x", maxRetries: 0 }).messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    const error = await stream.finalMessage().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "The upstream proxy is overloaded." },
      request_id: "req_midstream",
    });
  });
});

describe("validation: a 400 naming the field", () => {
  test.each([
    [
      { messages: [{ role: "user", content: [{ type: "search_result", source: "x" }] }] },
      "messages[0].content[0].type",
    ],
    [
      { messages: [{ role: "user", content: [{ type: "document", source: {} }] }] },
      "messages[0].content[0].source.type",
    ],
    [{ messages: [{ role: "tool", content: "x" }] }, "messages[0].role"],
    [{ top_k: -1 }, "top_k"],
    [{ max_tokens: 0 }, "max_tokens"],
    [
      { tools: [{ name: "a", input_schema: {} }], tool_choice: { type: "tool", name: "b" } },
      "tool_choice.name",
    ],
    [
      {
        messages: [
          {
            role: "user",
            content: [{ type: "image", source: { type: "url", url: "http://example.com/a.png" } }],
          },
        ],
      },
      "messages[0].content[0].source",
    ],
  ])("%j", async (patch, field) => {
    const res = await post("/v1/messages", {
      model: "claude-sonnet-4-5",
      max_tokens: 20,
      messages: [{ role: "user", content: "hi" }],
      ...patch,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-should-retry")).toBe("false");
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain(field);
  });

  test("tools, or a tool history, for a family without native tool use is a 400 before any call", async () => {
    const history = [
      { role: "user", content: "hi" },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "a", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
    ];
    const tools = [{ name: "a", input_schema: { type: "object" } }];
    for (const patch of [{ tools }, { tools, tool_choice: { type: "none" }, messages: history }]) {
      const res = await post("/v1/messages", {
        model: "us.meta.llama3-3-70b-instruct-v1:0",
        max_tokens: 20,
        messages: [{ role: "user", content: "hi" }],
        ...patch,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /^tools: .*no native tool use/,
      );
    }
  });

  test("a model name that is neither Claude, a Bedrock id nor an alias is a 404 not_found_error", async () => {
    const res = await post("/v1/messages", { model: "gpt-99", max_tokens: 5, messages: [] });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("not_found_error");
  });
});

describe("credentials", () => {
  const hi = {
    model: "claude-haiku-4-5",
    max_tokens: 10,
    messages: [{ role: "user" as const, content: "hi" }],
  };

  test("TEAM_ID:API_TOKEN as x-api-key or as a bearer auth token picks the team", async () => {
    for (const client of [
      new Anthropic({ baseURL: gw.url, apiKey: "broke:broke-token", maxRetries: 0 }),
      new Anthropic({ baseURL: gw.url, apiKey: null, authToken: "broke:broke-token", maxRetries: 0 }),
    ]) {
      await expect(client.messages.create(hi)).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    }
    const demo = await new Anthropic({ baseURL: gw.url, apiKey: "demo:demo-token" }).messages.create(hi);
    expect((demo as unknown as { bedrock: { team_id: string } }).bedrock.team_id).toBe("demo");
  });

  test("server.api_keys is checked on x-api-key (Anthropic clients) as well as bearer keys", async () => {
    const locked = await startTestGateway({ mode: "mock", server: { api_keys: ["gw-key"] } as never });
    try {
      const good = new Anthropic({ baseURL: locked.url, apiKey: "gw-key", maxRetries: 0 });
      expect((await good.messages.create(hi)).type).toBe("message");
      const bad = new Anthropic({ baseURL: locked.url, apiKey: "other", maxRetries: 0 });
      await expect(bad.messages.create(hi)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
      await expect(bad.messages.countTokens(hi)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    } finally {
      await locked.close();
    }
  });
});

test("HEAD / answers 200 with no body (Claude Code probes it)", async () => {
  const res = await fetch(`${gw.url}/`, { method: "HEAD" });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("");
});
