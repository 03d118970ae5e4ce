// The official AWS SDK v3 Bedrock Runtime client against the gateway over a real socket. The client
// speaks HTTP/2 by default (prior knowledge, cleartext): every call here goes over HTTP/2, and one
// suite repeats the basics over HTTP/1.1 with the SDK's own HTTP/1 handler.
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type ContentBlock,
  type ConverseStreamOutput,
  type Message,
  type Tool,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const CLAUDE = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
const HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0";
const NOVA = "us.amazon.nova-lite-v1:0";
const LLAMA = "us.meta.llama3-3-70b-instruct-v1:0";

let gw: Gateway;
let client: BedrockRuntimeClient;

function sdk(
  options: { accessKeyId?: string; http1?: boolean; maxAttempts?: number } = {},
): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: gw.url,
    region: "us-east-1",
    credentials: { accessKeyId: options.accessKeyId ?? "AKIDEXAMPLE", secretAccessKey: "any-secret" },
    maxAttempts: options.maxAttempts ?? 1,
    ...(options.http1 === true ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

const json = (bytes: Uint8Array): Record<string, unknown> =>
  JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;

beforeAll(async () => {
  gw = await startTestGateway({
    mode: "mock",
    mock: {
      // Anchored on the whole last user turn: they fire only when the face hands the upstream exactly it.
      scripts: [
        { match: { last_user: "^Answer yes or no: is water wet\\?$" }, reply: { text: "Yes." } },
        // The system text is folded into the first user turn (translation.system_prompt: fold).
        {
          match: { last_user: "^Answer in one word\\.\\s*Reply with the code word\\.$" },
          reply: { text: "PINEAPPLE" },
        },
      ],
    },
  });
  client = sdk();
});
afterAll(async () => {
  client.destroy();
  await gw.close();
});

describe("the SDK's defaults", () => {
  test("the Bedrock Runtime client uses its HTTP/2 handler, which an HTTP/1.1-only server would refuse", () => {
    expect(client.config.requestHandler.constructor.name).toBe("NodeHttp2Handler");
  });
});

describe("InvokeModel with each family's native body", () => {
  test("Anthropic: the guide's body → a Claude message", async () => {
    const out = await client.send(
      new InvokeModelCommand({
        modelId: CLAUDE,
        body: JSON.stringify({
          anthropic_version: "bedrock-2023-05-31",
          max_tokens: 1024,
          messages: [{ role: "user", content: "Hello!" }],
        }),
      }),
    );
    const body = json(out.body);
    expect(body).toMatchObject({ type: "message", role: "assistant", model: "claude-3-5-sonnet-20241022" });
    expect(body.id).toMatch(/^msg_bdrk_/);
    expect(body.stop_reason).toBe("end_turn");
    const content = body.content as { type: string; text: string }[];
    expect(content[0]?.type).toBe("text");
    expect(content[0]?.text.length).toBeGreaterThan(0);
    expect(body.usage).toEqual({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(out.contentType).toMatch(/application\/json/);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toBeTruthy();
  });

  test("Anthropic: a missing anthropic_version is Bedrock's ValidationException", async () => {
    const error = await client
      .send(
        new InvokeModelCommand({ modelId: CLAUDE, body: JSON.stringify({ max_tokens: 10, messages: [] }) }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "ValidationException",
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
  });

  test("Nova: messages + inferenceConfig → output.message, stopReason and usage", async () => {
    const out = await client.send(
      new InvokeModelCommand({
        modelId: NOVA,
        body: JSON.stringify({
          schemaVersion: "messages-v1",
          system: [{ text: "You are terse." }],
          messages: [{ role: "user", content: [{ text: "Name a colour." }] }],
          inferenceConfig: { max_new_tokens: 200, temperature: 0.5 },
        }),
      }),
    );
    const body = json(out.body) as {
      output: { message: { role: string; content: { text: string }[] } };
      stopReason: string;
      usage: { inputTokens: number; outputTokens: number; totalTokens: number };
    };
    expect(body.output.message.role).toBe("assistant");
    expect(body.output.message.content[0]?.text.length).toBeGreaterThan(0);
    expect(body.stopReason).toBe("end_turn");
    expect(body.usage.totalTokens).toBe(body.usage.inputTokens + body.usage.outputTokens);
  });

  test("Llama: prompt + max_gen_len (chat template read back) → generation and token counts", async () => {
    const prompt =
      "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nAnswer yes or no: is water wet?<|eot_id|>" +
      "<|start_header_id|>assistant<|end_header_id|>\n\n";
    const out = await client.send(
      new InvokeModelCommand({
        modelId: LLAMA,
        body: JSON.stringify({ prompt, max_gen_len: 50, temperature: 0.2 }),
      }),
    );
    const body = json(out.body);
    expect(typeof body.generation).toBe("string");
    expect(body.generation).toBe("Yes.");
    expect(body.prompt_token_count).toEqual(expect.any(Number));
    expect(body.generation_token_count).toEqual(expect.any(Number));
    expect(["stop", "length"]).toContain(body.stop_reason);
  });

  test("an inference-profile ARN names the model as its id does", async () => {
    const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${HAIKU}`;
    const out = await client.send(
      new InvokeModelCommand({
        modelId: arn,
        body: JSON.stringify({
          anthropic_version: "bedrock-2023-05-31",
          max_tokens: 20,
          messages: [{ role: "user", content: "Hi" }],
        }),
      }),
    );
    expect(json(out.body).model).toBe("claude-3-haiku-20240307");
  });
});

const weather: Tool = {
  toolSpec: {
    name: "get_weather",
    description: "Current weather for a city",
    inputSchema: {
      json: {
        type: "object",
        properties: { city: { type: "string" }, unit: { type: "string", enum: ["C", "F"] } },
        required: ["city"],
      },
    },
  },
};

describe("Converse", () => {
  test("text with a system prompt → output.message, stopReason, usage and metrics", async () => {
    const out = await client.send(
      new ConverseCommand({
        modelId: HAIKU,
        system: [{ text: "Answer in one word." }],
        messages: [{ role: "user", content: [{ text: "Reply with the code word." }] }],
        inferenceConfig: { maxTokens: 100, temperature: 0.1 },
      }),
    );
    expect(out.output?.message?.role).toBe("assistant");
    expect(out.output?.message?.content?.[0]?.text).toBe("PINEAPPLE");
    expect(out.stopReason).toBe("end_turn");
    const usage = out.usage;
    expect(usage?.totalTokens).toBe((usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0));
    expect(out.metrics?.latencyMs).toEqual(expect.any(Number));
  });

  test("a tool loop: toolUse (inputs valid against inputSchema) → toolResult → text", async () => {
    const validate = new Ajv().compile(weather.toolSpec?.inputSchema?.json as object);
    const messages: Message[] = [{ role: "user", content: [{ text: "What is the weather in Paris?" }] }];
    const first = await client.send(
      new ConverseCommand({
        modelId: HAIKU,
        messages,
        toolConfig: { tools: [weather], toolChoice: { auto: {} } },
      }),
    );
    expect(first.stopReason).toBe("tool_use");
    const use = first.output?.message?.content?.find(
      (b): b is ContentBlock.ToolUseMember => b.toolUse !== undefined,
    )?.toolUse;
    expect(use?.name).toBe("get_weather");
    expect(validate(use?.input)).toBe(true);
    expect((use?.input as { city: string }).city).toBe("Paris");

    messages.push(first.output?.message as Message, {
      role: "user",
      content: [
        {
          toolResult: { toolUseId: use?.toolUseId, content: [{ json: { temperature_c: 21, sky: "clear" } }] },
        },
      ],
    });
    const second = await client.send(
      new ConverseCommand({ modelId: HAIKU, messages, toolConfig: { tools: [weather] } }),
    );
    expect(second.stopReason).toBe("end_turn");
    const text = second.output?.message?.content?.map((b) => b.text ?? "").join("") ?? "";
    expect(text.length).toBeGreaterThan(0);
  });

  test("toolChoice tool forces the named tool", async () => {
    const out = await client.send(
      new ConverseCommand({
        modelId: NOVA,
        messages: [{ role: "user", content: [{ text: "Hello there" }] }],
        toolConfig: { tools: [weather], toolChoice: { tool: { name: "get_weather" } } },
      }),
    );
    expect(out.stopReason).toBe("tool_use");
    expect(out.output?.message?.content?.some((b) => b.toolUse?.name === "get_weather")).toBe(true);
  });

  test("tools asked of a family without native tool use are refused before any upstream call", async () => {
    const error = await client
      .send(
        new ConverseCommand({
          modelId: LLAMA,
          messages: [{ role: "user", content: [{ text: "Hi" }] }],
          toolConfig: { tools: [weather] },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ValidationException", $metadata: { attempts: 1 } });
  });
});

async function collect<T>(stream: AsyncIterable<T> | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const event of stream ?? []) out.push(event);
  return out;
}

describe("ConverseStream, decoded by the SDK", () => {
  const request = {
    modelId: HAIKU,
    messages: [
      { role: "user" as const, content: [{ text: "Tell me about tide pools in three sentences." }] },
    ],
    inferenceConfig: { maxTokens: 300 },
  };

  test("text: messageStart, deltas, contentBlockStop, messageStop, metadata — no contentBlockStart", async () => {
    const plain = await client.send(new ConverseCommand(request));
    const out = await client.send(new ConverseStreamCommand(request));
    const events = await collect<ConverseStreamOutput>(out.stream);
    const kinds = events.map((e) => Object.keys(e).find((k) => k !== "$unknown"));
    expect(kinds[0]).toBe("messageStart");
    expect(kinds).not.toContain("contentBlockStart");
    expect(kinds.slice(-3)).toEqual(["contentBlockStop", "messageStop", "metadata"]);
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? "").join("");
    expect(text).toBe(plain.output?.message?.content?.[0]?.text);
    expect(events.at(-2)?.messageStop?.stopReason).toBe("end_turn");
    expect(events.at(-1)?.metadata?.usage).toEqual(plain.usage);
  });

  test("tool use: contentBlockStart with the tool, input deltas that join into the input", async () => {
    const out = await client.send(
      new ConverseStreamCommand({
        modelId: HAIKU,
        messages: [{ role: "user", content: [{ text: "What is the weather in Paris?" }] }],
        toolConfig: { tools: [weather], toolChoice: { any: {} } },
      }),
    );
    const events = await collect<ConverseStreamOutput>(out.stream);
    const start = events.find((e) => e.contentBlockStart !== undefined)?.contentBlockStart;
    expect(start?.start?.toolUse?.name).toBe("get_weather");
    const input = events
      .filter((e) => e.contentBlockDelta?.contentBlockIndex === start?.contentBlockIndex)
      .map((e) => e.contentBlockDelta?.delta?.toolUse?.input ?? "")
      .join("");
    expect(new Ajv().compile(weather.toolSpec?.inputSchema?.json as object)(JSON.parse(input))).toBe(true);
    expect(events.find((e) => e.messageStop)?.messageStop?.stopReason).toBe("tool_use");
  });
});

describe("InvokeModelWithResponseStream, decoded by the SDK", () => {
  test("Anthropic: chunks carry Claude's native stream events as bytes", async () => {
    const body = JSON.stringify({
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 200,
      messages: [{ role: "user", content: "Say something kind." }],
    });
    const plain = json((await client.send(new InvokeModelCommand({ modelId: HAIKU, body }))).body);
    const out = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body }));
    const events = (await collect(out.body)).map((e) => json(e.chunk?.bytes ?? new Uint8Array()));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
      ]),
    );
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-1)?.type).toBe("message_stop");
    expect(events.at(-1)?.["amazon-bedrock-invocationMetrics"]).toMatchObject({
      outputTokenCount: expect.any(Number),
    });
    const text = events.map((e) => (e.delta as { text?: string } | undefined)?.text ?? "").join("");
    expect(text).toBe((plain.content as { text: string }[])[0]?.text);
  });

  test("Llama and Nova stream in their own event shapes", async () => {
    const llama = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: LLAMA,
        body: JSON.stringify({ prompt: "Write a haiku about rain.", max_gen_len: 80 }),
      }),
    );
    const llamaEvents = (await collect(llama.body)).map((e) => json(e.chunk?.bytes ?? new Uint8Array()));
    expect(llamaEvents.every((e) => typeof e.generation === "string")).toBe(true);
    expect(llamaEvents.at(-1)?.stop_reason).toMatch(/stop|length/);

    const nova = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: NOVA,
        body: JSON.stringify({
          messages: [{ role: "user", content: [{ text: "Hi there" }] }],
          inferenceConfig: { max_new_tokens: 100 },
        }),
      }),
    );
    const novaEvents = (await collect(nova.body)).map((e) => json(e.chunk?.bytes ?? new Uint8Array()));
    expect(Object.keys(novaEvents[0] ?? {})).toEqual(["messageStart"]);
    expect(novaEvents.some((e) => e.contentBlockDelta !== undefined)).toBe(true);
    expect(novaEvents.at(-1)?.metadata).toMatchObject({ usage: { inputTokens: expect.any(Number) } });
  });
});

describe("over HTTP/1.1 (the SDK's NodeHttpHandler)", () => {
  test("Converse and ConverseStream work the same", async () => {
    const h1 = sdk({ http1: true });
    try {
      const messages: Message[] = [{ role: "user", content: [{ text: "Just the word success." }] }];
      const out = await h1.send(new ConverseCommand({ modelId: NOVA, messages }));
      expect(out.output?.message?.content?.[0]?.text?.toLowerCase()).toContain("success");
      const streamed = await h1.send(new ConverseStreamCommand({ modelId: NOVA, messages }));
      const events = await collect<ConverseStreamOutput>(streamed.stream);
      expect(events.map((e) => e.contentBlockDelta?.delta?.text ?? "").join("")).toBe(
        out.output?.message?.content?.[0]?.text,
      );
    } finally {
      h1.destroy();
    }
  });
});
