import { describe, expect, it } from "vitest";
import { startupBanner } from "../../src/cli/banner.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { ConfigOverrides } from "../../src/config/types.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { prettyDestination, prettyLine } from "../../src/shared/pretty-log.ts";

const config = (overrides: ConfigOverrides) => loadConfig({ implicitFile: false, overrides }).config;
const URL = "http://127.0.0.1:8787";

describe("the start-up banner", () => {
  it("mock: URL, mode, the simulated teams' credentials for /prod/invoke, where state lives", () => {
    const lines = startupBanner(config({}), URL, null);
    expect(lines[0]).toMatch(/listening on http:\/\/127\.0\.0\.1:8787 — mode mock, state: in memory/);
    const text = lines.join("\n");
    expect(text).toContain(`baseURL ${URL}/v1, any API key`);
    expect(text).toContain(`ANTHROPIC_BASE_URL=${URL} `);
    expect(text).toContain(`endpoint_url / endpoint ${URL} `);
    expect(text).toContain("X-Team-ID: demo  X-API-Token: demo-token");
    expect(text).toMatch(/state: +in memory/);
  });

  it("record on the simulator: where cassettes go, and the teams", () => {
    const text = startupBanner(
      config({ mode: "record", upstream: { kind: "mock" }, recording: { dir: "/tmp/c" } }),
      URL,
      null,
    ).join("\n");
    expect(text).toContain('cassettes:     /tmp/c/<X-Cassette or "default">.yaml');
    expect(text).toContain("X-API-Token: demo-token");
  });

  it("live without credentials says what to set, and shows no simulated team", () => {
    const text = startupBanner(config({ mode: "live" }), URL, null).join("\n");
    expect(text).toContain("set BEDROCK_TEAM_ID and BEDROCK_API_TOKEN");
    expect(text).not.toContain("demo-token");
  });
});

describe("request logs on a terminal", () => {
  it("are one readable line per request", () => {
    const line = JSON.stringify({
      level: 30,
      time: "2026-12-03T06:32:17.377Z",
      requestId: "req_9f",
      method: "POST",
      path: "/v1/chat/completions",
      status: 200,
      ms: 61.8,
      model: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
      msg: "request",
    });
    expect(prettyLine(line, false)).toBe(
      "06:32:17 INFO  POST /v1/chat/completions 200 61.8ms model=us.anthropic.claude-haiku-4-5-20251001-v1:0 req_9f",
    );
  });

  it("keep pino's redaction", () => {
    const out: string[] = [];
    const logger = createLogger("info", prettyDestination({ write: (t: string) => out.push(t) }, false));
    logger.warn({ api_token: "sekrit", team: "demo" }, "something odd");
    expect(out.join("")).toMatch(/WARN {2}something odd api_token=\[REDACTED\] team=demo\n$/);
    expect(out.join("")).not.toContain("sekrit");
  });
});
