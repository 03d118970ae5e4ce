// A byte-pair encoder over typed arrays, for token counting at a small memory cost.
//
// gpt-tokenizer holds cl100k_base as a 1.1 MB JavaScript array literal, a Map of 100k strings and a
// merge cache of up to 100k entries: 22+ MiB once loaded. Here the same ranks sit in one byte array
// (each token as a length byte and its bytes, in rank order), an offset per rank and an open-addressing
// hash table from bytes to rank: ~1.6 MiB. Merging looks pairs up by their bytes, without building
// strings; a small cache keeps the merges of recently seen pieces that are not tokens themselves.
//
// The results are gpt-tokenizer's exactly (a test compares them), including one quirk of its lookups:
// it turns a candidate byte sequence that is valid UTF-8 into a string with TextDecoder, which drops a
// leading byte order mark. So a sequence starting with a BOM is looked up without it, and the few
// tokens that start with a BOM (stored by gpt-tokenizer as bytes, not strings) are never matched.
// Special tokens (`<|endoftext|>`, …) are not recognised: they are counted as ordinary text.
import { LRUCache } from "lru-cache";

/** An encoder for one vocabulary; not re-entrant (counting is synchronous, so one per process is fine). */
export interface BytePairEncoder {
  /** Number of tokens `encode(text)` would return, without building the array. */
  count(text: string): number;
  encode(text: string): number[];
  /** Text of the tokens; an incomplete UTF-8 sequence at the end (a cut character) is left out. */
  decode(tokens: readonly number[]): string;
  /** Number of ranks in the vocabulary. */
  readonly size: number;
}

const NO_RANK = 0x7fffffff;
/** Pieces up to this many UTF-8 bytes reuse preallocated buffers; longer ones allocate their own. */
const SCRATCH_BYTES = 1024;
/** Merged pieces up to this long are cached (longer ones are rare, and would make entries costly). */
const CACHED_PIECE_CHARS = 32;
/** V8 keeps a substring of 13+ characters as a slice of the whole text; see `detached`. */
const SLICED_STRING_MIN = 13;

/** Options of `createBytePairEncoder`. */
export interface BytePairEncoderOptions {
  /**
   * Merged pieces remembered (~300 bytes each; cleared when full). Default 1024: enough for the
   * pieces of tens of KB of text repeated across requests, such as a long system prompt.
   */
  cacheEntries?: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, then MurmurHash3's finaliser so that both the low bits (slot) and high bits (tag) are mixed. */
function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return finish(h);
}

function finish(hash: number): number {
  let h = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A copy of a piece that does not keep the text it was cut from alive: V8 makes a regex match of 13+
 * characters a slice of the subject, so caching the match itself could pin a whole request body.
 */
function detached(piece: string): string {
  return piece.length < SLICED_STRING_MIN ? piece : [...piece].join("");
}

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Length of `bytes` without an incomplete UTF-8 sequence at the end (a character cut by a token limit). */
function completeLength(bytes: Uint8Array): number {
  let lead = bytes.length - 1;
  while (lead >= 0 && bytes.length - lead < 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return bytes.length;
  const b = bytes[lead]!;
  const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return bytes.length - lead < needed ? lead : bytes.length;
}

function startsWithBom(bytes: Uint8Array, from: number, to: number): boolean {
  return to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf;
}

/** Strict UTF-8 validity (no overlongs, surrogates or code points past U+10FFFF), as gpt-tokenizer checks it. */
export function isValidUtf8(bytes: Uint8Array, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const b = bytes[i]!;
    let extra: number;
    let cp: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if ((b & 0xe0) === 0xc0) {
      if (b <= 0xc1) return false;
      extra = 1;
      cp = b & 0x1f;
    } else if ((b & 0xf0) === 0xe0) {
      extra = 2;
      cp = b & 0x0f;
    } else if ((b & 0xf8) === 0xf0) {
      if (b > 0xf4) return false;
      extra = 3;
      cp = b & 0x07;
    } else return false;
    if (i + extra >= to) return false;
    for (let j = 1; j <= extra; j++) {
      const c = bytes[i + j]!;
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if ((extra === 2 && cp < 0x800) || (extra === 3 && cp < 0x10000)) return false;
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return false;
    i += extra + 1;
  }
  return true;
}

/**
 * Build an encoder from packed ranks (for each rank from 0, a length byte then that many bytes) and
 * the pre-tokenizer pattern that splits text into pieces before merging.
 */
export function createBytePairEncoder(
  packed: Uint8Array,
  splitPattern: string,
  { cacheEntries = 1024 }: BytePairEncoderOptions = {},
): BytePairEncoder {
  let size = 0;
  let end = 0;
  while (end < packed.length) {
    if (packed[end] === 0) throw new Error("packed ranks: a token of length 0");
    end += packed[end]! + 1;
    size++;
  }
  if (end !== packed.length) throw new Error("packed ranks: the last token is cut");
  const offsets = new Uint32Array(size);
  for (let at = 0, rank = 0; rank < size; at += packed[at]! + 1, rank++) offsets[rank] = at + 1;

  // Open addressing with linear probing, load factor ~0.75. A slot holds rank + 1 in its low bits and
  // the high bits of the token's hash as a tag, so most probes end without reading token bytes.
  let slotCount = 1;
  while (slotCount < size * 1.25) slotCount *= 2;
  const mask = slotCount - 1;
  const rankBits = 32 - Math.clz32(size); // enough for rank + 1
  const tagMask = ~((1 << rankBits) - 1);
  const rankMask = (1 << rankBits) - 1;
  const slots = new Int32Array(slotCount); // 0 = empty

  function find(bytes: Uint8Array, from: number, to: number): number {
    return findHashed(bytes, from, to, hashBytes(bytes, from, to));
  }

  function findHashed(bytes: Uint8Array, from: number, to: number, hash: number): number {
    const length = to - from;
    const tag = hash & tagMask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      if ((entry & tagMask) !== tag) continue;
      const rank = (entry & rankMask) - 1;
      const at = offsets[rank]!;
      if (packed[at - 1] !== length) continue;
      let i = 0;
      while (i < length && packed[at + i] === bytes[from + i]) i++;
      if (i === length) return rank;
    }
  }

  for (let rank = 0; rank < size; rank++) {
    const at = offsets[rank]!;
    const end = at + packed[at - 1]!;
    if (startsWithBom(packed, at, end) && isValidUtf8(packed, at, end)) continue; // never matched (see top)
    if (find(packed, at, end) !== -1) throw new Error(`packed ranks: token ${rank} is a duplicate`);
    const hash = hashBytes(packed, at, end);
    let slot = hash & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = (hash & tagMask) | (rank + 1);
  }

  // Byte-level BPE: every byte is a token, so merging always ends in tokens.
  for (let byte = 0; byte < 256; byte++) {
    if (find(Uint8Array.of(byte), 0, 1) === -1) throw new Error(`packed ranks: byte ${byte} is no token`);
  }

  /** gpt-tokenizer's getBpeRankFromBytes: NO_RANK when the bytes are no token. */
  function rankOf(bytes: Uint8Array, from: number, to: number): number {
    if (startsWithBom(bytes, from, to) && isValidUtf8(bytes, from, to)) {
      from += 3;
      if (from === to) return NO_RANK;
    }
    const rank = find(bytes, from, to);
    return rank === -1 ? NO_RANK : rank;
  }

  const split = new RegExp(splitPattern, "gu");
  const scratch = new Uint8Array(SCRATCH_BYTES);
  const scratchStarts = new Int32Array(SCRATCH_BYTES + 1);
  const scratchRanks = new Int32Array(SCRATCH_BYTES + 1);
  const cache = new LRUCache<string, readonly number[]>({ max: Math.max(1, cacheEntries) });

  /** The next piece of the pre-tokenizer (`split.lastIndex` set to 0 before the first). */
  function nextPiece(text: string): string | undefined {
    const match = split.exec(text);
    if (match === null) return undefined;
    if (match[0].length === 0) split.lastIndex++; // not with cl100k's pattern; never loop on one
    return match[0];
  }

  /** Hash of the bytes the last `pieceBytes` call wrote. */
  let pieceHash = 0;

  /** Writes the piece's UTF-8 to `bytes`; returns its length, negated when the whole piece can't match. */
  function pieceBytes(piece: string, bytes: Uint8Array): number {
    const chars = piece.length;
    let h = FNV_OFFSET;
    for (let i = 0; i < chars; i++) {
      const c = piece.charCodeAt(i);
      if (c >= 0x80) return pieceBytesFrom(piece, bytes, i);
      bytes[i] = c;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    pieceHash = finish(h);
    return chars;
  }

  /** `pieceBytes` past the first non-ASCII character, at `start` (TextEncoder's UTF-8, inline: faster). */
  function pieceBytesFrom(piece: string, bytes: Uint8Array, start: number): number {
    const chars = piece.length;
    let n = start;
    let wellFormed = true;
    for (let i = start; i < chars; i++) {
      let c = piece.charCodeAt(i);
      if (c < 0x80) {
        bytes[n++] = c;
      } else if (c < 0x800) {
        bytes[n++] = 0xc0 | (c >> 6);
        bytes[n++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const low = i + 1 < chars ? piece.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
            const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
            bytes[n++] = 0xf0 | (cp >> 18);
            bytes[n++] = 0x80 | ((cp >> 12) & 0x3f);
            bytes[n++] = 0x80 | ((cp >> 6) & 0x3f);
            bytes[n++] = 0x80 | (cp & 0x3f);
            i++;
            continue;
          }
          // A lone surrogate becomes U+FFFD, and the whole piece is no string gpt-tokenizer knows.
          c = 0xfffd;
          wellFormed = false;
        }
        bytes[n++] = 0xe0 | (c >> 12);
        bytes[n++] = 0x80 | ((c >> 6) & 0x3f);
        bytes[n++] = 0x80 | (c & 0x3f);
      }
    }
    pieceHash = hashBytes(bytes, 0, n);
    return wellFormed ? n : -n;
  }

  /**
   * The pair merging of gpt-tokenizer's bytePairMerge: repeatedly merge the adjacent pair of lowest
   * rank, leftmost first. Returns the number of tokens; pushes their ranks to `out` when given.
   */
  function merge(bytes: Uint8Array, length: number, out: number[] | undefined): number {
    // starts[i]: where part i begins; ranks[i]: rank of part i merged with part i + 1.
    const starts = length <= SCRATCH_BYTES ? scratchStarts : new Int32Array(length + 1);
    const ranks = length <= SCRATCH_BYTES ? scratchRanks : new Int32Array(length + 1);
    let boundaries = length + 1;
    for (let i = 0; i < boundaries; i++) {
      starts[i] = i;
      ranks[i] = i < length - 1 ? rankOf(bytes, i, i + 2) : NO_RANK;
    }
    while (boundaries > 1) {
      let lowest = NO_RANK;
      let at = -1;
      for (let i = 0; i < boundaries - 1; i++) {
        const rank = ranks[i]!;
        if (rank < lowest) {
          lowest = rank;
          at = i;
        }
      }
      if (at === -1) break;
      starts.copyWithin(at + 1, at + 2, boundaries);
      ranks.copyWithin(at, at + 1, boundaries);
      boundaries--;
      ranks[at] = at + 2 < boundaries ? rankOf(bytes, starts[at]!, starts[at + 2]!) : NO_RANK;
      if (at > 0) ranks[at - 1] = rankOf(bytes, starts[at - 1]!, starts[at + 1]!);
    }
    if (out !== undefined) {
      for (let i = 0; i < boundaries - 1; i++) out.push(rankOf(bytes, starts[i]!, starts[i + 1]!));
    }
    return boundaries - 1;
  }

  /**
   * Tokens of one piece: one if the whole piece is a token, else the merged parts (cached for short
   * pieces: merging costs far more than a lookup). Pushes their ranks to `out` when given.
   */
  function pieceTokens(piece: string, out: number[] | undefined): number {
    const bytes = piece.length * 3 <= SCRATCH_BYTES ? scratch : new Uint8Array(piece.length * 3);
    const signed = pieceBytes(piece, bytes);
    const length = Math.abs(signed);
    if (signed > 0) {
      const whole = findHashed(bytes, 0, length, pieceHash);
      if (whole !== -1) {
        out?.push(whole);
        return 1;
      }
    }
    if (cacheEntries === 0 || piece.length > CACHED_PIECE_CHARS) return merge(bytes, length, out);
    let ranks = cache.get(piece);
    if (ranks === undefined) {
      const merged: number[] = [];
      merge(bytes, length, merged);
      cache.set(detached(piece), merged);
      ranks = merged;
    }
    if (out !== undefined) for (const rank of ranks) out.push(rank);
    return ranks.length;
  }

  return {
    size,
    count(text) {
      let total = 0;
      split.lastIndex = 0;
      for (let piece = nextPiece(text); piece !== undefined; piece = nextPiece(text)) {
        total += pieceTokens(piece, undefined);
      }
      return total;
    },
    encode(text) {
      const out: number[] = [];
      split.lastIndex = 0;
      for (let piece = nextPiece(text); piece !== undefined; piece = nextPiece(text)) pieceTokens(piece, out);
      return out;
    },
    decode(tokens) {
      let length = 0;
      for (const token of tokens) {
        if (!(token >= 0 && token < size)) throw new RangeError(`not a token: ${token}`);
        length += packed[offsets[token]! - 1]!;
      }
      const bytes = new Uint8Array(length);
      let at = 0;
      for (const token of tokens) {
        const from = offsets[token]!;
        const to = from + packed[from - 1]!;
        bytes.set(packed.subarray(from, to), at);
        at += to - from;
      }
      return utf8.decode(bytes.subarray(0, completeLength(bytes)));
    },
  };
}
