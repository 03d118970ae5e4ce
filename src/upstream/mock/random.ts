// Seeded randomness for the simulator. Every answer draws from a generator seeded by `mock.seed` and a
// hash of the request, so the same request and seed give the same bytes (CONTRACT §5).
import { createHash, hash } from "node:crypto";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** A 32-bit seed for libraries that take one (json-schema-faker). */
  seed(): number;
}

/** Mulberry32: tiny, fast and good enough for fake data (not for secrets). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => (max <= min ? min : min + Math.floor(next() * (max - min + 1))),
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError("rng.pick on an empty list");
      return item;
    },
    seed: () => Math.floor(next() * 0x7fffffff),
  };
}

/** Characters hashed per update of a long text. */
const HASH_SLICE = 64 * 1024;

/** A digest of the configured seed and any text (the request): a 32-bit seed and a cache key. */
export function digestOf(seed: number, text: string): { seed: number; key: string } {
  const digest =
    text.length <= HASH_SLICE ? hash("sha256", `${seed}\0${text}`, "buffer") : sliced(seed, text);
  return { seed: digest.readUInt32LE(0), key: digest.toString("base64url") };
}

/**
 * The same digest, hashed a slice at a time: in one update a 1.5 MB prompt became a 1.5 MB buffer outside
 * the JS heap, and the allocator keeps the high-water mark of those (RSS that never comes back). A slice
 * never ends between the two halves of a surrogate pair, so the bytes hashed are the same.
 */
function sliced(seed: number, text: string): Buffer {
  const sha = createHash("sha256").update(`${seed}\0`);
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + HASH_SLICE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    sha.update(text.slice(start, end));
    start = end;
  }
  return sha.digest();
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Deterministic base62 text, for ids such as `toolu_bdrk_01…`. */
export function base62Text(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[Math.floor(rng.next() * 62)];
  return out;
}
