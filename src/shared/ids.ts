// Id generation is injected so tests can pin ids; production uses random, URL-safe ids.
import { randomBytes, randomUUID } from "node:crypto";

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

export const randomIds: IdSource = {
  token: (length) => base62(randomBytes(length), length),
  requestId: () => `req_${randomUUID().replaceAll("-", "")}`,
};

/** Deterministic ids for tests: a counter rendered into the same shapes. */
export function sequentialIds(prefix = "t"): IdSource {
  let n = 0;
  return {
    token: (length) => `${prefix}${++n}`.padStart(length, "0").slice(-length),
    requestId: () => `req_${prefix}${++n}`,
  };
}
