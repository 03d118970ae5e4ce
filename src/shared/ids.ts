// Id generation is injected so tests can pin ids; production uses random, URL-safe ids.
import { randomBytes } from "node:crypto";

export interface IdSource {
  /** A fresh random token of `length` base62 characters. */
  token(length: number): string;
  requestId(): string;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function base62(bytes: Uint8Array, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[(bytes[i % bytes.length] ?? 0) % 62];
  return out;
}

/**
 * Random bytes from a pooled buffer refilled 4 KiB at a time (what randomUUID does internally): one
 * CSPRNG call per ~140 completion ids instead of one per id. Bytes are handed out once, never reused.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function pooledRandomBytes(length: number): Buffer {
  if (length > POOL_BYTES) return randomBytes(length);
  if (poolOffset + length > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
}

export const randomIds: IdSource = {
  token: (length) => base62(pooledRandomBytes(length), length),
  // 16 pooled bytes as 32 hex characters: a UUID's randomness, no dashes to strip.
  requestId: () => `req_${pooledRandomBytes(16).toString("hex")}`,
};

/** Deterministic ids for tests: a counter rendered into the same shapes. */
export function sequentialIds(prefix = "t"): IdSource {
  let n = 0;
  return {
    token: (length) => `${prefix}${++n}`.padStart(length, "0").slice(-length),
    requestId: () => `req_${prefix}${++n}`,
  };
}
