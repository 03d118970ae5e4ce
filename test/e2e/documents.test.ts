// Documents through the official clients over a real socket: a text document reaches the model as text
// (the proxy carries no document blocks), on the Anthropic face (`document` with a text, text/* base64 or
// content source) and the Bedrock face (Converse `document` in a text format); a PDF is a 400 saying
// what to send instead, before any upstream call.
import Anthropic from "@anthropic-ai/sdk";
import { BedrockRuntimeClient, ConverseCommand, ValidationException } from "@aws-sdk/client-bedrock-runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

let gw: Gateway;
let anthropic: Anthropic;
let bedrock: BedrockRuntimeClient;

beforeAll(async () => {
  gw = await startTestGateway({
    mode: "mock",
    mock: {
      // Answers only when the document's text and the question arrive together in the last user turn.
      scripts: [
        {
          match: {
            last_user: "<source>notes</source>[\\s\\S]*The sky is green\\.[\\s\\S]*What colou?r is the sky",
          },
          reply: { text: "Green, says the document." },
        },
      ],
    } as never,
  });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: "sk-ant-anything", maxRetries: 0 });
  bedrock = new BedrockRuntimeClient({
    endpoint: gw.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "any-secret" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  bedrock.destroy();
  await gw.close();
});

async function requestsToday(): Promise<number> {
  const res = await fetch(`${gw.url}/quota`);
  return ((await res.json()) as { requests_today: number }).requests_today;
}

const QUESTION = "What colour is the sky, per the document?";
const NOTES = "The sky is green.";

describe("Anthropic document blocks", () => {
  const sources: [string, Anthropic.DocumentBlockParam["source"]][] = [
    ["text", { type: "text", media_type: "text/plain", data: NOTES }],
    [
      "base64 text/plain",
      { type: "base64", media_type: "text/plain", data: Buffer.from(NOTES).toString("base64") } as never,
    ],
    ["content", { type: "content", content: [{ type: "text", text: NOTES }] }],
  ];
  test.each(sources)("a %s source reaches the model as text", async (_kind, source) => {
    const message = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", title: "notes", source },
            { type: "text", text: QUESTION },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: "text", text: "Green, says the document." }]);
  });

  test("a PDF is a 400 that says what to send instead, and costs nothing", async () => {
    const before = await requestsToday();
    const error = await anthropic.messages
      .create({
        model: "claude-sonnet-4-5",
        max_tokens: 100,
        messages: [
          {
            role: "user",
            content: [
              {
                type: "document",
                source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" },
              },
              { type: "text", text: "Summarise" },
            ],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain("extract the document's text");
    expect(await requestsToday()).toBe(before);
  });
});

describe("Converse document blocks", () => {
  test("a txt document reaches the model as text", async () => {
    const answer = await bedrock.send(
      new ConverseCommand({
        modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        messages: [
          {
            role: "user",
            content: [
              {
                document: {
                  format: "txt",
                  name: "notes",
                  source: { bytes: new TextEncoder().encode(NOTES) },
                },
              },
              { text: QUESTION },
            ],
          },
        ],
      }),
    );
    expect(answer.output?.message?.content).toEqual([{ text: "Green, says the document." }]);
  });

  test("a pdf is a ValidationException that says what to send instead", async () => {
    const error = await bedrock
      .send(
        new ConverseCommand({
          modelId: "us.amazon.nova-lite-v1:0",
          messages: [
            {
              role: "user",
              content: [
                {
                  document: {
                    format: "pdf",
                    name: "doc",
                    source: { bytes: new TextEncoder().encode("%PDF-1.4") },
                  },
                },
                { text: "Summarise" },
              ],
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toContain("format txt, md, html or csv");
  });
});
