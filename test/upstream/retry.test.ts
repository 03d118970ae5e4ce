// withRetries on its own: what is retried, how long it waits, and that it stops for a departed client.
import { describe, expect, test } from "vitest";
import { upstreamUnreachable } from "../../src/upstream/errors.ts";
import { retryAfterMs, withRetries } from "../../src/upstream/retry.ts";
import type {
  InvokeContext,
  InvokeRequest,
  UpstreamClient,
  UpstreamResponse,
} from "../../src/upstream/types.ts";
import { PROXY_ERRORS } from "../helpers/upstream-double.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

const REQUEST: InvokeRequest = { model: "m", messages: [{ role: "user", content: "x" }], max_tokens: 5 };
const OK: UpstreamResponse = upstreamResponse(
  200,
  {},
  '{"content":[],"usage":{"input_tokens":1,"output_tokens":0,"total_tokens":1},"metadata":{}}',
);

function scripted(...steps: (UpstreamResponse | Error)[]): UpstreamClient & { contexts: InvokeContext[] } {
  const contexts: InvokeContext[] = [];
  return {
    contexts,
    invoke: async (_request, context) => {
      contexts.push(context);
      const step = steps.shift() ?? OK;
      if (step instanceof Error) throw step;
      return step;
    },
    close: () => Promise.resolve(),
  };
}

describe("retryAfterMs", () => {
  test("seconds, fractions, HTTP dates, garbage", () => {
    expect(retryAfterMs("3")).toBe(3_000);
    expect(retryAfterMs("0.25")).toBe(250);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(
      5_000,
    );
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe("withRetries", () => {
  test("retries a 2xx whose body is not a proxy answer, and hands back the last one as it came", async () => {
    const garbled: UpstreamResponse = upstreamResponse(200, {}, "<html>oops</html>");
    const upstream = scripted(garbled, OK);
    const sleeps: number[] = [];
    const retrying = withRetries(upstream, { retries: 2, sleep: async (ms) => void sleeps.push(ms) });
    expect(await retrying.invoke(REQUEST, { credentials: undefined, requestId: "r" })).toBe(OK);
    expect(upstream.contexts).toHaveLength(2);
    expect(sleeps).toHaveLength(1);

    const alwaysGarbled = scripted(garbled, garbled, garbled);
    const noWait = { retries: 2, sleep: () => Promise.resolve() };
    expect(
      await withRetries(alwaysGarbled, noWait).invoke(REQUEST, { credentials: undefined, requestId: "r" }),
    ).toBe(garbled);
    expect(alwaysGarbled.contexts).toHaveLength(3);
  });

  test("every attempt carries the same context (X-Mock-Fault reaches each one)", async () => {
    const inner = scripted(PROXY_ERRORS.throttle!, PROXY_ERRORS.throttle!);
    const client = withRetries(inner, { retries: 2, sleep: async () => {} });
    const context: InvokeContext = { credentials: undefined, requestId: "r", fault: "throttle" };
    expect((await client.invoke(REQUEST, context)).status).toBe(200);
    expect(inner.contexts).toEqual([context, context, context]);
  });

  test("the last failing answer is returned as it came (byte for byte)", async () => {
    const inner = scripted(PROXY_ERRORS.timeout!, PROXY_ERRORS.timeout!);
    const client = withRetries(inner, { retries: 1, sleep: async () => {} });
    expect(await client.invoke(REQUEST, { credentials: undefined, requestId: "r" })).toBe(
      PROXY_ERRORS.timeout,
    );
  });

  test("the backoff grows and is capped; Retry-After wins but is capped too", async () => {
    const sleeps: number[] = [];
    const busy = { ...PROXY_ERRORS.throttle!, headers: { "retry-after": "600" } };
    const inner = scripted(PROXY_ERRORS.throttle!, PROXY_ERRORS.throttle!, PROXY_ERRORS.throttle!, busy);
    const client = withRetries(inner, {
      retries: 4,
      baseDelayMs: 1_000,
      maxDelayMs: 3_000,
      random: () => 1,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await client.invoke(REQUEST, { credentials: undefined, requestId: "r" });
    expect(sleeps).toEqual([1_000, 2_000, 3_000, 3_000]);
  });

  test("non-GatewayErrors (bugs) are not retried", async () => {
    const inner = scripted(new TypeError("bug"));
    const client = withRetries(inner, { retries: 3, sleep: async () => {} });
    await expect(client.invoke(REQUEST, { credentials: undefined, requestId: "r" })).rejects.toThrow("bug");
    expect(inner.contexts).toHaveLength(1);
  });

  test("a client that leaves during the backoff stops the retries", async () => {
    const abort = new AbortController();
    const inner = scripted(upstreamUnreachable("ECONNRESET"), upstreamUnreachable("ECONNRESET"));
    const client = withRetries(inner, { retries: 3, sleep: async () => abort.abort() });
    const error = await client
      .invoke(REQUEST, { credentials: undefined, requestId: "r", signal: abort.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "client_closed" });
    expect(inner.contexts).toHaveLength(1);
  });
});
