import { describe, expect, it } from "vitest";
import { keepYoungGenerationSize } from "../../src/cli/heap.ts";

// The effect on RSS is measured by the benchmark (bench/README.md), not here.
describe("keepYoungGenerationSize", () => {
  it("leaves a young generation the user sized on the command line or in NODE_OPTIONS alone", () => {
    expect(keepYoungGenerationSize(["--max-semi-space-size=32"], undefined)).toBe(false);
    expect(keepYoungGenerationSize([], "--max-old-space-size=512 --min-semi-space-size=4")).toBe(false);
    expect(keepYoungGenerationSize([], "--semi-space-growth-factor=4")).toBe(false);
  });

  it("otherwise applies its own setting, whatever unrelated flags are present", () => {
    expect(keepYoungGenerationSize(["--enable-source-maps"], "--max-old-space-size=512")).toBe(true);
  });
});
