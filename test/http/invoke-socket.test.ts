// /prod/invoke over a real socket (STYLE.md #13): what a client written against the real proxy sees.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import { HAIKU3 } from "../upstream/mock/harness.ts";

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ port: 0, server: { log_level: "silent" } });
});
afterAll(async () => {
  await gw.close();
});

const body = { model: HAIKU3, messages: [{ role: "user", content: "What is 2+2?" }], max_tokens: 64 };

describe("/prod/invoke over a socket", () => {
  it("answers the guide's example with header credentials, with Content-Length and CORS", async () => {
    const res = await fetch(`${gw.url}/prod/invoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Team-ID": "demo", "X-API-Token": "demo-token" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("x-amzn-requestid")).toBeTruthy();
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["content", "usage", "metadata"]);
  });

  it("accepts a curl -d body (form content type) with body credentials", async () => {
    const res = await fetch(`${gw.url}/prod/invoke`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: JSON.stringify({ ...body, team_id: "demo", api_token: "demo-token" }),
    });
    expect(res.status).toBe(200);
  });

  it("X-Mock-Fault: reset drops the connection without an answer", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest(`${gw.url}/prod/invoke`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Team-ID": "demo",
          "X-API-Token": "demo-token",
          "X-Mock-Fault": "reset",
        },
      });
      req.on("response", (res) => resolve(`status ${res.statusCode}`));
      req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end(JSON.stringify(body));
    });
    expect(outcome).toMatch(/ECONNRESET|socket hang up/);
  });
});
