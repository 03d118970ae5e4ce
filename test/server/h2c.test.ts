// HTTP/2 with prior knowledge (h2c) and HTTP/1.1 on the gateway's one port (CONTRACT §3d): the AWS SDK
// v3 speaks the first, everything else the second. Every route — the hot lane's faces and the Express
// control plane — answers the same over both, and close() ends HTTP/2 sessions too.
import { connect, type ClientHttp2Session } from "node:http2";
import { createConnection } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
let session: ClientHttp2Session;

interface H2Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/** One HTTP/2 request; `chunks` are written one by one with no content-length (a streamed body). */
function h2(
  method: string,
  path: string,
  chunks: string[] = [],
  headers: Record<string, string> = {},
): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request(
      { ":method": method, ":path": path, ...headers },
      { endStream: chunks.length === 0 },
    );
    let status = 0;
    let responseHeaders: Record<string, unknown> = {};
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      responseHeaders = h;
    });
    stream.on("data", (d: string) => (body += d));
    stream.on("end", () => resolve({ status, headers: responseHeaders, body }));
    stream.on("error", reject);
    for (const chunk of chunks) stream.write(chunk);
    if (chunks.length > 0) stream.end();
  });
}

const chat = (stream: boolean): string =>
  JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Say hi" }],
    max_tokens: 30,
    stream,
  });

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
  session = connect(gw.url);
});
afterAll(async () => {
  session.close();
  await gw.close();
});

describe("HTTP/2 with prior knowledge", () => {
  test("the Express control plane: /healthz, /v1/models, /quota, an unknown route", async () => {
    const health = await h2("GET", "/healthz");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: "ok", mode: "mock" });
    expect(health.headers["x-request-id"]).toBeTruthy();
    const models = await h2("GET", "/v1/models");
    expect(JSON.parse(models.body).data.length).toBeGreaterThanOrEqual(28);
    const quota = await h2("GET", "/quota");
    expect(quota.status).toBe(200);
    const missing = await h2("GET", "/nowhere");
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe("unknown_route");
  });

  test("admin routes see the loopback peer address through the HTTP/2 stream", async () => {
    const reset = await h2("POST", "/admin/reset", ["{}"], { "content-type": "application/json" });
    expect(reset.status).toBe(200);
  });

  test("the hot lane: chat completions (JSON and SSE) and /prod/invoke, with a body sent in pieces", async () => {
    const body = chat(false);
    const plain = await h2("POST", "/v1/chat/completions", [body.slice(0, 20), body.slice(20)], {
      "content-type": "application/json",
    });
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body).object).toBe("chat.completion");

    const sse = await h2("POST", "/v1/chat/completions", [chat(true)], {
      "content-type": "application/json",
    });
    expect(sse.headers["content-type"]).toMatch(/text\/event-stream/);
    expect(sse.body.trimEnd().endsWith("data: [DONE]")).toBe(true);

    const invoke = await h2("POST", "/prod/invoke", [
      JSON.stringify({
        team_id: "demo",
        api_token: "demo-token",
        model: "us.amazon.nova-micro-v1:0",
        messages: [{ role: "user", content: "Hi" }],
        max_tokens: 20,
      }),
    ]);
    expect(invoke.status).toBe(200);
    expect(Object.keys(JSON.parse(invoke.body))).toEqual(["content", "usage", "metadata"]);
  });

  test("HTTP/1.1 on the same port still answers, kept alive", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${gw.url}/healthz`);
      expect(res.status).toBe(200);
    }
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", body: chat(false) });
    expect(res.status).toBe(200);
  });
});

describe("connections that say nothing", () => {
  test("are closed after server.headersTimeout, as HTTP/1.1 bounds a request's headers", async () => {
    const other = await startTestGateway({ mode: "mock" });
    other.server.headersTimeout = 100;
    try {
      const socket = createConnection(other.port, "127.0.0.1");
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
      expect(socket.bytesWritten).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe("shutdown", () => {
  test("close() resolves while an idle HTTP/2 session is open (GOAWAY)", async () => {
    const other = await startTestGateway({ mode: "mock" });
    const idle = connect(other.url);
    await new Promise<void>((resolve) => idle.once("connect", () => resolve()));
    const closed = new Promise<void>((resolve) => idle.once("close", () => resolve()));
    await other.close();
    await closed;
    expect(idle.destroyed).toBe(true);
  });
});
