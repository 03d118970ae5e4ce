// The live client against undici's MockAgent (no network): credentials in body and headers, answers
// passed on as they came, each PROXY.md error mapped by the one factory, timeouts, resets, bad JSON.
// Then over a real socket on 127.0.0.1 through the client's own pool: the transport failures again.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MockAgent } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { LazyAbort } from "../../../src/http/cancel.ts";
import { createLogger } from "../../../src/shared/logger.ts";
import { GatewayError } from "../../../src/shared/errors.ts";
import { createLiveClient } from "../../../src/upstream/live/client.ts";
import { withRetries } from "../../../src/upstream/retry.ts";
import type {
  InvokeContext,
  InvokeRequest,
  UpstreamClient,
  UpstreamResponse,
} from "../../../src/upstream/types.ts";
import { PROXY_ERRORS } from "../../helpers/upstream-double.ts";

/** The typed error the upstream's result carries (undefined for an answer). */
const errorOf = (response: UpstreamResponse) => (response.ok ? undefined : response.error);

const ORIGIN = "https://proxy.example.test";
const URL_ = `${ORIGIN}/prod/invoke`;
const REQUEST: InvokeRequest = {
  model: "us.anthropic.claude-3-haiku-20240307-v1:0",
  messages: [{ role: "user", content: "2+2?" }],
  max_tokens: 10,
};
const CONTEXT: InvokeContext = {
  credentials: { teamId: "team_1", apiToken: "tok_secret", teamField: "team_id" },
  requestId: "req_1",
};
// A recorded-shape success (PROXY.md "Success response").
const SUCCESS =
  '{"content": [{"type": "text", "text": "4"}], "usage": {"input_tokens": 14, "output_tokens": 5, "total_tokens": 19}, "metadata": {"team_id": "team_1", "model": "us.anthropic.claude-3-haiku-20240307-v1:0", "cost_usd": 1e-05, "latency_ms": 539.97, "remaining_quota": {"requests_today": 5, "tokens_today": 165, "llm_cost": 2.15215495, "gpu_cost": 0.0, "total_cost": 2.15215495, "budget_limit": 50.0, "remaining_budget": 47.847845050000004, "budget_usage_percent": 4.3043099}}}';

let agent: MockAgent;
let client: UpstreamClient;

/** A client over the MockAgent: URL_, 1 s timeout, silent logs, unless overridden. */
function mockedClient(overrides: Partial<Parameters<typeof createLiveClient>[0]> = {}): UpstreamClient {
  return createLiveClient({
    url: URL_,
    timeoutMs: 1_000,
    logger: createLogger("silent"),
    dispatcher: agent,
    ...overrides,
  });
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  client = mockedClient();
});
afterEach(() => agent.close());

const pool = () => agent.get(ORIGIN);

describe("success", () => {
  test("sends credentials in body and headers and returns the answer byte for byte", async () => {
    let seen: { body: unknown; headers: Record<string, string> } | undefined;
    pool()
      .intercept({ path: "/prod/invoke", method: "POST" })
      .reply(
        200,
        (opts) => {
          seen = { body: JSON.parse(String(opts.body)), headers: opts.headers as Record<string, string> };
          return SUCCESS;
        },
        {
          headers: { "content-type": "application/json", "x-amzn-RequestId": "abc-123", "set-cookie": "x=y" },
        },
      );

    const response = await client.invoke(REQUEST, CONTEXT);
    expect(response.status).toBe(200);
    expect(response.text()).toBe(SUCCESS);
    expect(response.headers).toEqual({ "content-type": "application/json", "x-amzn-requestid": "abc-123" });
    expect(seen?.body).toEqual({ team_id: "team_1", api_token: "tok_secret", ...REQUEST });
    expect(seen?.headers["x-team-id"]).toBe("team_1");
    expect(seen?.headers["x-api-token"]).toBe("tok_secret");
    expect(seen?.headers["user-agent"]).toMatch(/^bedrock-proxy-gateway\//);
    expect(response.ok && response.answer.content).toEqual([{ type: "text", text: "4" }]);
  });

  test("participant_id deployments get the team under that field", async () => {
    let body: Record<string, unknown> = {};
    pool()
      .intercept({ path: "/prod/invoke", method: "POST" })
      .reply(200, (opts) => ((body = JSON.parse(String(opts.body))), SUCCESS));
    await client.invoke(REQUEST, {
      ...CONTEXT,
      credentials: { ...CONTEXT.credentials!, teamField: "participant_id" },
    });
    expect(body.participant_id).toBe("team_1");
    expect(body.team_id).toBeUndefined();
  });

  test("without credentials nothing is invented: the proxy answers 401", async () => {
    let seen: { body: Record<string, unknown>; headers: Record<string, string> } | undefined;
    pool()
      .intercept({ path: "/prod/invoke", method: "POST" })
      .reply((opts) => {
        seen = { body: JSON.parse(String(opts.body)), headers: opts.headers as Record<string, string> };
        return { statusCode: 401, data: PROXY_ERRORS.unauthorized!.text() };
      });
    const response = await client.invoke(REQUEST, { requestId: "r", credentials: undefined });
    expect(response.status).toBe(401);
    expect(seen?.body.api_token).toBeUndefined();
    expect(seen?.headers["x-api-token"]).toBeUndefined();
    expect(errorOf(response)?.code).toBe("invalid_api_key");
  });
});

describe("each PROXY.md error comes back as an answer and maps by meaning", () => {
  test.each([
    ["unauthorized", 401, "invalid_api_key", false],
    ["forbidden", 403, "model_not_allowed", false],
    ["budget", 429, "insufficient_quota", false],
    ["malformed_request", 400, "invalid_request_error", false],
    ["validation", 400, "invalid_request_error", false],
    ["context", 400, "context_length_exceeded", false],
    ["unknown_model", 404, "model_not_found", false],
    ["throttle", 429, "rate_limit_exceeded", true],
    ["500", 503, "upstream_unavailable", true],
    ["timeout", 504, "upstream_timeout", true],
    ["too_large", 413, "request_too_large", false],
  ])("%s → %i %s", async (name, status, code, retry) => {
    const answer = PROXY_ERRORS[name]!;
    pool()
      .intercept({ path: "/prod/invoke", method: "POST" })
      .reply(answer.status, answer.text(), { headers: answer.headers });
    const response = await client.invoke(REQUEST, CONTEXT);
    expect(response).toMatchObject({
      ok: false,
      status: answer.status,
      headers: { "content-type": "application/json" },
    });
    expect(response.text()).toBe(answer.text());
    const error = errorOf(response)!;
    expect({ status: error.status, code: error.code, retry: error.shouldRetry }).toEqual({
      status,
      code,
      retry,
    });
    expect(error.message).not.toContain("tok_secret");
  });
});

describe("transport failures", () => {
  test("no answer within upstream.timeout_ms → 504 upstream_timeout", async () => {
    const slow = mockedClient({ timeoutMs: 30 });
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(200, SUCCESS).delay(2_000);
    const error = await slow.invoke(REQUEST, CONTEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 504, code: "upstream_timeout", shouldRetry: true });
  });

  test("connection reset → 502 upstream_reset (connected, then dropped: not unreachable)", async () => {
    pool()
      .intercept({ path: "/prod/invoke", method: "POST" })
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const error = await client.invoke(REQUEST, CONTEXT).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "upstream_reset", shouldRetry: true });
  });

  test("unreachable host (network disabled) → 502 upstream_unreachable", async () => {
    const elsewhere = mockedClient({ url: "https://nowhere.example.test/prod/invoke" });
    const error = await elsewhere.invoke(REQUEST, CONTEXT).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "upstream_unreachable" });
  });

  test("invalid JSON in a 200 is passed on as is, classified as the retryable 502 upstream_malformed", async () => {
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(200, "<html>oops</html>");
    const response = await client.invoke(REQUEST, CONTEXT);
    expect(response.status).toBe(200);
    expect(response.text()).toBe("<html>oops</html>");
    expect(errorOf(response)).toMatchObject({ status: 502, code: "upstream_malformed", shouldRetry: true });
  });

  test("a client already gone sends nothing", async () => {
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(200, SUCCESS);
    const abort = new AbortController();
    abort.abort();
    const error = await client.invoke(REQUEST, { ...CONTEXT, signal: abort.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 499, code: "client_closed" });
    expect(agent.pendingInterceptors()).toHaveLength(1);
  });

  test("an upstream.url that is not an http(s) URL → 502 upstream_unreachable", async () => {
    const broken = mockedClient({ url: "http://" });
    const error = await broken.invoke(REQUEST, CONTEXT).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "upstream_unreachable" });
  });

  test("the URL's query string is sent", async () => {
    const staged = mockedClient({ url: `${URL_}?stage=beta` });
    pool().intercept({ path: "/prod/invoke?stage=beta", method: "POST" }).reply(200, SUCCESS);
    expect((await staged.invoke(REQUEST, CONTEXT)).text()).toBe(SUCCESS);
  });

  test("a client that went away aborts the request", async () => {
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(200, SUCCESS).delay(2_000);
    const abort = new AbortController();
    const pending = client.invoke(REQUEST, { ...CONTEXT, signal: abort.signal }).catch((e: unknown) => e);
    abort.abort();
    expect(await pending).toMatchObject({ code: "client_closed" });
  });
});

describe("withRetries around the live client", () => {
  function retrying(sleeps: number[]): UpstreamClient {
    return withRetries(client, {
      retries: 2,
      baseDelayMs: 100,
      random: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
    });
  }

  test("throttling is retried with backoff, then succeeds", async () => {
    const sleeps: number[] = [];
    const t = PROXY_ERRORS.throttle!;
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(t.status, t.text()).times(2);
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(200, SUCCESS);
    const response = await retrying(sleeps).invoke(REQUEST, CONTEXT);
    expect(response.status).toBe(200);
    expect(sleeps).toEqual([50, 100]); // equal jitter with random() = 0: half of 100, half of 200
  });

  test("Retry-After is honoured", async () => {
    const sleeps: number[] = [];
    pool()
      .intercept({ path: "/prod/invoke", method: "POST" })
      .reply(503, "Service Unavailable", { headers: { "retry-after": "2" } });
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(200, SUCCESS);
    expect((await retrying(sleeps).invoke(REQUEST, CONTEXT)).status).toBe(200);
    expect(sleeps).toEqual([2_000]);
  });

  test("resets are retried; a persistent failure comes back after the last attempt", async () => {
    const sleeps: number[] = [];
    pool()
      .intercept({ path: "/prod/invoke", method: "POST" })
      .replyWithError(Object.assign(new Error("reset"), { code: "ECONNRESET" }))
      .times(3);
    const error = await retrying(sleeps)
      .invoke(REQUEST, CONTEXT)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "upstream_reset" });
    expect(sleeps).toHaveLength(2);
  });

  test.each(["budget", "forbidden", "validation", "unauthorized"])("%s is never retried", async (name) => {
    const sleeps: number[] = [];
    const answer = PROXY_ERRORS[name]!;
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(answer.status, answer.text());
    expect((await retrying(sleeps).invoke(REQUEST, CONTEXT)).status).toBe(answer.status);
    expect(sleeps).toEqual([]);
  });
});

describe("oversized answers", () => {
  test("an answer larger than the cap is refused as malformed, not buffered", async () => {
    const capped = mockedClient({ maxResponseBytes: 1024 });
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(200, "x".repeat(4096));
    await expect(capped.invoke(REQUEST, CONTEXT)).rejects.toMatchObject({
      code: "upstream_malformed",
      status: 502,
    });
    pool().intercept({ path: "/prod/invoke", method: "POST" }).reply(200, SUCCESS);
    expect((await capped.invoke(REQUEST, CONTEXT)).text()).toBe(SUCCESS);
  });

  test("an answer whose declared length is over the cap is refused before its body", async () => {
    const capped = mockedClient({ maxResponseBytes: 1024 });
    pool()
      .intercept({ path: "/prod/invoke", method: "POST" })
      .reply(200, "{}", { headers: { "content-length": "4096" } });
    await expect(capped.invoke(REQUEST, CONTEXT)).rejects.toMatchObject({ code: "upstream_malformed" });
  });
});

describe("over a real socket, through the client's own pool", () => {
  /** How the stand-in proxy treats the next request, by the prompt it carries. */
  const behaviours: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    ok: (_req, res) =>
      res
        .writeHead(200, { "content-type": "application/json", "X-Amzn-RequestId": "r1", "Set-Cookie": "s=1" })
        .end(SUCCESS),
    reset: (req) => req.socket.destroy(),
    silent: () => undefined, // never answers
    huge: (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }); // chunked: no declared length
      for (let i = 0; i < 8; i++) res.write("x".repeat(1024));
      res.end();
    },
  };
  const arrived: string[] = [];
  const closed: string[] = [];
  let server: Server;
  let live: UpstreamClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (d: Buffer) => (text += d.toString()));
      req.on("end", () => {
        const prompt = (JSON.parse(text) as InvokeRequest).messages[0]!.content as string;
        arrived.push(prompt);
        res.on("close", () => {
          if (!res.writableFinished) closed.push(prompt);
        });
        behaviours[prompt]!(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    live = createLiveClient({
      url: `http://127.0.0.1:${port}/prod/invoke`,
      timeoutMs: 300,
      logger: createLogger("silent"),
      maxResponseBytes: 4096,
    });
  });
  afterAll(async () => {
    await live.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const ask = (prompt: string, signal?: AbortSignal, through: UpstreamClient = live) =>
    through.invoke(
      { ...REQUEST, messages: [{ role: "user", content: prompt }] },
      signal === undefined ? CONTEXT : { ...CONTEXT, signal },
    );

  test("answers come back byte for byte, concurrent calls included", async () => {
    const answers = await Promise.all([ask("ok"), ask("ok"), ask("ok")]);
    for (const response of answers) {
      expect(response).toMatchObject({
        ok: true,
        status: 200,
        headers: { "content-type": "application/json", "x-amzn-requestid": "r1" },
      });
      expect(response.text()).toBe(SUCCESS);
    }
  });

  test("a dropped connection → 502 upstream_reset, and the next call goes through", async () => {
    await expect(ask("reset")).rejects.toMatchObject({ status: 502, code: "upstream_reset" });
    expect((await ask("ok")).status).toBe(200);
  });

  test("no answer within the timeout → 504 upstream_timeout, and the connection is dropped", async () => {
    await expect(ask("silent")).rejects.toMatchObject({ status: 504, code: "upstream_timeout" });
    await expect.poll(() => closed).toContain("silent");
    expect((await ask("ok")).status).toBe(200);
  });

  test("an answer over the cap is refused mid-body, and the next call goes through", async () => {
    await expect(ask("huge")).rejects.toMatchObject({ status: 502, code: "upstream_malformed" });
    expect((await ask("ok")).text()).toBe(SUCCESS);
  });

  /** A client with a deadline far away (only an abort can close its connection), on fresh logs. */
  function patientClient(): UpstreamClient {
    closed.length = 0;
    arrived.length = 0;
    return createLiveClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod/invoke`,
      timeoutMs: 60_000,
      logger: createLogger("silent"),
    });
  }

  test("a client going away mid-request aborts it upstream", async () => {
    const patient = patientClient();
    const abort = new AbortController();
    const pending = ask("silent", abort.signal, patient).catch((e: unknown) => e);
    await expect.poll(() => arrived).toContain("silent");
    abort.abort();
    expect(await pending).toMatchObject({ status: 499, code: "client_closed" });
    await expect.poll(() => closed).toContain("silent");
    await patient.close();
  });

  test("the gateway's own contexts: a listener, no AbortSignal, stops the attempt and the connection", async () => {
    const patient = patientClient();
    const abort = new LazyAbort();
    const context: InvokeContext = { ...CONTEXT, onClientGone: (listener) => abort.listen(listener) };
    const request = { ...REQUEST, messages: [{ role: "user" as const, content: "silent" }] };
    const pending = patient.invoke(request, context).catch((e: unknown) => e);
    await expect.poll(() => arrived).toContain("silent");
    abort.abort();
    expect(await pending).toMatchObject({ status: 499, code: "client_closed" });
    await expect.poll(() => closed).toContain("silent");
    // Gone before the call: nothing is sent.
    arrived.length = 0;
    expect(await patient.invoke(request, context).catch((e: unknown) => e)).toMatchObject({
      code: "client_closed",
    });
    expect(arrived).toEqual([]);
    await patient.close();
  });
});
