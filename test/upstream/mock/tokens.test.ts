import { describe, expect, it } from "vitest";
import { countInputTokens, countText, truncateToTokens } from "../../../src/upstream/mock/tokens.ts";

describe("token counting", () => {
  it("counts ordinary text as the tokenizer does (PROXY.md's captured exchange: 14 in)", async () => {
    const request = {
      model: "us.anthropic.claude-3-haiku-20240307-v1:0",
      max_tokens: 10,
      messages: [{ role: "user" as const, content: "What is 2+2?" }],
    };
    expect(await countInputTokens(request)).toBeGreaterThan(5);
    expect(countText("hello world")).toBe(2);
  });

  it("counts a megabyte without spaces in slices, instead of stalling the event loop", () => {
    // Unsliced, BPE merging of one 1 MB pre-token would take many minutes.
    const blob = "ab".repeat(500_000);
    const count = countText(blob);
    expect(count).toBe(countText("ab".repeat(128)) * (blob.length / 256));
    expect(countText(`intro ${blob} outro`)).toBe(countText("intro ") + count + countText(" outro"));
  });

  it("counts a large request in slices, with turns of the event loop between, to the same total", async () => {
    const prose = Array.from(
      { length: 40_000 },
      (_, i) => `Word${i % 97}, it's  ${i}\n\tnaïve 🦜 ${"x".repeat(i % 300)}`,
    );
    for (const content of [
      prose.join(" "),
      `Tell me about ${"a".repeat(300_000)} please`,
      "ab ".repeat(100_000),
    ]) {
      let turned = false;
      setImmediate(() => (turned = true));
      const counted = await countInputTokens({
        model: "m",
        max_tokens: 1,
        messages: [{ role: "user", content }],
      });
      expect(turned).toBe(true);
      expect(counted).toBe(countText(`\n\nHuman: ${content}\n\nAssistant:`));
    }
  });

  it("counts a megabyte of whitespace in slices too", () => {
    // One 1 MB run of spaces is one pre-token; unsliced it would block the event loop for hours.
    const spaces = " ".repeat(1_000_000);
    const whole = Math.floor(spaces.length / 256);
    expect(countText(spaces)).toBe(
      whole * countText(" ".repeat(256)) + countText(" ".repeat(spaces.length % 256)),
    );
    const indented = `def f():\n${" ".repeat(600)}return 1`;
    expect(countText(indented)).toBeGreaterThan(countText("def f():\nreturn 1"));
  });

  it("counts special-token text as ordinary text instead of failing the request", async () => {
    const request = {
      model: "us.anthropic.claude-3-haiku-20240307-v1:0",
      max_tokens: 10,
      messages: [{ role: "user" as const, content: "Explain <|endoftext|> and <|im_start|>" }],
    };
    expect(await countInputTokens(request)).toBeGreaterThan(10);
    expect(countText("<|endoftext|>")).toBe(countText("<|") + countText("endoftext") + countText("|>"));
  });

  it("truncates to a prefix of the text with exactly the limit, never half a character", () => {
    const text = "Parrots 🦜🦜🦜 talk; naïve café owners listen.";
    const full = countText(text);
    expect(truncateToTokens(text, full)).toEqual({ text, tokens: full, truncated: false });
    for (let limit = 1; limit < full; limit++) {
      const cut = truncateToTokens(text, limit);
      expect(cut.truncated).toBe(true);
      expect(cut.tokens).toBe(limit);
      expect(text.startsWith(cut.text), cut.text).toBe(true);
      expect(cut.text).not.toContain("\uFFFD");
      expect(countText(cut.text)).toBeLessThanOrEqual(limit);
    }
  });
});
