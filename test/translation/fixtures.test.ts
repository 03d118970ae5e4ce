// Table tests from fixtures/translation/*.json (equivalents of translation.md §12 and more). Each file:
// `kind` request | response | stream, `params` (an OpenAI request body), optional `options` and
// upstream `answers`, and `expect` (an exact invoke request, an error, a completion subset, or deltas).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { createModelResolver } from "../../src/models/catalog.ts";
import { parseChatCompletionCreateParams } from "../../src/openai/parse.ts";
import { GatewayError } from "../../src/shared/errors.ts";
import { toInvokeRequest, type RequestOptions } from "../../src/translation/request.ts";
import { toChatCompletion } from "../../src/translation/response.ts";
import { toChunks } from "../../src/translation/stream.ts";
import type { InvokeResponse } from "../../src/upstream/types.ts";
import { assertSpec } from "../helpers/openai-spec.ts";

interface Fixture {
  name: string;
  kind: "request" | "response" | "stream";
  source: string;
  params: unknown;
  options?: Partial<RequestOptions>;
  answers?: InvokeResponse[];
  includeUsage?: boolean;
  expect: {
    request?: unknown;
    error?: { status: number; param: string; code?: string };
    completion?: unknown;
    deltas?: unknown[];
  };
}

const DIR = new URL("../../fixtures/translation/", import.meta.url);
const fixtures: Fixture[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, DIR), "utf8")) as Fixture);
const models = createModelResolver();
const IDENTITY = { id: "chatcmpl-fixture", created: 1_700_000_000 };

function translate(fixture: Fixture) {
  const params = parseChatCompletionCreateParams(fixture.params);
  const model = models.resolve(params.model);
  if (model === undefined) throw new Error(`fixture model ${params.model} unknown`);
  const options: RequestOptions = { systemPrompt: "fold", toolEmulation: false, maxN: 8, ...fixture.options };
  return { params, ...toInvokeRequest(params, model, options) };
}

test("the fixture set covers all 15 cases of translation.md §12", () => {
  const numbered = new Set(
    fixtures.flatMap((f) => (/^(\d\d)/.exec(f.name)?.[1] ? [Number(f.name.slice(0, 2))] : [])),
  );
  expect([...numbered].sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
});

describe.each(fixtures)("$name", (fixture) => {
  test(fixture.source, () => {
    if (fixture.expect.error !== undefined) {
      let caught: unknown;
      try {
        translate(fixture);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      const error = caught as GatewayError;
      expect({ status: error.status, param: error.param }).toEqual({
        status: fixture.expect.error.status,
        param: fixture.expect.error.param,
      });
      if (fixture.expect.error.code !== undefined) expect(error.code).toBe(fixture.expect.error.code);
      return;
    }
    const { params, request, plan } = translate(fixture);
    if (fixture.expect.request !== undefined) expect(request).toEqual(fixture.expect.request);
    if (fixture.answers === undefined) return;
    const completion = toChatCompletion(fixture.answers, plan, IDENTITY);
    assertSpec("CreateChatCompletionResponse", completion);
    if (fixture.expect.completion !== undefined)
      expect(completion).toMatchObject(fixture.expect.completion as object);
    if (fixture.kind === "stream") {
      const chunks = toChunks(completion, {
        includeUsage: fixture.includeUsage ?? params.stream_options?.include_usage === true,
      });
      for (const chunk of chunks) assertSpec("CreateChatCompletionStreamResponse", chunk);
      const deltas = chunks.map((c) =>
        c.choices[0] === undefined
          ? "usage"
          : {
              index: c.choices[0].index,
              delta: c.choices[0].delta,
              finish_reason: c.choices[0].finish_reason,
            },
      );
      expect(deltas).toEqual(fixture.expect.deltas);
      expect(chunks.at(-1)?.bedrock).toEqual(fixture.answers[0]?.metadata);
    }
  });
});
