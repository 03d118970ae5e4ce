import { describe, expect, it } from "vitest";
import { declaredKey, isBlankDocument } from "../../src/cassettes/format.ts";
import { DocumentScanner, scanDocuments, type DocumentRange } from "../../src/cassettes/scan.ts";

/** The splitter the byte scanner must agree with: the separator as a regex over the decoded text. */
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

function view(bytes: Buffer, documents: DocumentRange[]) {
  return documents.map((d) => {
    const text = bytes.toString("utf8", d.start, d.end);
    return { text, key: d.key, blank: isBlankDocument(d, () => text) };
  });
}

function reference(text: string) {
  return text
    .split(SEPARATOR)
    .map((chunk) => ({ text: chunk, key: declaredKey(chunk), blank: chunk.trim() === "" }));
}

describe("document scanner", () => {
  it("splits, reads keys and tells blank documents exactly as the regex over the text does", () => {
    const s = generator(7);
    for (let n = 0; n < 3000; n++) {
      const text = s();
      const bytes = Buffer.from(text, "utf8");
      expect(view(bytes, scanDocuments(bytes)), JSON.stringify(text)).toEqual(reference(text));
    }
  });

  it("gives the same documents whatever the block sizes the bytes arrive in", () => {
    const s = generator(11);
    for (let n = 0; n < 1000; n++) {
      const text = [s(), s(), s()].join("\n---\n");
      const bytes = Buffer.from(text, "utf8");
      const documents: DocumentRange[] = [];
      const scanner = new DocumentScanner((d) => documents.push(d));
      const block = 1 + (n % 7);
      for (let at = 0; at < bytes.length; at += block) scanner.push(bytes.subarray(at, at + block));
      scanner.finish();
      expect(view(bytes, documents), JSON.stringify(text)).toEqual(reference(text));
    }
  });

  it("finds every entry of a file as the writer emits it, with its key", () => {
    const entry = (i: number) => `key: ${KEY}\norder: ${i}\nresponse:\n  text: |-\n    ---\n    a\n`;
    const text = ["format: x\n", ...Array.from({ length: 50 }, (_, i) => entry(i))].join("---\n");
    const bytes = Buffer.from(text, "utf8");
    const documents = scanDocuments(bytes);
    expect(documents).toHaveLength(51);
    expect(documents.slice(1).every((d) => d.key === KEY && d.blank === false)).toBe(true);
    expect(bytes.toString("utf8", documents[3]?.start, documents[3]?.end)).toBe(entry(2));
  });
});
