import { describe, expect, it } from "vitest";
import { createModelResolver } from "../../src/models/catalog.ts";
import { closestNames } from "../../src/models/suggest.ts";

describe("did you mean", () => {
  const names = [
    "gpt-4o",
    "gpt-4o-mini",
    "claude-sonnet",
    "nova-pro",
    "us.anthropic.claude-3-haiku-20240307-v1:0",
  ];

  it.each([
    ["gpt-4o-minx", ["gpt-4o-mini"]],
    ["claude-sonet", ["claude-sonnet"]],
    ["claude-3-haiku", ["us.anthropic.claude-3-haiku-20240307-v1:0"]],
    ["anthropic.claude-3-haiku-20240307-v1:1", ["us.anthropic.claude-3-haiku-20240307-v1:0"]],
    ["totally-unrelated", []],
  ])("%s → %j", (typed, expected) => {
    expect(closestNames(typed, names)).toEqual(expected);
  });

  it("the resolver's 404 message names the closest alias, or none", () => {
    const models = createModelResolver({ "my-model": "us.amazon.nova-pro-v1:0" });
    expect(models.unknown("my-modle")).toMatch(
      /^The model 'my-modle' does not exist\. Did you mean 'my-model'\?/,
    );
    expect(models.unknown("zzz")).toBe(
      "The model 'zzz' does not exist. GET /v1/models lists the models and aliases served.",
    );
  });
});
