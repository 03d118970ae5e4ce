import { describe, expect, it } from "vitest";
import { OptionsError, parseOptions } from "../../bench/lib/options.ts";

describe("bench options", () => {
  it("defaults to 3 rounds of 5 s, 50 connections, every scenario, the built gateway", () => {
    const o = parseOptions([], {}, "/out");
    expect(o).toMatchObject({
      rounds: 3,
      seconds: 5,
      connections: 50,
      cassetteEntries: 10_000,
      gateway: "dist",
      outDir: "/out",
    });
    expect(o.only).toContain("replay-10k");
  });

  it("--quick shortens runs; flags win over the environment", () => {
    const o = parseOptions(["--quick", "--rounds", "4"], { BENCH_ROUNDS: "7", BENCH_SECONDS: "3" }, "/out");
    expect(o).toMatchObject({ quick: true, rounds: 4, seconds: 3, latencyRequests: 500 });
  });

  it("--only keeps the baselines the ratios need", () => {
    expect(parseOptions(["--only=live"], {}, "/out").only).toEqual(["A", "E", "F", "live"]);
    expect(parseOptions(["--only=messages"], {}, "/out").only).toEqual(["A", "mock", "messages"]);
    expect(parseOptions([], { BENCH_ONLY: "replay-10k" }, "/out").only).toEqual([
      "A",
      "replay-10k",
      "replay-10",
    ]);
  });

  it("refuses unknown flags, unknown scenarios and out-of-range numbers", () => {
    expect(() => parseOptions(["--fast"], {}, "/out")).toThrow(OptionsError);
    expect(() => parseOptions(["--only", "nope"], {}, "/out")).toThrow(/unknown scenario/);
    expect(() => parseOptions([], { BENCH_ROUNDS: "0" }, "/out")).toThrow(/rounds/);
    expect(() => parseOptions([], { BENCH_SECONDS: "1.5" }, "/out")).toThrow(/integer/);
    expect(() => parseOptions([], { BENCH_GATEWAY: "bin" }, "/out")).toThrow(/dist or src/);
  });
});
