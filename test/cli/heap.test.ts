import { describe, expect, it } from "vitest";
import { holdYoungGeneration, YoungGenerationSteering } from "../../src/cli/heap.ts";

// The effect on RSS and throughput is measured by the benchmark (bench/README.md), not here.
describe("holdYoungGeneration", () => {
  it("leaves a young generation the user sized on the command line or in NODE_OPTIONS alone", () => {
    expect(holdYoungGeneration(["--max-semi-space-size=32"], undefined)).toBe(false);
    expect(holdYoungGeneration([], "--max-old-space-size=512 --min-semi-space-size=4")).toBe(false);
    expect(holdYoungGeneration([], "--semi-space-growth-factor=4")).toBe(false);
  });
});

describe("YoungGenerationSteering", () => {
  const MiB = 1024 * 1024;
  function steered(sizes: number[]): number[] {
    const factors: number[] = [];
    let i = 0;
    const steering = new YoungGenerationSteering(
      16 * MiB,
      () => sizes[i] as number,
      (factor) => factors.push(factor),
    );
    for (; i < sizes.length; i += 1) steering.steer();
    return factors;
  }

  it("grows below the cap and stops at it, setting the flag only when the decision changes", () => {
    expect(steered([1 * MiB, 2 * MiB, 8 * MiB, 16 * MiB, 16 * MiB])).toEqual([2, 1]);
  });

  it("grows again after V8 shrank an idle young generation (a later burst must not run at 1 MiB)", () => {
    expect(steered([1 * MiB, 16 * MiB, 16 * MiB, 1 * MiB, 4 * MiB, 16 * MiB])).toEqual([2, 1, 2, 1]);
  });

  it("starts stopped when the young generation is already at the cap", () => {
    expect(steered([32 * MiB, 1 * MiB])).toEqual([1, 2]);
  });
});
