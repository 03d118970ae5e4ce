import { describe, expect, it } from "vitest";
import { ANSWER_OBJECT, schemaFromPrompt } from "../../../src/upstream/mock/prompt-schema.ts";
import type { InvokeRequest } from "../../../src/upstream/types.ts";

function request(user: string, system?: string): InvokeRequest {
  return {
    model: "us.anthropic.claude-3-haiku-20240307-v1:0",
    max_tokens: 256,
    messages: [{ role: "user", content: user }],
    ...(system === undefined ? {} : { system }),
  };
}

describe("schemaFromPrompt (JSON mode)", () => {
  it("takes a JSON Schema written into the prompt (the AI SDK's way without structured outputs)", () => {
    const schema = {
      type: "object",
      properties: { recipe: { type: "object", properties: { name: { type: "string" } } } },
      required: ["recipe"],
      additionalProperties: false,
      $schema: "http://json-schema.org/draft-07/schema#",
    };
    const system = `JSON schema:\n${JSON.stringify(schema)}\nYou MUST answer with a JSON object that matches the JSON schema above.`;
    expect(schemaFromPrompt(request("Generate a lasagna recipe.", system))).toEqual(schema);
  });

  it("takes keys named in prose, typed by their names", () => {
    expect(schemaFromPrompt(request("x", "Return JSON with keys name and age."))).toEqual({
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
      additionalProperties: false,
    });
    expect(schemaFromPrompt(request("Give a JSON with keys name and age for Bob, 22"))).toEqual({
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
      additionalProperties: false,
    });
    expect(schemaFromPrompt(request("Extract the name and age as JSON: John is 30."))).toEqual({
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
      additionalProperties: false,
    });
    expect(schemaFromPrompt(request("Invent a person as JSON with name, age and hobbies"))).toEqual({
      type: "object",
      properties: {
        name: { type: "string" },
        age: { type: "integer" },
        hobbies: { type: "array", items: { type: "string" } },
      },
      required: ["name", "age", "hobbies"],
      additionalProperties: false,
    });
    const fields = schemaFromPrompt(
      request("Answer in JSON with the fields `title`, `year`, is_sequel and tags"),
    );
    expect(Object.keys((fields as { properties: object }).properties)).toEqual([
      "title",
      "year",
      "is_sequel",
      "tags",
    ]);
  });

  it("takes the shape of an example object", () => {
    expect(
      schemaFromPrompt(
        request('Reply in JSON like {"city": "Paris", "population": 2100000, "capital": true}'),
      ),
    ).toEqual({
      type: "object",
      properties: { city: { type: "string" }, population: { type: "integer" }, capital: { type: "boolean" } },
      required: ["city", "population", "capital"],
    });
  });

  it("prefers the latest turn, and falls back to an answer object when nothing describes the shape", () => {
    const latest: InvokeRequest = {
      ...request("unused"),
      messages: [
        { role: "user", content: "Return JSON with keys old" },
        { role: "assistant", content: "{}" },
        { role: "user", content: "Now return JSON with keys fresh" },
      ],
    };
    expect(Object.keys((schemaFromPrompt(latest) as { properties: object }).properties)).toEqual(["fresh"]);
    expect(schemaFromPrompt(request("Reply in JSON please."))).toBe(ANSWER_OBJECT);
  });

  it("stays bounded on hostile prompts (unbalanced braces, a huge text)", () => {
    const huge = `keys ${"a".repeat(1_000_000)} ${"{".repeat(30_000)} {"a": 1}`;
    expect(schemaFromPrompt(request(huge))).toBe(ANSWER_OBJECT);
    const nested = `${"{".repeat(16_000)}${"}".repeat(16_000)}`;
    expect(schemaFromPrompt(request(nested))).toBe(ANSWER_OBJECT);
    const braces = `${'{"k": "}"} '.repeat(5_000)}`;
    expect(schemaFromPrompt(request(braces))).toEqual({
      type: "object",
      properties: { k: { type: "string" } },
      required: ["k"],
    });
  });
});
