// A failure after the first byte of a Responses stream: the writer sends `response.failed` (the response
// with its error) and an `error` event, both spec-valid and numbered on from the events before, and the
// official SDK turns it into an APIError rather than a silently short answer.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { responseEventWriter } from "../../../src/faces/responses/events.ts";
import { parseResponseCreateParams } from "../../../src/faces/responses/parse.ts";
import { pendingResponse, toResponse } from "../../../src/faces/responses/response.ts";
import { eventText, toStreamEvents } from "../../../src/faces/responses/stream.ts";
import type { ResponseStreamEvent } from "../../../src/faces/responses/types.ts";
import { streamEvents } from "../../../src/http/stream-events.ts";
import { GatewayError } from "../../../src/shared/errors.ts";
import { createLogger } from "../../../src/shared/logger.ts";
import { assertSpec, precompileSpec } from "../../helpers/openai-spec.ts";

// The spec is compiled before the tests start: seconds on a busy machine, outside any test's timeout.
beforeAll(() => precompileSpec("ResponseStreamEvent", "ResponseErrorEvent"), 120_000);

const params = parseResponseCreateParams({ model: "gpt-4o", input: "Tell me a story", stream: true });
const identity = { token: "abc123", createdAt: 1_700_000_000 };
const response = toResponse(
  {
    id: "",
    object: "chat.completion",
    created: 0,
    model: "gpt-4o",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Once upon a time there was a very long story.",
          refusal: null,
        },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 11, total_tokens: 16 },
  },
  params,
  identity,
  identity.createdAt,
);
const throttled = new GatewayError("Too many tokens, please wait before trying again.", {
  status: 429,
  type: "rate_limit_error",
  code: "rate_limit_exceeded",
  shouldRetry: true,
});

/** The first five events of the real sequence, then the upstream failure. */
function* failing(): Generator<ResponseStreamEvent> {
  yield* toStreamEvents(response).slice(0, 5);
  throw throttled;
}

let server: Server;
let baseURL: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const x = {
      req,
      res,
      path: "/v1/responses",
      body: undefined,
      params: {},
      record: { requestId: "req_1" },
    };
    void streamEvents(responseEventWriter(x, pendingResponse(params, identity)), failing(), {
      textOf: eventText,
      pace: undefined,
      signal: new AbortController().signal,
      logger: createLogger("silent"),
      requestId: "req_1",
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("response.failed, then an error event the SDK throws on", async () => {
  const client = new OpenAI({ baseURL, apiKey: "sk-anything", maxRetries: 0 });
  const seen: ResponseStreamEvent[] = [];
  const stream = await client.responses.create({ model: "gpt-4o", input: "Tell me a story", stream: true });
  const error = await (async () => {
    for await (const event of stream) {
      assertSpec("ResponseStreamEvent", event);
      seen.push(event as unknown as ResponseStreamEvent);
    }
  })().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(APIError);
  expect((error as APIError).message).toContain("Too many tokens");
  expect(seen.map((e) => e.type)).toEqual([
    ...toStreamEvents(response)
      .slice(0, 5)
      .map((e) => e.type),
    "response.failed",
  ]);
  const failed = seen.at(-1);
  if (failed?.type !== "response.failed") throw new Error("no response.failed");
  expect(failed.response.status).toBe("failed");
  expect(failed.response.error).toEqual({ code: "rate_limit_exceeded", message: throttled.message });
  expect((failed as unknown as { sequence_number: number }).sequence_number).toBe(5);
});

test("the raw frames: named events, numbered, the error event last and spec-valid, no [DONE]", async () => {
  const text = await (await fetch(`${baseURL}/responses`, { method: "POST", body: "{}" })).text();
  const frames = text.trim().split("\n\n");
  expect(text).not.toContain("[DONE]");
  const last = frames.at(-1) ?? "";
  expect(last.split("\n")[0]).toBe("event: error");
  const body = JSON.parse(last.split("\n")[1]!.slice("data: ".length)) as Record<string, unknown>;
  assertSpec("ResponseErrorEvent", body);
  expect(body).toMatchObject({ type: "error", code: "rate_limit_exceeded", sequence_number: 6 });
  for (const frame of frames) {
    const [event, data] = frame.split("\n");
    expect(event).toBe(`event: ${(JSON.parse(data!.slice(6)) as { type: string }).type}`);
  }
});
