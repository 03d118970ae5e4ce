// The one pipeline (http/pipeline.ts): every request walks the shared steps once — path matching, body
// reading in every encoding, limits, the API-key check, request ids, the access log and metrics — then a
// face serves it on node:http, or the Express control plane routes it.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import type { ConfigOverrides } from "../../src/config/types.ts";
import { createApp } from "../../src/server/app.ts";
import { createSurfaces } from "../../src/server/surfaces.ts";
import { createUpstream } from "../../src/server/upstream.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { sequentialIds } from "../../src/shared/ids.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { createMetrics } from "../../src/shared/metrics.ts";
import { HAIKU3, TEAM, TEAMS } from "../upstream/mock/harness.ts";

function gateway(overrides: ConfigOverrides = {}) {
  const { config } = loadConfig({
    implicitFile: false,
    env: {},
    overrides: {
      ...overrides,
      mock: { teams: TEAMS },
      server: { body_limit_bytes: 4096, ...overrides.server },
    },
  });
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(JSON.parse(line));
      done();
    },
  });
  const deps = {
    config,
    clock: new ManualClock(Date.UTC(2026, 0, 5, 9)),
    ids: sequentialIds(),
    logger: createLogger("info", sink),
    metrics: createMetrics({ defaultMetrics: false }),
  };
  const stack = createUpstream(deps);
  const app = createApp({ ...deps, upstream: stack.upstream, ...createSurfaces({ ...deps, stack }) });
  return { app, lines, metrics: deps.metrics };
}

const CHAT = { model: HAIKU3, messages: [{ role: "user", content: "Hello there" }], max_tokens: 20 };
const BEARER = `Bearer ${TEAM.team_id}:${TEAM.api_token}`;

function chat(app: ReturnType<typeof gateway>["app"], path = "/v1/chat/completions") {
  return request(app).post(path).set("authorization", BEARER);
}

/** The app on a real port, and a raw socket to it (requests written by hand, cut where a test wants). */
async function rawClient(
  app: ReturnType<typeof gateway>["app"],
): Promise<{ server: Server; socket: Socket }> {
  const server = createServer(app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
  socket.on("error", () => undefined);
  return { server, socket };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe("the pipeline", () => {
  it("matches paths as Express did: any case, an optional trailing slash, a query string", async () => {
    const { app } = gateway();
    const plain = await chat(app).send(CHAT);
    expect(plain.status).toBe(200);
    for (const path of ["/v1/chat/completions/", "/V1/Chat/Completions", "/v1/chat/completions?x=1"]) {
      const res = await chat(app, path).send(CHAT);
      expect(res.status, path).toBe(200);
      expect(res.body.choices[0].message.content).toBe(plain.body.choices[0].message.content);
    }
  });

  it("leaves other methods and paths to Express", async () => {
    const { app } = gateway();
    const get = await request(app).get("/v1/chat/completions");
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe("unknown_route");
    const preflight = await request(app).options("/prod/invoke");
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-methods"]).toBe("POST, OPTIONS");
    const models = await request(app).get("/v1/models");
    expect(models.status).toBe(200);
  });

  it("reads gzip bodies and declared charsets through body-parser, with the same answer", async () => {
    const { app } = gateway();
    const plain = await chat(app).send(CHAT);
    const json = JSON.stringify(CHAT);
    // (as octet-stream so that supertest sends the bytes as they are; the gateway reads any type as JSON)
    const zipped = await chat(app)
      .set("content-type", "application/octet-stream")
      .set("content-encoding", "gzip")
      .send(gzipSync(json));
    expect(zipped.status).toBe(200);
    expect(zipped.body.choices[0].message.content).toBe(plain.body.choices[0].message.content);
    const utf8 = await chat(app).set("content-type", "application/json; charset=UTF-8").send(json);
    expect(utf8.status).toBe(200);
    const latin1 = await chat(app).set("content-type", "application/json; charset=latin1").send(json);
    expect(latin1.status).toBe(415);
    expect(latin1.body.error.code).toBe("unsupported_media_type");
  });

  it("reads a body with a byte-order mark, and an empty body as {}", async () => {
    const { app } = gateway();
    const bom = await chat(app)
      .set("content-type", "application/json")
      .send(`\uFEFF${JSON.stringify(CHAT)}`);
    expect(bom.status).toBe(200);
    const empty = await chat(app).set("content-type", "application/json").send("");
    expect(empty.status).toBe(400);
    expect(empty.body.error.param).toBe("model");
  });

  it("refuses bad JSON, deep nesting and oversized bodies in each surface's own shape", async () => {
    const { app } = gateway();
    const bad = await chat(app).set("content-type", "application/json").send("{nope");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const deep = await chat(app)
      .set("content-type", "application/json")
      .send("[".repeat(200) + "]".repeat(200));
    expect(deep.status).toBe(400);
    expect(deep.body.error.code).toBe("invalid_json");

    const big = { ...CHAT, messages: [{ role: "user", content: "x".repeat(5000) }] };
    const tooLarge = await chat(app).send(big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe("request_too_large");
    const invoke = await request(app)
      .post("/prod/invoke")
      .send({ team_id: TEAM.team_id, api_token: TEAM.api_token, ...big });
    expect(invoke.status).toBe(413);
    expect(invoke.body).toEqual({ message: "Request Entity Too Large" });
    const spelledOtherwise = await request(app).post("/PROD/invoke/").send(big);
    expect(spelledOtherwise.body).toEqual({ message: "Request Entity Too Large" });
  });

  it("counts nesting, not brackets: many shallow arrays pass, 129 levels do not", async () => {
    const { app } = gateway();
    const send = (text: string) => chat(app).set("content-type", "application/json").send(text);
    const shallow = await send(`{"model":${JSON.stringify(HAIKU3)},"x":[${"[],".repeat(300)}[]]}`);
    expect(shallow.body.error?.code).not.toBe("invalid_json");
    const deepest = await send(`{"x":${"[".repeat(127)}${"]".repeat(127)}}`);
    expect(deepest.body.error?.code).not.toBe("invalid_json");
    const tooDeep = await send(`{"x":${"[".repeat(128)}${"]".repeat(128)}}`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.error.code).toBe("invalid_json");
  });

  it("refuses a body that grows past the limit without a Content-Length (chunked)", async () => {
    const { app } = gateway();
    const req = chat(app).set("content-type", "application/json").set("transfer-encoding", "chunked");
    req.write(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"`);
    req.write("y".repeat(5000));
    const res = await req.send(`"}]}`);
    expect(res.status).toBe(413);
  });

  it("checks server.api_keys before reading the body", async () => {
    const { app } = gateway({ server: { api_keys: ["sk-good"] } });
    const res = await request(app)
      .post("/v1/chat/completions")
      .set("authorization", "Bearer sk-bad")
      .set("content-type", "application/json")
      .send("{not json");
    expect(res.status).toBe(401);
    const ok = await request(app)
      .post("/v1/chat/completions")
      .set("authorization", "Bearer sk-good")
      .send(CHAT);
    expect(ok.status).toBe(200);
  });

  it("runs one API-key check for every route that acts for a team, with the key as bearer or x-api-key", async () => {
    const { app } = gateway({ server: { api_keys: ["sk-good"] } });
    for (const [method, path] of [
      ["post", "/v1/chat/completions"],
      ["get", "/v1/models"],
      ["get", "/quota"],
      ["get", "/gpu/instances"],
    ] as const) {
      const refused = await request(app)[method](path).set("authorization", "Bearer sk-bad");
      expect(refused.status, `${method} ${path}`).toBe(401);
      expect(refused.body.error).toMatchObject({ type: "authentication_error" });
    }
    const anthropicStyle = await request(app).get("/v1/models").set("x-api-key", "sk-good");
    expect(anthropicStyle.status).toBe(200);
    // The proxy's own surface and health stay open: they carry their own credentials or none.
    expect((await request(app).get("/healthz")).status).toBe(200);
  });

  it("walks the shared steps before a control-plane route too: one request id, one log line, the browser guard", async () => {
    const { app, lines } = gateway();
    const res = await request(app).get("/v1/models").set("x-request-id", "ctl.1");
    expect(res.headers["x-request-id"]).toBe("ctl.1");
    await expect.poll(() => lines.filter((l) => l.msg === "request").length).toBe(1);
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ requestId: "ctl.1", status: 200 });
    const foreign = await request(app).get("/v1/models").set("origin", "https://evil.example");
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toMatchObject({ code: "origin_forbidden" });
  });

  it("gives each request an id, one access-log line and a metric under its route", async () => {
    const { app, lines, metrics } = gateway();
    const own = await chat(app).set("x-request-id", "my-trace.1").send(CHAT);
    expect(own.headers["x-request-id"]).toBe("my-trace.1");
    const fresh = await chat(app).send({ ...CHAT, model: "no-such-model" });
    expect(fresh.headers["x-request-id"]).toMatch(/^req_/);

    await expect.poll(() => lines.filter((l) => l.msg === "request").length).toBe(2);
    const [first, second] = lines.filter((l) => l.msg === "request");
    expect(first).toMatchObject({
      requestId: "my-trace.1",
      method: "POST",
      path: "/v1/chat/completions",
      status: 200,
      model: HAIKU3,
    });
    expect(second).toMatchObject({ status: 404, error: "model_not_found" });
    for (const line of lines) expect(JSON.stringify(line)).not.toContain(TEAM.api_token);

    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'bpg_http_requests_total{method="POST",route="/v1/chat/completions",status="200"} 1',
    );
    expect(text).toContain(
      'bpg_http_requests_total{method="POST",route="/v1/chat/completions",status="404"} 1',
    );
  });

  it("logs a client that left mid-body as 499 client_closed, not as the 200 a response starts with", async () => {
    const { app, lines, metrics } = gateway();
    const { server, socket } = await rawClient(app);
    try {
      await new Promise((resolve) => socket.once("connect", resolve));
      const arrived = new Promise((resolve) => server.once("request", resolve));
      socket.write(
        "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
          `Authorization: ${BEARER}\r\nContent-Length: 500\r\n\r\n{"model":`,
      );
      await arrived; // the server is inside the request, reading its body
      socket.destroy();
      await expect.poll(() => lines.filter((l) => l.msg === "request").length).toBe(1);
      expect(lines.find((l) => l.msg === "request")).toMatchObject({
        status: 499,
        aborted: true,
        error: "client_closed",
      });
      expect(await metrics.registry.metrics()).toContain(
        'bpg_http_requests_total{method="POST",route="/v1/chat/completions",status="499"} 1',
      );
    } finally {
      await stop(server);
    }
  });

  it("logs the gateway's own cut (an upstream reset mirrored on /prod/invoke) as 502, not as the client leaving", async () => {
    const { app, lines, metrics } = gateway({ upstream: { retries: 0 } });
    const { server, socket } = await rawClient(app);
    try {
      const closed = new Promise((resolve) => socket.once("close", resolve));
      const body = JSON.stringify({
        model: HAIKU3,
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 8,
      });
      socket.write(
        "POST /prod/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
          `X-Team-ID: ${TEAM.team_id}\r\nX-API-Token: ${TEAM.api_token}\r\nX-Mock-Fault: reset\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      await closed;
      await expect.poll(() => lines.filter((l) => l.msg === "request").length).toBe(1);
      expect(lines.find((l) => l.msg === "request")).toMatchObject({
        status: 502,
        aborted: true,
        error: "upstream_reset",
      });
      expect(await metrics.registry.metrics()).toContain(
        'bpg_http_requests_total{method="POST",route="/prod/invoke",status="502"} 1',
      );
    } finally {
      await stop(server);
    }
  });

  it("logs a request cut by a shutdown past its grace period as 503 shutdown", async () => {
    const { app, lines } = gateway();
    const { server, socket } = await rawClient(app);
    await new Promise((resolve) => socket.once("connect", resolve));
    const arrived = new Promise((resolve) => server.once("request", resolve));
    socket.write(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        `Authorization: ${BEARER}\r\nContent-Length: 500\r\n\r\n{"model":`,
    );
    await arrived; // the server is inside the request, reading its body
    const stopped = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await stopped;
    await expect.poll(() => lines.filter((l) => l.msg === "request").length).toBe(1);
    expect(lines.find((l) => l.msg === "request")).toMatchObject({
      status: 503,
      aborted: true,
      error: "shutdown",
    });
  });
});
