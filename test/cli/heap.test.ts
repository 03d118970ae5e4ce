import { describe, expect, it } from "vitest";
import { holdYoungGeneration } from "../../src/cli/heap.ts";

// The effect on RSS and throughput is measured by the benchmark (bench/README.md), not here.
describe("holdYoungGeneration", () => {
  it("leaves a young generation the user sized on the command line or in NODE_OPTIONS alone", () => {
    expect(holdYoungGeneration(["--max-semi-space-size=32"], undefined)).toBe(false);
    expect(holdYoungGeneration([], "--max-old-space-size=512 --min-semi-space-size=4")).toBe(false);
    expect(holdYoungGeneration([], "--semi-space-growth-factor=4")).toBe(false);
  });
});
