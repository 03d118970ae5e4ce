// Faults on demand (X-Mock-Fault and configured rates), latency simulation and scripted replies.
import request from "supertest";
import { describe, expect, it } from "vitest";
import { HAIKU3, TEAMS, invokeBody, mockApp } from "./harness.ts";

describe("X-Mock-Fault", () => {
  const { app } = mockApp();
  const faulted = (fault: string) =>
    request(app).post("/prod/invoke").set("X-Mock-Fault", fault).send(invokeBody());

  it("throttle → Bedrock ThrottlingException 500", async () => {
    const res = await faulted("throttle");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error:
        "Bedrock error: An error occurred (ThrottlingException) when calling the InvokeModel operation (reached max retries: 4): Too many tokens, please wait before trying again.",
    });
  });

  it("timeout → the API gateway's 504 with `message`", async () => {
    const res = await faulted("timeout");
    expect(res.status).toBe(504);
    expect(res.text).toBe('{"message":"Endpoint request timed out"}');
  });

  it("500 → a Bedrock-style internal error", async () => {
    const res = await faulted("500");
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/^Bedrock error: An error occurred \(InternalServerException\)/);
  });

  it("malformed → 200 with a body that is not JSON", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .set("X-Mock-Fault", "malformed")
      .send(invokeBody())
      .buffer(true)
      .parse((r, cb) => {
        let text = "";
        r.on("data", (c: Buffer) => (text += c.toString()));
        r.on("end", () => cb(null, text));
      });
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.body as string)).toThrow();
  });

  it("slow:<ms> delays the answer and reports it as latency_ms", async () => {
    const res = await faulted("slow:25");
    expect(res.status).toBe(200);
    expect(res.body.metadata.latency_ms).toBe(25);
  });

  it("an unknown value is a 400 listing the allowed ones", async () => {
    const res = await faulted("banana");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(
      /throttle, timeout, 500, reset, malformed, slow:<ms> .* or cut:<n>, error:<n> or stall:<n>:<ms>/,
    );
  });

  it("credentials are still checked first", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .set("X-Mock-Fault", "throttle")
      .send(invokeBody({ api_token: "bad" }));
    expect(res.status).toBe(401);
  });
});

describe("configured fault rates", () => {
  it("a rate of 1 faults every call", async () => {
    const { app } = mockApp({
      mock: { teams: TEAMS, faults: { throttle: 1, timeout: 0, server_error: 0, reset: 0, malformed: 0 } },
    });
    for (let i = 0; i < 3; i++)
      expect((await request(app).post("/prod/invoke").send(invokeBody())).status).toBe(500);
  });

  it("rates draw from a seeded sequence: the same run repeats", async () => {
    const run = async () => {
      const { app } = mockApp({
        mock: {
          teams: TEAMS,
          faults: { throttle: 0.3, timeout: 0.2, server_error: 0, reset: 0, malformed: 0 },
        },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await request(app).post("/prod/invoke").send(invokeBody())).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(200);
    expect(first.some((s) => s !== 200)).toBe(true);
  });
});

describe("latency simulation", () => {
  it("is off by default and reported deterministically; base + per token when on", async () => {
    const off = mockApp();
    const a = await request(off.app).post("/prod/invoke").send(invokeBody());
    const b = await request(off.app).post("/prod/invoke").send(invokeBody());
    expect(a.body.metadata.latency_ms).toBe(b.body.metadata.latency_ms);
    const on = mockApp({ mock: { teams: TEAMS, latency: { base_ms: 3, per_output_token_ms: 0.01 } } });
    const c = await request(on.app).post("/prod/invoke").send(invokeBody());
    expect(c.body.metadata.latency_ms).toBe(Math.round((3 + 0.01 * c.body.usage.output_tokens) * 100) / 100);
  });
});

describe("scripted replies", () => {
  const scripts = [
    { match: { last_user: "^ping$" }, reply: { text: "pong" } },
    {
      match: { model: "nova", last_user: "weather" },
      reply: { tool_call: { name: "get_weather", input: { city: "Paris" } } },
    },
    {
      match: { team: "tutorials_api" },
      reply: { error: { status: 500, body: { error: "Bedrock error: scripted" } } },
    },
    { match: { tool: "launch" }, reply: { text: "Launch tool seen" } },
  ];
  const { app } = mockApp({ mock: { teams: TEAMS, scripts } });
  const say = (text: string, extra: Record<string, unknown> = {}) =>
    request(app)
      .post("/prod/invoke")
      .send(invokeBody({ messages: [{ role: "user", content: text }], ...extra }));

  it("match the last user message by regex and reply with text, charged like any answer", async () => {
    const res = await say("ping");
    expect(res.body.content).toEqual([{ type: "text", text: "pong" }]);
    expect(res.body.metadata.remaining_quota.requests_today).toBe(1);
    expect((await say("ping pong")).body.content[0].text).not.toBe("pong");
  });

  it("match on model and reply with a tool call", async () => {
    const res = await say("weather in Paris?", { model: "us.amazon.nova-lite-v1:0" });
    expect(res.body.content[0]).toMatchObject({
      type: "tool_use",
      name: "get_weather",
      input: { city: "Paris" },
    });
    expect(res.body.content[0].id).toMatch(/^toolu_bdrk_01/);
    expect((await say("weather in Paris?", { model: HAIKU3 })).body.content[0].type).toBe("text");
  });

  it("match on team and reply with an error status and body", async () => {
    const team = TEAMS[1]!;
    const res = await say("hello", {
      team_id: team.team_id,
      api_token: team.api_token,
      model: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: "Bedrock error: scripted" });
  });

  it("match on a tool name in the request", async () => {
    const tools = [
      { name: "launch", description: "Launch a rocket", input_schema: { type: "object", properties: {} } },
    ];
    expect((await say("anything", { tools })).body.content[0].text).toBe("Launch tool seen");
  });

  it("a bad regex stops start-up with a clear message", () => {
    expect(() =>
      mockApp({ mock: { teams: TEAMS, scripts: [{ match: { last_user: "(" }, reply: { text: "x" } }] } }),
    ).toThrow(/mock\.scripts\[0\]\.match\.last_user/);
  });
});
