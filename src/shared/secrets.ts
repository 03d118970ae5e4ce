// Constant-time secret comparison. Secrets are compared through their SHA-256 digests, so tokens of
// different lengths take the same time and nothing about their length or prefix leaks.
import { hash, timingSafeEqual } from "node:crypto";

export type SecretDigest = Buffer;

export function secretDigest(value: string): SecretDigest {
  // One-shot hash(): the same digest as createHash().update().digest() without a Hash object per call.
  return hash("sha256", value, "buffer");
}

/** True when `presented` is the secret `expected` was made from. */
export function matchesSecret(presented: string, expected: SecretDigest): boolean {
  return timingSafeEqual(secretDigest(presented), expected);
}

/** True when `presented` matches any of `expected`; every candidate is compared, whichever matches. */
export function matchesAnySecret(presented: string, expected: readonly SecretDigest[]): boolean {
  const digest = secretDigest(presented);
  return expected.reduce((found, candidate) => timingSafeEqual(candidate, digest) || found, false);
}
