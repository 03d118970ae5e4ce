import { hash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestOf } from "../../../src/upstream/mock/random.ts";

describe("digestOf", () => {
  it("digests a long text in slices to the digest of the whole, surrogate pairs across a slice edge included", () => {
    const whole = (seed: number, text: string) => {
      const digest = hash("sha256", `${seed}\0${text}`, "buffer");
      return { seed: digest.readUInt32LE(0), key: digest.toString("base64url") };
    };
    // "x" first: every pair then starts at an odd index, so one straddles the 65,536-character edge.
    for (const text of [
      "a".repeat(200_000),
      `x${"🦜".repeat(40_000)}`,
      `${"é".repeat(70_000)}\uD800`,
      "short",
    ])
      expect(digestOf(7, text)).toEqual(whole(7, text));
    expect(digestOf(7, "a".repeat(200_000))).not.toEqual(digestOf(8, "a".repeat(200_000)));
  });
});
