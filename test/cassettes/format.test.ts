import { describe, expect, it } from "vitest";
import {
  declaredKey,
  formatEntry,
  formatHeader,
  joinCassette,
  parseEntry,
  splitCassette,
  splitDocuments,
  type CassetteEntry,
} from "../../src/cassettes/format.ts";

// Strings built from the pieces that trip YAML writers: document markers, block-scalar indicators,
// whitespace-only lines, control characters, tags, anchors, directives.
const PIECES = [
  "---",
  "...",
  "\n",
  "\r\n",
  " ",
  "  \n",
  "\t",
  "key: sha256:" + "a".repeat(64),
  "#",
  ": ",
  "- ",
  "|",
  ">",
  '"',
  "'",
  "é",
  "\u2028",
  "\u0000",
  "\u001b",
  "&a",
  "*a",
  "!!str",
  "%YAML",
  "x",
  "\n---\n",
  "\n...\n",
  "\\",
];

/** Strings of up to `most` pieces, from a seeded generator (the same strings every run). */
function generator(seed: number, pieces = PIECES, most = 12): () => string {
  let state = seed;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return () =>
    Array.from({ length: Math.floor(next() * most) }, () => pieces[Math.floor(next() * pieces.length)]).join(
      "",
    );
}

describe("cassette format", () => {
  it("writes any strings so that the file splits and parses back exactly", () => {
    const s = generator(1);
    for (let n = 0; n < 150; n++) {
      const entry: CassetteEntry = {
        key: `sha256:${"b".repeat(64)}`,
        order: n,
        recorded_at: s(),
        latency_ms: 1,
        request: { model: s(), messages: [{ role: "user", content: s() }], [s() || "k"]: s() },
        response:
          n % 2 === 0
            ? { status: 200, headers: { "content-type": s() }, text: s() }
            : { status: 200, headers: {}, json: { t: s(), [s() || "k"]: [s()] } },
      };
      const header = formatHeader({
        format: "bedrock-proxy-gateway/cassette",
        version: 1,
        created: s(),
        updated: "u",
        creator: s(),
        ignore_fields: [s()],
      });
      const text = joinCassette(header, [formatEntry(entry), formatEntry(entry)]);
      const { chunks } = splitCassette(text, "f");
      expect(chunks).toHaveLength(2);
      for (const [i, chunk] of chunks.entries()) {
        expect(declaredKey(chunk)).toBe(entry.key);
        expect(JSON.stringify(parseEntry(chunk, "f", i + 1))).toBe(JSON.stringify(entry));
      }
    }
  });

  it("refuses aliases (no alias bombs) and names the entry that is broken", () => {
    const text =
      "format: bedrock-proxy-gateway/cassette\nversion: 1\n---\nkey: k\nrequest: {model: m}\nresponse: {status: 200, headers: {}, text: x}\n---\nkey: &a k\norder: *a\n";
    const { chunks } = splitCassette(text, "f.yaml");
    expect(parseEntry(chunks[0] ?? "", "f.yaml", 1).response.text).toBe("x");
    expect(() => parseEntry(chunks[1] ?? "", "f.yaml", 2)).toThrow(/f\.yaml entry 2 is not valid YAML/);
  });

  it("an older or missing version says to re-record", () => {
    expect(() => splitCassette("format: bedrock-proxy-gateway/cassette\nversion: 0\n", "old.yaml")).toThrow(
      /version 0.*Re-record the cassette/,
    );
    expect(() => splitCassette("format: bedrock-proxy-gateway/cassette\n", "none.yaml")).toThrow(
      /version undefined/,
    );
  });
});

// The document splitter (splitDocuments: one regex pass that also reads each entry's key) against the
// plainest statement of the format: String.split on the separator, declaredKey per chunk.
/** The separator as the format states it. */
const SEPARATOR = /^---[ \t]*(?:\r?\n|$)/m;

const KEY = `sha256:${"0123456789abcdef".repeat(4)}`;
// Pieces that sit on every edge of the separator: line terminators of all kinds (JavaScript's /m
// counts \r, U+2028 and U+2029), dashes, the tail's blanks, non-ASCII whitespace, key lines.
const SPLIT_PIECES = [
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

function reference(text: string) {
  return text.split(SEPARATOR).map((chunk) => ({ text: chunk, key: declaredKey(chunk) }));
}

describe("document splitter", () => {
  it("splits and reads keys exactly as String.split and declaredKey do", () => {
    const s = generator(7, SPLIT_PIECES, 16);
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
