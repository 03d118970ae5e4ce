// The compact cl100k_base encoder against gpt-tokenizer's, which it replaces: the same ranks, the same
// pre-tokenizer, and the same tokens for every text tried — ordinary text, this repository's sources,
// and generated strings full of the awkward cases (byte order marks, lone surrogates, emoji, marks).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BytePairEncodingCore } from "gpt-tokenizer/BytePairEncodingCore";
import gptRanks from "gpt-tokenizer/bpeRanks/cl100k_base";
import { encode as gptEncode } from "gpt-tokenizer/encoding/cl100k_base";
import { CL100K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { describe, expect, it } from "vitest";
import { packRanks } from "../../../scripts/generate-cl100k-ranks.ts";
import { createBytePairEncoder, isValidUtf8 } from "../../../src/upstream/mock/bpe.ts";
import {
  CL100K_RANKS,
  CL100K_SPLIT_PATTERN,
  cl100k,
  decodeBase64JsonString,
  readCl100kRanks,
} from "../../../src/upstream/mock/cl100k.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BOM = [0xef, 0xbb, 0xbf];

/** gpt-tokenizer's tokens, with special-token text taken as ordinary text (as the simulator counts it). */
function expected(text: string): number[] {
  return gptEncode(text, { disallowedSpecial: new Set() });
}

/** A deterministic generator (the test must not depend on luck). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function sourceTexts(): string[] {
  const texts = [
    readFileSync(join(ROOT, "README.md"), "utf8"),
    readFileSync(join(ROOT, "config.yaml"), "utf8"),
  ];
  for (const dir of ["src/upstream/mock", "src/translation", "src/http"]) {
    for (const name of readdirSync(join(ROOT, dir))) {
      if (name.endsWith(".ts") || name.endsWith(".md"))
        texts.push(readFileSync(join(ROOT, dir, name), "utf8"));
    }
  }
  return texts;
}

describe("cl100k_base ranks shipped in cl100k-ranks.json", () => {
  it("are exactly gpt-tokenizer's, as the generator packs them", () => {
    const packed = readCl100kRanks();
    expect(gptRanks).toHaveLength(CL100K_RANKS);
    expect(Buffer.from(packed).equals(Buffer.from(packRanks(gptRanks)))).toBe(true);
  });

  it("hold the only tokens gpt-tokenizer never matches where the encoder skips them: UTF-8 after a BOM", () => {
    // gpt-tokenizer keeps a token as a string when its bytes decode; TextDecoder drops a leading BOM,
    // so these few decode to something else and are kept as bytes, out of reach of every lookup.
    const encoder = new TextEncoder();
    const unreachable: number[] = [];
    const skipped: number[] = [];
    for (const [rank, token] of gptRanks.entries()) {
      const bytes = typeof token === "string" ? encoder.encode(token) : Uint8Array.from(token);
      const valid = isValidUtf8(bytes, 0, bytes.length);
      if (typeof token !== "string" && valid) unreachable.push(rank);
      if (BOM.every((b, i) => bytes[i] === b) && valid) skipped.push(rank);
    }
    expect(unreachable.length).toBeGreaterThan(0);
    expect(skipped).toEqual(unreachable);
  });

  it("reach dist/: cl100k.ts imports the JSON, so tsc copies it next to the compiled module", () => {
    const source = readFileSync(join(ROOT, "src/upstream/mock/cl100k.ts"), "utf8");
    expect(source).toMatch(/^import type \w+ from "\.\/cl100k-ranks\.json";$/m);
    expect(source).toContain('new URL("./cl100k-ranks.json", import.meta.url)');
  });

  it("are split by gpt-tokenizer's pre-tokenizer", () => {
    expect(CL100K_SPLIT_PATTERN).toBe(CL100K_TOKEN_SPLIT_REGEX.source);
    expect(CL100K_TOKEN_SPLIT_REGEX.flags).toBe("gu");
  });
});

describe("the cl100k_base encoder", () => {
  const encoding = cl100k();

  it("gives gpt-tokenizer's tokens on this repository's sources, line by line and in chunks", () => {
    let compared = 0;
    for (const text of sourceTexts()) {
      for (const line of text.split("\n")) {
        expect(encoding.encode(line), line).toEqual(expected(line));
        compared++;
      }
      for (let i = 0; i < text.length; i += 3000) {
        const chunk = text.slice(i, i + 3000);
        const tokens = expected(chunk);
        expect(encoding.encode(chunk)).toEqual(tokens);
        expect(encoding.count(chunk)).toBe(tokens.length);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("gives gpt-tokenizer's tokens on generated text full of awkward cases", () => {
    const next = random(42);
    const parts = [
      ..."abetxyzAQ019 ,.!?-_/*#'\"{}:;\t\n\r",
      "  ",
      "\r\n",
      "'s",
      "'LL",
      "'Ve",
      "123",
      "4567",
      "é",
      "ü",
      "ß",
      "naïve",
      "e\u0301",
      "中文",
      "日本語",
      "한국어",
      "Ω",
      "𝐀",
      "🙂",
      "👍🏽",
      "👨‍👩‍👧",
      "\uFEFF", // byte order mark: gpt-tokenizer's lookups drop it from the front of a byte sequence
      "\uFEFFnamespace",
      "\uD800", // lone surrogates: encoded as U+FFFD, but no whole-piece match
      "\uDC00",
      "\uFFFD",
      "\u00A0",
      "\u2028",
      "\u0000",
      "\u007F",
      "<|endoftext|>",
      "<|im_start|>",
    ];
    for (let n = 0; n < 4000; n++) {
      let text = "";
      const length = 1 + Math.floor(next() * 24);
      for (let i = 0; i < length; i++) text += parts[Math.floor(next() * parts.length)];
      expect(encoding.encode(text), JSON.stringify(text)).toEqual(expected(text));
    }
    for (let n = 0; n < 4000; n++) {
      let text = "";
      const length = 1 + Math.floor(next() * 10);
      for (let i = 0; i < length; i++) {
        const r = next();
        const max = r < 0.4 ? 0x80 : r < 0.7 ? 0x800 : r < 0.9 ? 0x10000 : 0x110000;
        text += String.fromCodePoint(Math.floor(next() * max));
      }
      expect(encoding.encode(text), JSON.stringify(text)).toEqual(expected(text));
    }
  });

  it("gives gpt-tokenizer's tokens for long pieces, past the preallocated buffers", () => {
    for (const text of [
      "ab".repeat(700),
      "é".repeat(500),
      "x" + " ".repeat(1500) + "y",
      "\n".repeat(1200),
      "🙂".repeat(300),
    ]) {
      expect(encoding.encode(text)).toEqual(expected(text));
      expect(encoding.count(text)).toBe(expected(text).length);
    }
  });

  it("counts the same with its merge cache churning or off", () => {
    const text = sourceTexts().join("\n").slice(0, 20_000);
    const tokens = expected(text);
    const packed = readCl100kRanks();
    for (const cacheEntries of [0, 3]) {
      const other = createBytePairEncoder(packed, CL100K_SPLIT_PATTERN, { cacheEntries });
      expect(other.count(text)).toBe(tokens.length);
      expect(other.encode(text)).toEqual(tokens);
    }
  });

  it("decodes tokens back to the text, leaving out a character cut at the end", () => {
    for (const text of ["Hello wörld 🙂 naïve café", "\uFEFFstarts with a BOM", "中文 and 日本語"]) {
      expect(encoding.decode(encoding.encode(text))).toBe(text);
    }
    const parrot = encoding.encode("🦜");
    expect(parrot.length).toBeGreaterThan(1); // several byte-level tokens: cutting between them cuts the character
    for (let cut = 1; cut < parrot.length; cut++) {
      expect(encoding.decode(parrot.slice(0, cut))).toBe("");
      expect(encoding.decode([...encoding.encode("ok "), ...parrot.slice(0, cut)])).toBe("ok ");
    }
    expect(() => encoding.decode([CL100K_RANKS])).toThrow(RangeError);
  });
});

describe("lookups that cl100k_base never exercises", () => {
  // A vocabulary built so that gpt-tokenizer's lookups show: ranks 0–255 are the bytes, then
  const vocabulary: (string | number[])[] = [
    ...Array.from({ length: 256 }, (_, b) => (b < 0x80 ? String.fromCharCode(b) : [b])),
    [0xef, 0xbb], // 256
    [0xbf, 0x6e], // 257: merging "\uFEFFn" reaches EF BB + BF 6E, valid UTF-8 that is looked up as "n"
    "\uFFFD", // 258: only reachable by a whole-piece match, which a lone surrogate must not get
    [...BOM, 0x23], // 259: valid UTF-8 kept as bytes, so never matched ("\uFEFF#")
  ];
  const texts = [
    "\uFEFFn",
    "x\uFEFFn",
    "\uFEFF#",
    "\uFEFF",
    "\uFFFD",
    "\uD800",
    "a\uDC00",
    "\uD800\uDC00",
    "ok",
  ];

  it("are gpt-tokenizer's: a BOM dropped in front of a candidate, lone surrogates, unreachable tokens", () => {
    const gpt = new BytePairEncodingCore({
      bytePairRankDecoder: vocabulary,
      tokenSplitRegex: CL100K_TOKEN_SPLIT_REGEX,
      specialTokensEncoder: new Map([["<|end|>", 300]]),
    });
    const encoder = createBytePairEncoder(packRanks(vocabulary), CL100K_SPLIT_PATTERN);
    for (const text of texts)
      expect(encoder.encode(text), JSON.stringify(text)).toEqual(gpt.encodeNative(text));
    expect(encoder.encode("\uFEFFn")).toEqual([0x6e]); // the quirk itself, spelled out
    expect(encoder.encode("\uFFFD")).toEqual([258]);
    expect(encoder.encode("\uD800")).toEqual([0xef, 0xbf, 0xbd]); // merged from its bytes, as gpt-tokenizer does
  });
});

describe("packed ranks", () => {
  it("reject a zero-length token, a cut last token and duplicates", () => {
    expect(() => createBytePairEncoder(Uint8Array.of(1, 97, 0), "\\S")).toThrow(/length 0/);
    expect(() => createBytePairEncoder(Uint8Array.of(1, 97, 2, 98), "\\S")).toThrow(/cut/);
    expect(() => createBytePairEncoder(Uint8Array.of(1, 97, 1, 97), "\\S")).toThrow(/duplicate/);
  });

  it("must hold every byte", () => {
    expect(() => createBytePairEncoder(packRanks(["a", "b"]), "\\S")).toThrow(/byte 0 is no token/);
  });

  it("encode a small vocabulary by merging the lowest-ranked pair first, leftmost on ties", () => {
    const bytes = Array.from({ length: 256 }, (_, b) => [b]);
    const encoder = createBytePairEncoder(packRanks([...bytes, "bc", "ab", "abc"]), String.raw`\S+|\s+`);
    expect(encoder.encode("abc")).toEqual([258]); // bc (256) first, then a+bc
    expect(encoder.encode("abcab")).toEqual([258, 257]);
    expect(encoder.encode("cab ab")).toEqual([99, 257, 32, 257]);
    expect(encoder.count("abab")).toBe(2);
    expect(encoder.decode([258, 257])).toBe("abcab");
  });

  it("come out of a JSON string of base64, with any padding", () => {
    for (let length = 0; length < 8; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + 13) & 0xff);
      const file = Buffer.from(`${JSON.stringify(Buffer.from(bytes).toString("base64"))}\n`);
      expect(Array.from(decodeBase64JsonString(file))).toEqual(Array.from(bytes));
    }
    expect(() => decodeBase64JsonString(Buffer.from('"QUJD"'))).not.toThrow();
    expect(() => decodeBase64JsonString(Buffer.from("QUJD"))).toThrow(/JSON string/);
    expect(() => decodeBase64JsonString(Buffer.from('"QUJ"'))).toThrow(/JSON string/);
    expect(() => decodeBase64JsonString(Buffer.from('"QU!D"'))).toThrow(/not base64/);
  });
});
