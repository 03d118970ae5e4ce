// `mock.backend` against a small fake OpenAI-compatible server (what Ollama or llama.cpp's server
// answer): the local model writes the text, the simulator keeps validation, cost and quota, a structured
// output the model gets wrong is replaced by a valid fake, and a backend that is down is a 502 naming it.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../../src/server/gateway.ts";
import { createSchemaFaker } from "../../../src/upstream/mock/schema-data.ts";
import { countText } from "../../../src/upstream/mock/tokens.ts";
import { startTestGateway } from "../../helpers/gateway.ts";

const HAIKU3 = "us.anthropic.claude-3-haiku-20240307-v1:0";
const PERSON = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name", "age"],
  additionalProperties: false,
};

interface Seen {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: unknown;
}

let fake: Server;
let fakeUrl: string;
const seen: Seen[] = [];
/** What the fake model answers to a JSON request: valid, or not even the right shape. */
let jsonAnswer = '{"name": "Ada", "age": 36}';

async function readJson(req: IncomingMessage): Promise<Seen> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Seen;
}

/** The parts of a proxy answer (or error body) these tests read. */
interface InvokeAnswer {
  content: { type: string; text: string }[];
  usage: { output_tokens: number };
  metadata: { cost_usd: number };
}

let gw: Gateway;
let down: Gateway;

beforeAll(async () => {
  fake = createServer((req, res) => {
    void readJson(req).then((body) => {
      seen.push(body);
      const content = body.response_format === undefined ? "Bonjour from the local model." : jsonAnswer;
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          id: "x",
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  gw = await startTestGateway({ mode: "mock", mock: { backend: { url: fakeUrl, model: "llama3.2" } } });
  // A port nothing listens on: the closed fake's.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  down = await startTestGateway({
    mode: "mock",
    upstream: { retries: 0 },
    mock: { backend: { url: `http://127.0.0.1:${deadPort}/v1`, model: "llama3.2", timeout_ms: 2000 } },
  });
});
afterAll(async () => {
  await Promise.all([gw.close(), down.close()]);
  await new Promise<void>((resolve) => fake.close(() => resolve()));
});

async function invoke(target: Gateway, body: Record<string, unknown>) {
  const res = await fetch(`${target.url}/prod/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-team-id": "demo", "x-api-token": "demo-token" },
    body: JSON.stringify({
      model: HAIKU3,
      max_tokens: 100,
      messages: [{ role: "user", content: "Say hi in French" }],
      ...body,
    }),
  });
  return { status: res.status, body: (await res.json()) as InvokeAnswer };
}

describe("mock.backend", () => {
  it("writes the text of a mock answer, which is counted and charged like any other", async () => {
    const res = await invoke(gw, { system: "Be brief." });
    expect(res.status).toBe(200);
    expect(res.body.content).toEqual([{ type: "text", text: "Bonjour from the local model." }]);
    expect(res.body.usage.output_tokens).toBe(countText("Bonjour from the local model."));
    expect(res.body.metadata.cost_usd).toBeGreaterThan(0);
    expect(seen.at(-1)).toMatchObject({
      model: "llama3.2",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hi in French" },
      ],
    });
  });

  it("answers /v1 through the same model", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "any", maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: HAIKU3,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe("Bonjour from the local model.");
  });

  it("keeps a valid structured output and replaces an invalid one by a schema-valid fake", async () => {
    const format = { type: "json_schema", json_schema: { name: "person", schema: PERSON } };
    jsonAnswer = '{"name": "Ada", "age": 36}';
    const good = await invoke(gw, { response_format: format });
    expect(JSON.parse(good.body.content[0]?.text ?? "")).toEqual({ name: "Ada", age: 36 });
    expect(seen.at(-1)?.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { schema: PERSON },
    });
    jsonAnswer = '{"name": "Ada", "age": "thirty-six"}';
    const bad = await invoke(gw, {
      response_format: format,
      messages: [{ role: "user", content: "Grace is 85 years old" }],
    });
    const value = JSON.parse(bad.body.content[0]?.text ?? "") as unknown;
    const validate = createSchemaFaker().validator(PERSON);
    expect(typeof validate !== "string" && validate(value)).toBe(true);
    expect(value).toMatchObject({ age: 85 });
  });

  it("leaves tool calls and Bedrock's validation to the simulator (no backend call)", async () => {
    const before = seen.length;
    const invalid = await invoke(gw, { messages: [{ role: "assistant", content: "Hi" }] });
    expect(invalid.status).toBe(500);
    const tool = {
      name: "get_weather",
      description: "Get the current weather",
      input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
    };
    const call = await invoke(gw, {
      tools: [tool],
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    expect(call.body.content[0]).toMatchObject({ type: "tool_use", input: { location: "Paris" } });
    expect(seen.length).toBe(before);
  });

  it("down: a 502 naming the backend, on /prod/invoke and /v1, and nothing charged", async () => {
    const res = await invoke(down, {});
    expect(res.status).toBe(502);
    expect(JSON.stringify(res.body)).toContain("mock.backend http://127.0.0.1:");
    const client = new OpenAI({ baseURL: `${down.url}/v1`, apiKey: "any", maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: HAIKU3, messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as Error).message).toContain("mock.backend");
    const quota = await fetch(`${down.url}/quota`, {
      headers: { "x-team-id": "demo", "x-api-token": "demo-token" },
    });
    expect(((await quota.json()) as { requests_today: number }).requests_today).toBe(0);
  });
});
