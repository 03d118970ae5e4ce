// No credential from any of the places a client can put one reaches the log (issue 19): the
// Authorization header, x-api-key, X-API-Token, the body's api_token, the query string and the path —
// the last one also never echoed back in a 404. Error messages quote user strings only when short.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { captureLog, startTestGateway, type CapturedLog } from "../helpers/gateway.ts";

const TOKEN = "tok-7f3a9c"; // short, configured: only the configuration says it is one
const PASTED = "sk-live-4f9a8b7c6d5e4f3a2b1c"; // a key-shaped string nobody configured

let gw: Gateway;
let log: CapturedLog;
beforeAll(async () => {
  const captured = captureLog("info");
  log = captured.log;
  gw = await startTestGateway({
    mode: "mock",
    logger: captured.logger,
    mock: { teams: [{ team_id: "team_log", api_token: TOKEN, budget_limit: 50 }] } as never,
  });
});
afterAll(() => gw.close());

const chat = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });

describe("credentials and the access log", () => {
  it("never logs a credential, wherever the client put it", async () => {
    const sends: [string, RequestInit][] = [
      ["/v1/chat/completions", { headers: { authorization: `Bearer team_log:${TOKEN}` }, body: chat }],
      ["/v1/chat/completions", { headers: { "x-api-key": TOKEN }, body: chat }],
      ["/prod/invoke", { headers: { "x-api-token": TOKEN, "x-team-id": "team_log" }, body: "{}" }],
      ["/prod/invoke", { body: JSON.stringify({ team_id: "team_log", api_token: TOKEN }) }],
      [`/v1/chat/completions?api_key=${TOKEN}`, { body: chat }],
      [`/v1/${TOKEN}/chat/completions`, { body: chat }],
      [`/v1/${PASTED}/chat/completions`, { body: chat }],
    ];
    for (const [path, init] of sends) {
      const res = await fetch(`${gw.url}${path}`, {
        method: "POST",
        ...init,
        headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) },
      });
      const text = await res.text();
      expect(text, path).not.toContain(TOKEN);
      expect(text, path).not.toContain(PASTED);
    }
    await expect.poll(() => log.lines.filter((l) => l.includes('"request"')).length).toBe(sends.length);
    expect(log.text()).not.toContain(TOKEN);
    expect(log.text()).not.toContain(PASTED);
    expect(log.text()).toContain("/v1/[REDACTED]/chat/completions");
  });

  it("quotes an unknown model only when it is short and plain", async () => {
    const ask = async (model: string) => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
      });
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    expect(await ask("claude-9-opus")).toContain("The model 'claude-9-opus' does not exist");
    const long = await ask("x".repeat(5000));
    expect(long).toContain("(a 5000-character value, not repeated here)");
    expect(await ask(PASTED)).not.toContain(PASTED);
  });
});
