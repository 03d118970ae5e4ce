// Writes src/upstream/mock/cl100k-ranks.json: gpt-tokenizer's cl100k_base ranks in the packed form that
// src/upstream/mock/bpe.ts reads (each token as a length byte and its bytes, in rank order), as one
// base64 JSON string. Run it after upgrading gpt-tokenizer:
//   node scripts/generate-cl100k-ranks.ts
// test/upstream/mock/bpe.test.ts checks that the committed file holds exactly gpt-tokenizer's ranks.
import { writeFileSync } from "node:fs";
import ranks from "gpt-tokenizer/bpeRanks/cl100k_base";

/** Ranks (strings, or byte arrays for tokens gpt-tokenizer keeps as bytes) in the packed form. */
export function packRanks(tokens: readonly (string | readonly number[])[]): Uint8Array {
  if (tokens.length !== Object.keys(tokens).length) throw new Error("the ranks have holes");
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  tokens.forEach((token, rank) => {
    const bytes = typeof token === "string" ? encoder.encode(token) : Uint8Array.from(token);
    if (bytes.length < 1 || bytes.length > 255) throw new Error(`token ${rank}: ${bytes.length} bytes`);
    parts.push(Uint8Array.of(bytes.length), bytes);
  });
  return Buffer.concat(parts);
}

if (import.meta.main) {
  const packed = packRanks(ranks);
  const target = new URL("../src/upstream/mock/cl100k-ranks.json", import.meta.url);
  writeFileSync(target, `${JSON.stringify(Buffer.from(packed).toString("base64"))}\n`);
  console.log(`${ranks.length} ranks, ${packed.length} bytes -> ${target.pathname}`);
}
