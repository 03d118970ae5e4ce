// Anthropic API names → proxy models (CONTRACT §3b): names derived from the catalogue, the tier of an
// unknown claude-* name, and models.aliases re-pointing either.
import { describe, expect, test } from "vitest";
import { anthropicNameTable, resolveAnthropicModel } from "../../src/models/anthropic-names.ts";
import { createModelResolver, MODELS } from "../../src/models/catalog.ts";

const resolver = createModelResolver();
const served = (name: string, r = resolver) => resolveAnthropicModel(r, name)?.model.id;

describe("Anthropic names", () => {
  test.each([
    ["claude-sonnet-4-5-20250929", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"],
    ["claude-sonnet-4-5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"],
    ["claude-3-5-haiku-20241022", "us.anthropic.claude-3-5-haiku-20241022-v1:0"],
    ["claude-3-5-haiku-latest", "us.anthropic.claude-3-5-haiku-20241022-v1:0"],
    ["claude-3-5-sonnet-20241022", "us.anthropic.claude-3-5-sonnet-20241022-v2:0"],
    ["claude-opus-4-0", "us.anthropic.claude-opus-4-20250514-v1:0"],
    ["claude-haiku-4-5-20251001", "us.anthropic.claude-haiku-4-5-20251001-v1:0"],
  ])("%s → %s", (name, id) => {
    expect(served(name)).toBe(id);
    expect(resolveAnthropicModel(resolver, name)?.via).toBe("anthropic_name");
  });

  test("every Claude model of the catalogue has its dated and undated name", () => {
    const claude = MODELS.filter((m) => m.family.id === "anthropic-claude");
    const table = anthropicNameTable();
    for (const model of claude)
      expect(table.filter((r) => r.bedrockId === model.id).length).toBeGreaterThanOrEqual(2);
  });

  test("Bedrock ids, bare ids and aliases resolve as on /v1", () => {
    expect(served("anthropic.claude-3-haiku-20240307-v1:0")).toBe(
      "us.anthropic.claude-3-haiku-20240307-v1:0",
    );
    expect(served("gpt-4o-mini")).toBe("us.anthropic.claude-haiku-4-5-20251001-v1:0");
    expect(served("gpt-99")).toBeUndefined();
    expect(served("claude-instant-1")).toBeUndefined();
  });
});

describe("claude-* names the proxy does not serve", () => {
  /** The newest catalogue model of a tier, by the date in its id. */
  function newest(tier: string): string | undefined {
    return MODELS.filter((m) => new RegExp(`anthropic\\.claude-(?:.*-)?${tier}-`).test(m.id))
      .sort((a, b) => (/\d{8}/.exec(a.id)?.[0] ?? "").localeCompare(/\d{8}/.exec(b.id)?.[0] ?? ""))
      .at(-1)?.id;
  }

  test.each([
    ["claude-opus-4-8", "opus"],
    ["claude-opus-5-5", "opus"],
    ["claude-sonnet-5", "sonnet"],
    ["claude-3-7-sonnet-latest", "sonnet"],
    ["claude-haiku-4-6-20270101", "haiku"],
  ])("%s goes to the newest %s", (name, tier) => {
    expect(served(name)).toBe(newest(tier));
    expect(resolveAnthropicModel(resolver, name)?.via).toBe("tier");
  });

  test("models.aliases re-points a tier, or one exact name", () => {
    const custom = createModelResolver({
      "claude-opus": "us.anthropic.claude-3-opus-20240229-v1:0",
      "claude-sonnet-9": "us.amazon.nova-pro-v1:0",
    });
    expect(served("claude-opus-4-8", custom)).toBe("us.anthropic.claude-3-opus-20240229-v1:0");
    expect(served("claude-sonnet-9", custom)).toBe("us.amazon.nova-pro-v1:0");
    expect(served("claude-sonnet-8", custom)).toBe(newest("sonnet"));
  });
});
