import { describe, expect, it } from "vitest";
import {
  declaredKey,
  formatEntry,
  formatHeader,
  joinCassette,
  parseEntry,
  splitCassette,
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

function generator(seed: number): () => string {
  let state = seed;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return () =>
    Array.from({ length: Math.floor(next() * 12) }, () => PIECES[Math.floor(next() * PIECES.length)]).join(
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
