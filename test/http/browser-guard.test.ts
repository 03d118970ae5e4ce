// Web pages must not be able to drive the gateway (and spend a team's budget) through a visitor's browser.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopbackName } from "../../src/http/browser-guard.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
beforeAll(async () => {
  gw = await startTestGateway({ server: { allowed_origins: ["https://app.example"] } });
});
afterAll(() => gw.close());

/** A raw request, so Host and Origin can be set as a browser would. */
function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(`${gw.url}${path}`, { method, headers }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    },
  );
}

const CHAT = JSON.stringify({
  model: "gpt-4o-mini",
  max_tokens: 5,
  messages: [{ role: "user", content: "hi" }],
});

describe("browser guard", () => {
  it("refuses a cross-site 'simple' POST (text/plain) from a foreign page", async () => {
    const res = await send(
      "POST",
      "/v1/chat/completions",
      { origin: "https://evil.example", "content-type": "text/plain" },
      CHAT,
    );
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { code: "origin_forbidden", type: "permission_error" },
    });
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses a page whose name was re-pointed at 127.0.0.1 (DNS rebinding)", async () => {
    const res = await send("GET", "/quota", { host: `rebind.example:${gw.port}` });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "host_forbidden" } });
  });

  it("lets loopback pages and configured origins in, with CORS headers and preflights", async () => {
    const local = await send(
      "POST",
      "/v1/chat/completions",
      { origin: "http://localhost:5173", "content-type": "application/json" },
      CHAT,
    );
    expect(local.status).toBe(200);
    expect(local.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
    const preflight = await send("OPTIONS", "/v1/chat/completions", {
      origin: "https://app.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://app.example");
    expect(String(preflight.headers["access-control-allow-headers"])).toContain("authorization");
  });

  it("does not concern SDKs and curl, which send no Origin", async () => {
    const res = await send("POST", "/v1/chat/completions", { "content-type": "application/json" }, CHAT);
    expect(res.status).toBe(200);
  });

  it("knows the loopback names", () => {
    for (const name of ["localhost", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]"])
      expect(isLoopbackName(name)).toBe(true);
    for (const name of ["example.com", "127.0.0.1.nip.io", "10.0.0.1", "0.0.0.0", "localhost.evil.com"])
      expect(isLoopbackName(name)).toBe(false);
  });
});
