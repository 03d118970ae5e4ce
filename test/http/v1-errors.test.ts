// Each error class of the CONTRACT §3 table, raised by the official SDK as the right exception, with a
// spec-valid error body, the right x-should-retry, and the SDK's retry count where it matters.
import OpenAI, { type APIError } from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { notFound } from "../../src/shared/errors.ts";
import type { UpstreamClient } from "../../src/upstream/types.ts";
import { startTestGateway, testConfig, type TestGateway } from "../helpers/v1-gateway.ts";
import { assertSpec } from "../helpers/openai-spec.ts";
import { PROXY_ERRORS, createUpstreamDouble, type UpstreamDouble } from "../helpers/upstream-double.ts";

let gw: TestGateway;
let upstream: UpstreamDouble;
let nextThrow: unknown;

beforeAll(async () => {
  upstream = createUpstreamDouble();
  // Lets a test make the upstream throw (replay miss, unexpected bug) instead of answering.
  const throwing: UpstreamClient = {
    invoke: (request, context) => {
      if (nextThrow === undefined) return upstream.invoke(request, context);
      upstream.calls.push({ request, context });
      return Promise.reject(nextThrow);
    },
    close: () => Promise.resolve(),
  };
  gw = await startTestGateway(throwing, testConfig({ upstream: { ...testConfig().upstream, retries: 1 } }));
});
afterAll(() => gw.close());

function sdk(options: { maxRetries?: number; fault?: string } = {}): OpenAI {
  return new OpenAI({
    baseURL: gw.baseURL,
    apiKey: "sk-test",
    maxRetries: options.maxRetries ?? 0,
    ...(options.fault === undefined ? {} : { defaultHeaders: { "X-Mock-Fault": options.fault } }),
  });
}

async function failure(client: OpenAI, body: Record<string, unknown> = {}): Promise<APIError> {
  const error = await client.chat.completions
    .create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      ...body,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  const apiError = error as APIError;
  assertSpec("ErrorResponse", { error: apiError.error });
  expect(apiError.headers?.get("x-request-id")).toBeTruthy();
  return apiError;
}

function callsDuring(): () => number {
  const before = upstream.calls.length;
  return () => upstream.calls.length - before;
}

describe("our own validation", () => {
  test("bad message content → BadRequestError naming the param, no upstream call", async () => {
    const calls = callsDuring();
    const error = await failure(sdk(), {
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: "b" },
        { role: "user", content: 42 },
      ],
    });
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe("messages[2].content");
    expect(error.type).toBe("invalid_request_error");
    expect(error.headers?.get("x-should-retry")).toBe("false");
    expect(calls()).toBe(0);
  });

  test("images to a model without vision → 400 before any upstream call", async () => {
    const calls = callsDuring();
    const error = await failure(sdk(), {
      model: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
      messages: [
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }],
        },
      ],
    });
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe("messages[0].content[0]");
    expect(calls()).toBe(0);
  });

  test("unknown model → NotFoundError model_not_found", async () => {
    const error = await failure(sdk(), { model: "gpt-99" });
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.code).toBe("model_not_found");
    expect(error.param).toBe("model");
  });
});

describe("upstream failures", () => {
  test.each([
    ["validation", OpenAI.BadRequestError, 400, "invalid_request_error", "invalid_request_error"],
    ["context", OpenAI.BadRequestError, 400, "invalid_request_error", "context_length_exceeded"],
    ["malformed_request", OpenAI.BadRequestError, 400, "invalid_request_error", "invalid_request_error"],
    ["unauthorized", OpenAI.AuthenticationError, 401, "authentication_error", "invalid_api_key"],
    ["forbidden", OpenAI.PermissionDeniedError, 403, "permission_error", "model_not_allowed"],
    ["unknown_model", OpenAI.NotFoundError, 404, "invalid_request_error", "model_not_found"],
    ["too_large", OpenAI.APIError, 413, "invalid_request_error", "request_too_large"],
  ])("%s → %s", async (fault, cls, status, type, code) => {
    const calls = callsDuring();
    const error = await failure(sdk({ maxRetries: 2, fault }));
    expect(error).toBeInstanceOf(cls);
    expect(error.status).toBe(status);
    expect(error.type).toBe(type);
    expect(error.code).toBe(code);
    expect(error.headers?.get("x-should-retry")).toBe("false");
    expect(calls()).toBe(1); // neither the gateway nor the SDK retries
  });

  test("budget exhausted → RateLimitError insufficient_quota, never retried", async () => {
    const calls = callsDuring();
    const error = await failure(sdk({ maxRetries: 2, fault: "budget" }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe("insufficient_quota");
    expect(error.code).toBe("insufficient_quota");
    expect(error.headers?.get("x-should-retry")).toBe("false");
    expect(calls()).toBe(1);
  });

  test("throttling → RateLimitError rate_limit_exceeded, retried by the gateway and then the SDK", async () => {
    const throttle = {
      ...PROXY_ERRORS.throttle!,
      headers: { ...PROXY_ERRORS.throttle!.headers, "retry-after": "0.01" },
    };
    const calls = callsDuring();
    upstream.queue(throttle, throttle, throttle, throttle, throttle, throttle);
    const error = await failure(sdk({ maxRetries: 2 }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe("rate_limit_error");
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.headers?.get("x-should-retry")).toBe("true");
    expect(calls()).toBe(6); // 3 SDK attempts × (1 + 1 gateway retry)
  });

  test("a throttle that clears is retried away by the gateway", async () => {
    upstream.queue(PROXY_ERRORS.throttle!);
    const calls = callsDuring();
    const data = await sdk().chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(data.choices[0]?.message.content).toBe("You said: hi");
    expect(calls()).toBe(2);
  });

  test("upstream timeout → 504 upstream_timeout (retryable)", async () => {
    const error = await failure(sdk({ fault: "timeout" }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(504);
    expect(error.code).toBe("upstream_timeout");
    expect(error.headers?.get("x-should-retry")).toBe("true");
  });

  test("connection reset → 502 upstream_unreachable (retryable)", async () => {
    const error = await failure(sdk({ fault: "reset" }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(502);
    expect(error.code).toBe("upstream_unreachable");
  });

  test("malformed upstream answer → 502 upstream_malformed", async () => {
    const error = await failure(sdk({ fault: "malformed" }));
    expect(error.status).toBe(502);
    expect(error.code).toBe("upstream_malformed");
  });

  test("replay miss → NotFoundError cassette_miss", async () => {
    nextThrow = notFound("No recording in cassette 'default' matches this request.", "cassette_miss");
    try {
      const error = await failure(sdk());
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error.code).toBe("cassette_miss");
    } finally {
      nextThrow = undefined;
    }
  });

  test("anything unexpected → 500 internal_error with no internal detail", async () => {
    nextThrow = new TypeError("secret internal detail");
    try {
      const error = await failure(sdk());
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error.code).toBe("internal_error");
      expect(error.message).not.toContain("secret");
      expect(error.headers?.get("x-should-retry")).toBe("false");
    } finally {
      nextThrow = undefined;
    }
  });

  test("an error before the first byte of a stream is a normal HTTP error", async () => {
    const error = await sdk({ fault: "forbidden" })
      .chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });
});

describe("server.api_keys", () => {
  test("a wrong gateway key → AuthenticationError; a right one works", async () => {
    const locked = await startTestGateway(
      createUpstreamDouble(),
      testConfig({ server: { ...testConfig().server, api_keys: ["k-1", "k-2"] } }),
    );
    try {
      const bad = await new OpenAI({ baseURL: locked.baseURL, apiKey: "nope", maxRetries: 0 }).models
        .list()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((bad as APIError).code).toBe("invalid_api_key");
      assertSpec("ErrorResponse", { error: (bad as APIError).error });
      const ok = await new OpenAI({
        baseURL: locked.baseURL,
        apiKey: "k-2",
        maxRetries: 0,
      }).chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(ok.choices[0]?.message.content).toBe("You said: hi");
    } finally {
      await locked.close();
    }
  });
});
