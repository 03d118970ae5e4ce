// GET /v1/models through the Anthropic SDK (it sends anthropic-version): Anthropic's ModelInfo list with
// its cursors, retrieve by any Anthropic name, Anthropic's 404 — while the OpenAI SDK on the same path
// still gets the OpenAI list.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
let client: Anthropic;
beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
  client = new Anthropic({ baseURL: gw.url, apiKey: "demo:demo-token", maxRetries: 0 });
});
afterAll(() => gw.close());

describe("models through the Anthropic SDK", () => {
  it("lists the Claude models by Anthropic name, newest first, and pages with the SDK's cursors", async () => {
    const all: Anthropic.ModelInfo[] = [];
    for await (const model of client.models.list({ limit: 2 })) all.push(model);
    expect(all.length).toBeGreaterThan(4);
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
    expect(all).toContainEqual({
      type: "model",
      id: "claude-sonnet-4-5-20250929",
      display_name: "Claude Sonnet 4.5",
      created_at: "2025-09-29T00:00:00Z",
      capabilities: null,
      deprecated_at: null,
      lifecycle: "active",
      line: "sonnet",
      max_input_tokens: 200000,
      max_tokens: 64000,
      retires_at: null,
    });
    const dates = all.map((m) => m.created_at);
    expect([...dates].sort().reverse()).toEqual(dates);
    const first = await client.models.list({ limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);
    expect(first.last_id).toBe(first.data[1]?.id);
  });

  it("retrieves a model by any Anthropic name, answering with the dated id", async () => {
    const model = await client.models.retrieve("claude-3-5-haiku-latest");
    expect(model).toEqual({
      type: "model",
      id: "claude-3-5-haiku-20241022",
      display_name: "Claude Haiku 3.5",
      created_at: "2024-10-22T00:00:00Z",
      capabilities: null,
      deprecated_at: null,
      lifecycle: "active",
      line: "haiku",
      max_input_tokens: 200000,
      max_tokens: 8192,
      retires_at: null,
    });
  });

  it("an unknown model is Anthropic's not_found_error; a bad limit its invalid_request_error", async () => {
    const missing = await client.models.retrieve("claude-opus-9-9").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: "error",
      error: { type: "not_found_error" },
    });
    const bad = await client.models.list({ limit: 0 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it("the OpenAI SDK on the same path still gets the OpenAI list", async () => {
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x", maxRetries: 0 });
    const page = await openai.models.list();
    expect(page.data[0]).toMatchObject({ object: "model", owned_by: expect.any(String) });
    expect(page.data.some((m) => m.id === "us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe(true);
  });
});
