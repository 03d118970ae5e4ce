// The SSE writer and the /v1 stream on the wire: exact frames, [DONE], the mid-stream error frame, and
// work stopping when the client goes away.
import { request as httpRequest } from "node:http";
import express from "express";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSseWriter } from "../../src/http/sse.ts";
import type { InvokeContext, UpstreamClient } from "../../src/upstream/types.ts";
import { startTestGateway, testConfig, type TestGateway } from "../helpers/v1-gateway.ts";
import { assertSpec } from "../helpers/openai-spec.ts";
import { createUpstreamDouble } from "../helpers/upstream-double.ts";
import { inferenceInFlight } from "../helpers/metrics.ts";

describe("SSE writer", () => {
  test("frames, then [DONE]", async () => {
    const app = express();
    app.get("/s", async (_req, res) => {
      const writer = createSseWriter(res);
      writer.open();
      await writer.send({ a: 1 });
      await writer.send({ b: "x\ny" });
      writer.done();
    });
    const res = await supertest(app).get("/s");
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache, no-transform");
    expect(res.text).toBe('data: {"a":1}\n\ndata: {"b":"x\\ny"}\n\ndata: [DONE]\n\n');
  });

  test("named events, and an end without [DONE] (the Responses stream)", async () => {
    const app = express();
    app.get("/s", async (_req, res) => {
      const writer = createSseWriter(res);
      writer.open();
      await writer.send({ type: "response.created" }, "response.created");
      await writer.send({ a: 1 });
      writer.end();
    });
    const res = await supertest(app).get("/s");
    expect(res.text).toBe('event: response.created\ndata: {"type":"response.created"}\n\ndata: {"a":1}\n\n');
  });

  test("a mid-stream error is one error frame and no [DONE]", async () => {
    const app = express();
    app.get("/s", async (_req, res) => {
      const writer = createSseWriter(res);
      writer.open();
      await writer.send({ a: 1 });
      writer.fail({ error: { message: "boom", type: "api_error", param: null, code: "upstream_error" } });
    });
    const res = await supertest(app).get("/s");
    expect(res.status).toBe(200);
    assertSpec("ErrorResponse", JSON.parse(res.text.split("\n\n")[1]!.slice("data: ".length)));
    expect(res.text).toBe(
      'data: {"a":1}\n\ndata: {"error":{"message":"boom","type":"api_error","param":null,"code":"upstream_error"}}\n\n',
    );
  });
});

describe("/v1/chat/completions stream on the wire", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(createUpstreamDouble());
  });
  afterAll(() => gw.close());

  test("exact frame sequence with include_usage", async () => {
    const res = await supertest(gw.url)
      .post("/v1/chat/completions")
      .send({
        model: "gpt-4o",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "hi" }],
      });
    expect(res.status).toBe(200);
    const frames = res.text.split("\n\n").filter((f) => f !== "");
    expect(frames.every((f) => f.startsWith("data: "))).toBe(true);
    expect(frames.at(-1)).toBe("data: [DONE]");
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice(6)) as Record<string, unknown>);
    const simplified = chunks.map((c) => {
      const choice = (c.choices as { delta: unknown; finish_reason: unknown }[])[0];
      return choice === undefined
        ? { usage: (c.usage as { total_tokens: number }).total_tokens > 0 }
        : { delta: choice.delta, finish: choice.finish_reason };
    });
    expect(simplified).toEqual([
      { delta: { role: "assistant", content: "" }, finish: null },
      { delta: { content: "You said: hi" }, finish: null },
      { delta: {}, finish: "stop" },
      { usage: true },
    ]);
    expect(Object.keys(chunks.at(-1)!)).toContain("bedrock");
    expect(chunks.slice(0, -1).every((c) => c.usage === null && !("bedrock" in c))).toBe(true);
  });
});

describe("client disconnects", () => {
  test("the upstream call is aborted when the client goes away", async () => {
    let aborted!: () => void;
    const wasAborted = new Promise<void>((resolve) => (aborted = resolve));
    let reached!: () => void;
    const upstreamReached = new Promise<void>((resolve) => (reached = resolve));
    const hanging: UpstreamClient = {
      invoke: (_request, context: InvokeContext) =>
        new Promise((_resolve, reject) => {
          reached();
          context.signal?.addEventListener("abort", () => {
            aborted();
            reject(new Error("aborted"));
          });
        }),
      close: () => Promise.resolve(),
    };
    const gw = await startTestGateway(hanging, testConfig());
    try {
      const req = httpRequest(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
      });
      req.on("error", () => {});
      req.end(JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }));
      await upstreamReached; // the request is inside the upstream call: hang up now
      req.destroy();
      await wasAborted;
    } finally {
      await gw.close();
    }
  });

  test("a paced stream is released when the client goes away", async () => {
    const config = testConfig();
    // One pause would outlast the test: only the client-gone signal can end the handler in time.
    config.mock.stream_tokens_per_second = 0.001;
    const gw = await startTestGateway(createUpstreamDouble(), config);
    try {
      const frames = await new Promise<number>((resolve) => {
        const req = httpRequest(
          `${gw.url}/v1/chat/completions`,
          { method: "POST", headers: { "content-type": "application/json" } },
          (res) => {
            res.once("data", (data: Buffer) => {
              req.destroy();
              resolve(data.toString().split("\n\n").length - 1);
            });
          },
        );
        req.on("error", () => {});
        req.end(
          JSON.stringify({
            model: "gpt-4o",
            stream: true,
            messages: [{ role: "user", content: "a long answer ".repeat(40) }],
          }),
        );
      });
      expect(frames).toBeGreaterThanOrEqual(1);
      // The handler settles instead of pacing through the remaining pieces.
      await expect.poll(() => inferenceInFlight(gw.url), { timeout: 10_000 }).toBe(0);
    } finally {
      await gw.close();
    }
  });
});
