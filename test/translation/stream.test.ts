// Pieces of streamed text: nothing lost, and never a lone surrogate in a delta (clients in languages whose
// strings are code points cannot glue two halves of an emoji back together).
import { describe, expect, test } from "vitest";
import { slices, splitText } from "../../src/translation/stream.ts";

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("slices", () => {
  test.each([1, 2, 3, 7, 48])("size %i: emoji stay whole and the pieces join back", (size) => {
    const text = `{"text":"${"😀a".repeat(20)}é😀"}`;
    const pieces = slices(text, size);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) expect(piece).not.toMatch(loneSurrogate);
    expect(pieces.every((p) => p.length > 0 && p.length <= Math.max(size, 2))).toBe(true);
  });

  test("plain text is cut at exactly size units", () => {
    expect(slices("abcdefg", 3)).toEqual(["abc", "def", "g"]);
    expect(slices("", 3)).toEqual([]);
  });
});

describe("splitText", () => {
  test("breaks after whitespace and loses nothing, emoji included", () => {
    const text = "Sunny 😀😀 today, with  light winds\nand 21°C 🌤️ in Paris.";
    const pieces = splitText(text, 8);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) expect(piece).not.toMatch(loneSurrogate);
  });
});
