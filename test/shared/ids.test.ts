// randomIds: base62 tokens of the asked length, fresh bytes every time (also across pool refills).
import { describe, expect, it } from "vitest";
import { randomIds } from "../../src/shared/ids.ts";

describe("randomIds", () => {
  it("gives base62 tokens of the asked length, all distinct across many pool refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const token = randomIds.token(29);
      expect(token).toMatch(/^[0-9A-Za-z]{29}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(2000);
  });

  it("serves lengths larger than the pool", () => {
    expect(randomIds.token(5000)).toMatch(/^[0-9A-Za-z]{5000}$/);
  });

  it("gives request ids of the documented shape", () => {
    expect(randomIds.requestId()).toMatch(/^req_[0-9a-f]{32}$/);
    // Drawn from the same pool as tokens: distinct across many refills, interleaved with tokens.
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      ids.add(randomIds.requestId());
      randomIds.token(29);
    }
    expect(ids.size).toBe(2000);
  });
});
