// The document splitter (format.ts splitDocuments: one regex pass that also reads each entry's key)
// against the plainest statement of the format: String.split on the separator, declaredKey per chunk.
import { describe, expect, it } from "vitest";
import { declaredKey, splitDocuments } from "../../src/cassettes/format.ts";

/** The separator as the format states it. */
const SEPARATOR = /^---[ \t]*(?:\r?\n|$)/m;

const KEY = `sha256:${"0123456789abcdef".repeat(4)}`;
// Pieces that sit on every edge of the separator: line terminators of all kinds (JavaScript's /m
// counts \r, U+2028 and U+2029), dashes, the tail's blanks, non-ASCII whitespace, key lines.
const PIECES = [
  "---",
  "--",
  "-",
  "\n",
  "\r",
  "\r\n",
  " ",
  "\t",
  "\u2028",
  "\u2029",
  "\u00a0",
  "\u3000",
  "\ufeff",
  "é",
  "x",
  "#",
  `key: ${KEY}\n`,
  `key: ${KEY}\r\n`,
  `key: ${KEY}\r`,
  `key: ${KEY} \n`,
  `key: sha256:${"A".repeat(64)}\n`,
  `key: ${KEY.slice(0, -1)}\n`,
  "\n---\n",
  "---\r",
];

function generator(seed: number): () => string {
  let state = seed;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return () =>
    Array.from({ length: Math.floor(next() * 16) }, () => PIECES[Math.floor(next() * PIECES.length)]).join(
      "",
    );
}

function reference(text: string) {
  return text.split(SEPARATOR).map((chunk) => ({ text: chunk, key: declaredKey(chunk) }));
}

describe("document splitter", () => {
  it("splits and reads keys exactly as String.split and declaredKey do", () => {
    const s = generator(7);
    for (let n = 0; n < 3000; n++) {
      const text = [s(), s(), s()].join(n % 2 === 0 ? "\n---\n" : "");
      expect(splitDocuments(text), JSON.stringify(text)).toEqual(reference(text));
    }
  });

  it("finds every entry of a file as the writer emits it, with its key", () => {
    const entry = (i: number) => `key: ${KEY}\norder: ${i}\nresponse:\n  text: |-\n    ---\n    a\n`;
    const text = ["format: x\n", ...Array.from({ length: 50 }, (_, i) => entry(i))].join("---\n");
    const documents = splitDocuments(text);
    expect(documents).toHaveLength(51);
    expect(documents.slice(1).every((d) => d.key === KEY)).toBe(true);
    expect(documents[3]?.text).toBe(entry(2));
  });
});
