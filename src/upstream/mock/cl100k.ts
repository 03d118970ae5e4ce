// The cl100k_base encoding, loaded from cl100k-ranks.json on first use.
//
// The JSON file is one string: the ranks packed as bpe.ts reads them, in base64. It is generated from
// gpt-tokenizer's ranks by scripts/generate-cl100k-ranks.ts and checked against them by a test. It is
// decoded from the file's bytes, never turned into a JavaScript string: a megabyte of string garbage
// stays in the heap until the next full GC, which would double what loading the encoding costs.
import { readFileSync } from "node:fs";
import { createBytePairEncoder, type BytePairEncoder } from "./bpe.ts";
// Type-only, but it also puts the JSON in the program, so tsc copies it to dist/ next to this module.
import type ranksFile from "./cl100k-ranks.json";

/** What cl100k-ranks.json holds: a base64 string. */
export type Cl100kRanksFile = typeof ranksFile;

/** Number of ranks in cl100k_base (special tokens aside). */
export const CL100K_RANKS = 100_256;

/** cl100k_base's pre-tokenizer (gpt-tokenizer's CL100K_TOKEN_SPLIT_REGEX; a test keeps them equal). */
export const CL100K_SPLIT_PATTERN = String.raw`'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]|\s+(?!\S)|\s`;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const QUOTE = 0x22;
const PAD = 0x3d;

/**
 * Decode a JSON file holding one base64 string (`"…"`, maybe a final newline) in place: the result is a
 * view of the start of `file`. No copy, so loading never holds the file and its content at once.
 */
export function decodeBase64JsonString(file: Uint8Array): Uint8Array {
  let end = file.length;
  while (end > 0 && (file[end - 1] === 0x0a || file[end - 1] === 0x0d)) end--;
  const from = 1;
  const to = end - 1;
  if (file[0] !== QUOTE || to < from || file[to] !== QUOTE || (to - from) % 4 !== 0) {
    throw new Error("not a JSON string of base64");
  }
  const values = new Int8Array(256).fill(-1);
  for (let i = 0; i < BASE64.length; i++) values[BASE64.charCodeAt(i)] = i;
  const padding = to === from ? 0 : (file[to - 1] === PAD ? 1 : 0) + (file[to - 2] === PAD ? 1 : 0);
  const length = ((to - from) / 4) * 3 - padding;
  let o = 0; // 3 bytes written per 4 read, so writes stay behind reads
  for (let i = from; i < to; i += 4) {
    const last = i + 4 === to;
    const a = values[file[i]!]!;
    const b = values[file[i + 1]!]!;
    const c = last && padding === 2 ? 0 : values[file[i + 2]!]!;
    const d = last && padding >= 1 ? 0 : values[file[i + 3]!]!;
    if ((a | b | c | d) < 0) throw new Error(`not base64 at byte ${i}`);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    file[o++] = n >>> 16;
    if (o < length) file[o++] = (n >>> 8) & 0xff;
    if (o < length) file[o++] = n & 0xff;
  }
  return file.subarray(0, length);
}

/** The packed cl100k_base ranks, from the JSON file beside this module. */
export function readCl100kRanks(): Uint8Array {
  // A view of the file's buffer, whose last quarter stays unused: copying the ranks out to free it
  // measured worse (the freed megabyte is not given back to the system).
  return decodeBase64JsonString(readFileSync(new URL("./cl100k-ranks.json", import.meta.url)));
}

let encoder: BytePairEncoder | undefined;

/** The cl100k_base encoder, built the first time it is asked for (~35 ms, ~2 MiB). */
export function cl100k(): BytePairEncoder {
  if (encoder === undefined) {
    const built = createBytePairEncoder(readCl100kRanks(), CL100K_SPLIT_PATTERN);
    if (built.size !== CL100K_RANKS) throw new Error(`cl100k-ranks.json: ${built.size} ranks`);
    encoder = built;
  }
  return encoder;
}
