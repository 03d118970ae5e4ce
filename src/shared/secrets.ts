// Constant-time secret comparison. Secrets are compared through their SHA-256 digests, so tokens of
// different lengths take the same time and nothing about their length or prefix leaks.
import { createHash, timingSafeEqual } from "node:crypto";

export type SecretDigest = Buffer;

export function secretDigest(value: string): SecretDigest {
  return createHash("sha256").update(value).digest();
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
