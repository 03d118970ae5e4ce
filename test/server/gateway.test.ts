import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { drain } from "../../src/server/drain.ts";
import { VERSION } from "../../src/shared/version.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { captureLog, startTestGateway } from "../helpers/gateway.ts";

let gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  gateways = [];
});

async function start(options: Parameters<typeof startTestGateway>[0] = {}): Promise<Gateway> {
  const gw = await startTestGateway(options);
  gateways.push(gw);
  return gw;
}

/** POST raw bytes (fetch cannot send a body with a lying content-type as easily). */
function rawPost(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        url,
        { method: "POST", headers: { "content-type": "application/json", ...headers } },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    },
  );
}

const OPENAI_ERROR = {
  error: { message: expect.any(String), type: expect.any(String), param: null, code: expect.any(String) },
};

describe("startGateway", () => {
  it("listens on a free port on 127.0.0.1 and answers /healthz", async () => {
    const gw = await start();
    expect(gw.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gw.port).toBeGreaterThan(0);
    const res = await fetch(`${gw.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", mode: "mock", version: VERSION });
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("applies config overrides and reads no file or environment unless asked", async () => {
    const gw = await start({ mode: "live", mock: { seed: 9 } as never });
    expect(gw.config.mode).toBe("live");
    expect(gw.config.mock.seed).toBe(9);
    expect(gw.config.upstream.team_id).toBeNull();
    const withEnv = await start({ env: { BEDROCK_TEAM_ID: "team-from-env" } });
    expect(withEnv.config.upstream.team_id).toBe("team-from-env");
  });

  it("close() stops listening and can be called twice", async () => {
    const gw = await startTestGateway();
    await fetch(`${gw.url}/healthz`); // leaves a keep-alive socket open
    await Promise.all([gw.close(), gw.close()]);
    expect(gw.server.listening).toBe(false);
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
  });

  it("rejects an invalid override before listening", async () => {
    await expect(startTestGateway({ port: 70000 })).rejects.toThrow(/server\.port: must be <= 65535/);
  });
});

describe("drain", () => {
  it("lets an in-flight request finish, refuses new connections, then resolves", async () => {
    const app = express();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const handling = new Promise<void>((r) => (arrived = r));
    app.get("/slow", async (_req, res) => {
      arrived();
      await released;
      res.json({ done: true });
    });
    const server = createServer(app).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const inFlight = fetch(`${url}/slow`).then((r) => r.json());
    await handling;
    let drained = false;
    const draining = drain(server, 5_000).then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(drained).toBe(false);
    expect(server.listening).toBe(false);

    release();
    expect(await inFlight).toEqual({ done: true });
    await draining;
    expect(drained).toBe(true);
  });

  it("cuts connections that outlive the timeout", async () => {
    const server = createServer(() => {
      /* never answers */
    }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const hanging = fetch(url).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await drain(server, 100);
    expect(await hanging).toBeInstanceOf(Error);
  });
});

describe("HTTP errors in OpenAI format", () => {
  it("answers unknown routes with 404 unknown_route", async () => {
    const gw = await start();
    const res = await fetch(`${gw.url}/v2/nothing`);
    expect(res.status).toBe(404);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const body = await res.json();
    expect(body).toMatchObject(OPENAI_ERROR);
    expect(body).toMatchObject({ error: { type: "invalid_request_error", code: "unknown_route" } });
  });

  it("says where /gpu lives when the simulator is not the upstream", async () => {
    const gw = await start({ mode: "replay" });
    const res = await fetch(`${gw.url}/gpu/instance-types`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unknown_route");
    expect(body.error.message).toContain("served only when the simulator is the upstream");
  });

  it("says which /v1 APIs exist when a client asks for embeddings", async () => {
    const gw = await start({ mode: "mock" });
    const res = await fetch(`${gw.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "text-embedding-3-small", input: "hi" }),
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unknown_route");
    expect(body.error.message).toContain("POST /v1/messages (Anthropic)");
    expect(body.error.message).toContain("no embedding");
  });

  it("answers invalid JSON with 400 invalid_json", async () => {
    const gw = await start();
    const res = await rawPost(`${gw.url}/v1/chat/completions`, '{"model": ');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { type: "invalid_request_error", code: "invalid_json", param: null },
    });
  });

  it("answers a body over the limit with 413 request_too_large", async () => {
    const gw = await start({ server: { body_limit_bytes: 2048 } as never });
    const res = await rawPost(`${gw.url}/v1/chat/completions`, JSON.stringify({ pad: "x".repeat(4096) }));
    expect(res.status).toBe(413);
    const body = JSON.parse(res.body) as { error: { message: string } };
    expect(body).toMatchObject({ error: { type: "invalid_request_error", code: "request_too_large" } });
    expect(body.error.message).toMatch(/2048-byte limit/);
  });

  it("answers the proxy surface in the proxy's own error shape", async () => {
    const gw = await start({ server: { body_limit_bytes: 2048 } as never });
    const tooLarge = await rawPost(`${gw.url}/prod/invoke`, JSON.stringify({ pad: "x".repeat(4096) }));
    expect(tooLarge.status).toBe(413);
    expect(Object.keys(JSON.parse(tooLarge.body) as object)).toEqual(["message"]);
    const badJson = await rawPost(`${gw.url}/prod/invoke`, "{oops");
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body)).toMatchObject({
      error: expect.any(String),
      message: expect.any(String),
    });
  });

  it("refuses hostile nesting with 400 invalid_json on every surface, never a 500", async () => {
    const gw = await start();
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    for (const [path, body] of [
      ["/v1/chat/completions", `{"model":"gpt-4o","messages":[{"role":${deep}}]}`],
      ["/prod/invoke", `{"model":"x","extra":${deep}}`],
    ] as const) {
      const res = await rawPost(`${gw.url}${path}`, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/nested more than 128 levels/);
    }
  });

  it("answers a corrupt gzip body with 400, not 500", async () => {
    const gw = await start();
    const res = await rawPost(`${gw.url}/v1/chat/completions`, "definitely not gzip", {
      "content-encoding": "gzip",
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { type: "invalid_request_error", code: "invalid_body" },
    });
  });

  it("reads JSON sent without a JSON content type (curl -d)", async () => {
    const gw = await start();
    const res = await rawPost(`${gw.url}/v1/nothing`, '{"a":1}', {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(404); // parsed fine, then no such route — not a parse error
  });

  it("echoes a sane client request id and replaces an unsafe one", async () => {
    const gw = await start();
    const kept = await fetch(`${gw.url}/healthz`, { headers: { "x-request-id": "client-123" } });
    expect(kept.headers.get("x-request-id")).toBe("client-123");
    const replaced = await fetch(`${gw.url}/healthz`, { headers: { "x-request-id": "bad id\twith spaces" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("metrics and logs", () => {
  it("exposes Prometheus metrics including request counts", async () => {
    const gw = await start();
    await fetch(`${gw.url}/healthz`);
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/bpg_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(text).toContain("bpg_process_resident_memory_bytes");
  });

  it("counts the upstream cost of /v1 answers per model", async () => {
    const gw = await start();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "gpt-4o-mini",
        max_tokens: 20,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    const cost = Number(res.headers.get("x-bedrock-cost-usd"));
    expect(cost).toBeGreaterThan(0);
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    const line = text
      .split("\n")
      .find((l) => l.startsWith('bpg_cost_usd_total{model="us.anthropic.claude-haiku-4-5'));
    // The metric counts the unrounded cost (as /quota does); the header carries it rounded to 6 decimals.
    expect(Number(line?.split(" ")[1])).toBeCloseTo(cost, 6);
  });

  it("labels requests that never reached a route 'unmatched', whatever their path", async () => {
    const gw = await start();
    for (let i = 0; i < 3; i++) await rawPost(`${gw.url}/random-${i}`, "{not json");
    await fetch(`${gw.url}/nowhere-${Date.now()}`);
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toMatch(/bpg_http_requests_total\{method="POST",route="unmatched",status="400"\} 3/);
    expect(text).toMatch(/bpg_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).not.toMatch(/route="\/(random|nowhere)/);
  });

  it("writes one JSON line per request and never a credential from headers or body", async () => {
    const { logger, log } = captureLog();
    const gw = await start({ logger });
    const secrets = [
      "sk-header-secret-1",
      "tok-header-secret-2",
      "apikey-secret-3",
      "body-token-secret-4",
      "team-secret-5",
    ];
    await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secrets[0]}`,
        "x-api-token": secrets[1] as string,
        "x-api-key": secrets[2] as string,
        "x-team-id": secrets[4] as string,
        "content-type": "application/json",
      },
      body: JSON.stringify({ api_token: secrets[3], team_id: secrets[4], model: "x", messages: [] }),
    });
    await fetch(`${gw.url}/prod/invoke`, {
      method: "POST",
      headers: { "x-api-token": secrets[1] as string },
      body: JSON.stringify({ api_token: secrets[3], team_id: secrets[4] }),
    });
    await fetch(`${gw.url}/healthz?api_token=${secrets[3]}`);
    await gw.close();
    const requestLines = log.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === "request");
    expect(requestLines.length).toBe(3);
    for (const line of requestLines)
      expect(line).toMatchObject({ requestId: expect.any(String), status: expect.any(Number) });
    for (const secret of secrets) expect(log.text()).not.toContain(secret);
  });
});
