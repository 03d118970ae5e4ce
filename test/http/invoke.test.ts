// Contract tests for POST /prod/invoke (PROXY.md "Request", "Success response", "Errors"), called the
// ways real clients call it: body credentials, header credentials, only x-api-key, participant_id.
import request from "supertest";
import { describe, expect, it } from "vitest";
import { HAIKU3, TEAM, TEAMS, invokeBody, mockApp } from "../upstream/mock/harness.ts";

const QUOTA_KEYS = [
  "requests_today",
  "tokens_today",
  "llm_cost",
  "gpu_cost",
  "total_cost",
  "budget_limit",
  "remaining_budget",
  "budget_usage_percent",
];

function withoutCredentials(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { team_id: _t, api_token: _a, ...rest } = invokeBody(extra);
  return rest;
}

describe("POST /prod/invoke — credentials", () => {
  const { app } = mockApp();

  it("accepts team_id and api_token in the body and echoes the team", async () => {
    const res = await request(app).post("/prod/invoke").send(invokeBody());
    expect(res.status).toBe(200);
    expect(res.body.metadata.team_id).toBe(TEAM.team_id);
  });

  it("accepts participant_id and echoes it", async () => {
    const { team_id: _t, ...body } = invokeBody();
    const res = await request(app)
      .post("/prod/invoke")
      .send({ ...body, participant_id: TEAM.team_id });
    expect(res.status).toBe(200);
    expect(res.body.metadata.team_id).toBe(TEAM.team_id);
  });

  it("accepts X-Team-ID and X-API-Token headers, case-insensitively", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .set("x-team-id", TEAM.team_id)
      .set("X-API-TOKEN", TEAM.api_token)
      .send(withoutCredentials());
    expect(res.status).toBe(200);
  });

  it("accepts the token from x-api-key only (team in the body)", async () => {
    const { api_token: _a, ...body } = invokeBody();
    const res = await request(app).post("/prod/invoke").set("x-api-key", TEAM.api_token).send(body);
    expect(res.status).toBe(200);
  });

  it("accepts Authorization: Bearer for the token", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .set("X-Team-ID", TEAM.team_id)
      .set("Authorization", `Bearer ${TEAM.api_token}`)
      .send(withoutCredentials());
    expect(res.status).toBe(200);
  });

  it("answers 401 with the exact body when the token is missing (the guide's examples omit it)", async () => {
    const { api_token: _a, ...body } = invokeBody();
    const res = await request(app).post("/prod/invoke").send(body);
    expect(res.status).toBe(401);
    expect(res.text).toBe('{"error":"Unauthorized: invalid team_id or api_token"}');
  });

  it("answers 401 for a wrong token and for an unknown team", async () => {
    expect(
      (
        await request(app)
          .post("/prod/invoke")
          .send(invokeBody({ api_token: "nope" }))
      ).status,
    ).toBe(401);
    expect(
      (
        await request(app)
          .post("/prod/invoke")
          .send(invokeBody({ team_id: "nobody" }))
      ).status,
    ).toBe(401);
  });

  it("never echoes the token", async () => {
    const res = await request(app).post("/prod/invoke").send(invokeBody());
    expect(res.text).not.toContain(TEAM.api_token);
  });
});

describe("POST /prod/invoke — request fields", () => {
  const { app } = mockApp();

  it("accepts bare model ids without the us. prefix and echoes the id as sent", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ model: "anthropic.claude-3-haiku-20240307-v1:0" }));
    expect(res.status).toBe(200);
    expect(res.body.metadata.model).toBe("anthropic.claude-3-haiku-20240307-v1:0");
  });

  it("accepts content as a list of blocks and two consecutive user turns (folded system prompt)", async () => {
    const messages = [
      { role: "user", content: "System: You are a helpful assistant." },
      { role: "user", content: [{ type: "text", text: "Summarise the causes of inflation." }] },
    ];
    expect((await request(app).post("/prod/invoke").send(invokeBody({ messages }))).status).toBe(200);
  });

  it("accepts a top-level system and a role: system message", async () => {
    expect(
      (
        await request(app)
          .post("/prod/invoke")
          .send(invokeBody({ system: "Be brief." }))
      ).status,
    ).toBe(200);
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hello there" },
    ];
    expect((await request(app).post("/prod/invoke").send(invokeBody({ messages }))).status).toBe(200);
  });

  it.each([
    [{ model: undefined }, "model"],
    [{ messages: [] }, "messages"],
    [{ messages: [{ role: "robot", content: "hi" }] }, "role"],
    [{ max_tokens: undefined }, "max_tokens"],
    [{ max_tokens: 0 }, "max_tokens"],
    [{ max_tokens: 10.5 }, "max_tokens"],
  ])("answers 400 under error and message for %j", async (extra, word) => {
    const res = await request(app).post("/prod/invoke").send(invokeBody(extra));
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(word);
    expect(res.body.message).toBe(res.body.error);
  });

  it.each([
    [{ type: "text" }],
    [{ type: "text", text: 5 }],
    [{ type: "image" }],
    [{ type: "image", source: { type: "base64" } }],
    [{ type: "tool_use", id: "x" }],
    [{ type: "tool_use", id: "x", name: "f", input: "nope" }],
    [{ type: "tool_result" }],
    [{ type: "tool_result", tool_use_id: "x", content: 5 }],
    [{ type: "tool_result", tool_use_id: "x", content: [{ type: "text" }] }],
  ])("answers a Bedrock ValidationException (never a crash) for the malformed block %j", async (block) => {
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ messages: [{ role: "user", content: [block] }] }));
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(
      /^Bedrock error: An error occurred \(ValidationException\) .*messages\.0\.content\.0/,
    );
  });

  it("answers 400 for a body that is not JSON", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .set("content-type", "application/json")
      .send("{not json");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/JSON/);
    expect(res.body.message).toBe(res.body.error);
  });

  it("takes temperature for Claude but Nova rejects it like Bedrock", async () => {
    expect(
      (
        await request(app)
          .post("/prod/invoke")
          .send(invokeBody({ temperature: 0.2 }))
      ).status,
    ).toBe(200);
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ model: "us.amazon.nova-pro-v1:0", temperature: 0.2 }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error:
        "Bedrock error: An error occurred (ValidationException) when calling the InvokeModel operation: Malformed input request: #: extraneous key [temperature] is not permitted, please reformat your input and try again.",
    });
  });

  it("takes top_p, top_k and stop_sequences for Claude; Nova rejects each like temperature", async () => {
    expect(
      (
        await request(app)
          .post("/prod/invoke")
          .send(invokeBody({ top_p: 0.9, top_k: 40, stop_sequences: ["\n\nHuman:"] }))
      ).status,
    ).toBe(200);
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ model: "us.amazon.nova-lite-v1:0", top_p: 0.9 }));
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/extraneous key \[top_p\] is not permitted/);
  });

  it("answers 500 for max_tokens above the model's limit", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ max_tokens: 4097 }));
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(
      /^Bedrock error: An error occurred \(ValidationException\) .*max_tokens: 4097 > 4096/,
    );
  });

  it("answers 500 for an unknown model id", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ model: "us.openai.gpt-5" }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error:
        "Bedrock error: An error occurred (ValidationException) when calling the InvokeModel operation: The provided model identifier is invalid.",
    });
  });

  const image = {
    type: "image",
    source: {
      type: "base64",
      media_type: "image/png",
      data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    },
  };
  const withImage = [{ role: "user", content: [image, { type: "text", text: "What is in this picture?" }] }];

  it("answers 500 for an image sent to a model without vision, and 200 with vision", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ model: "us.anthropic.claude-3-5-haiku-20241022-v1:0", messages: withImage }));
    expect(res.status).toBe(500);
    expect(res.body.error).toBe(
      "Bedrock error: An error occurred (ValidationException) when calling the InvokeModel operation: 'claude-3-5-haiku-20241022' does not support image input.",
    );
    expect(
      (
        await request(app)
          .post("/prod/invoke")
          .send(invokeBody({ messages: withImage }))
      ).status,
    ).toBe(200);
  });

  it("answers DeepSeek R1's terse Validation Error for an image", async () => {
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ model: "us.deepseek.r1-v1:0", messages: withImage }));
    expect(res.status).toBe(500);
    expect(res.body.error).toBe(
      "Bedrock error: An error occurred (ValidationException) when calling the InvokeModel operation: Validation Error",
    );
  });

  it.each([
    [
      "mistral.mistral-7b-instruct-v0:2",
      "This model's maximum context length is 32000 tokens. Please reduce the length of the prompt",
    ],
    [
      "us.amazon.nova-micro-v1:0",
      "Input Tokens Exceeded: Number of input tokens exceeds maximum length. Please update the input to try again.",
    ],
  ])(
    "answers 500 with the family's own message when the input exceeds %s's context",
    async (model, message) => {
      const long = "lorem ".repeat(model.startsWith("mistral") ? 33_000 : 129_000);
      const res = await request(app)
        .post("/prod/invoke")
        .send(invokeBody({ model, messages: [{ role: "user", content: long }], max_tokens: 100 }));
      expect(res.status).toBe(500);
      expect(res.body.error).toBe(
        `Bedrock error: An error occurred (ValidationException) when calling the InvokeModel operation: ${message}`,
      );
    },
  );

  it("answers 500 when tools and response_format are combined", async () => {
    const tools = [
      { name: "get_time", description: "Current time", input_schema: { type: "object", properties: {} } },
    ];
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ tools, response_format: { type: "object", properties: {} } }));
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/ValidationException/);
  });
});

describe("POST /prod/invoke — success response", () => {
  const { app } = mockApp();

  it("has exactly content, usage and metadata, in that order, with the documented inner keys", async () => {
    const res = await request(app).post("/prod/invoke").send(invokeBody());
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["content", "usage", "metadata"]);
    expect(Object.keys(res.body.usage)).toEqual(["input_tokens", "output_tokens", "total_tokens"]);
    expect(Object.keys(res.body.metadata)).toEqual([
      "team_id",
      "model",
      "cost_usd",
      "latency_ms",
      "remaining_quota",
    ]);
    expect(Object.keys(res.body.metadata.remaining_quota)).toEqual(QUOTA_KEYS);
    expect(res.body.usage.total_tokens).toBe(res.body.usage.input_tokens + res.body.usage.output_tokens);
    expect(res.body.metadata.model).toBe(HAIKU3);
    expect(res.body.metadata.latency_ms).toBe(Math.round(res.body.metadata.latency_ms * 100) / 100);
  });

  it("sends the proxy's headers: JSON, Content-Length, CORS and a request id", async () => {
    const res = await request(app).post("/prod/invoke").send(invokeBody());
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.text));
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["x-amzn-requestid"]).toBeTruthy();
  });

  it("sends CORS headers on errors too, and answers the preflight", async () => {
    const res = await request(app).post("/prod/invoke").send({ model: HAIKU3 });
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    const pre = await request(app).options("/prod/invoke");
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-headers"]).toMatch(/X-API-Token/);
  });

  it("serves POST /invoke the same way", async () => {
    const res = await request(app).post("/invoke").send(invokeBody());
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["content", "usage", "metadata"]);
  });
});

describe("POST /prod/invoke — refusals", () => {
  it("answers 403 when the model is not in the team's allowed_models", async () => {
    const { app } = mockApp();
    const team = TEAMS[1]!;
    const creds = { team_id: team.team_id, api_token: team.api_token };
    const res = await request(app).post("/prod/invoke").send(invokeBody(creds));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/^Model not allowed/);
    const allowed = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ ...creds, model: "anthropic.claude-3-5-haiku-20241022-v1:0" }));
    expect(allowed.status).toBe(200);
  });

  it("answers 413 with the API gateway's body above the body limit", async () => {
    const { app } = mockApp({ server: { body_limit_bytes: 1024 } });
    const res = await request(app)
      .post("/prod/invoke")
      .send(invokeBody({ messages: [{ role: "user", content: "x".repeat(4096) }] }));
    expect(res.status).toBe(413);
    expect(res.text).toBe('{"message":"Request Entity Too Large"}');
    expect(res.headers["access-control-allow-origin"]).toBe("*");
  });
});
