import { describe, expect, it } from "vitest";
import { difference, median, percentile, ratio, round } from "../../bench/lib/stats.ts";

describe("median", () => {
  it("takes the middle value of an odd count and the mean of the two middle values of an even count", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("ignores missing and non-finite values and is null when nothing is left", () => {
    expect(median([null, 5, undefined, Number.NaN, 1])).toBe(3);
    expect(median([])).toBeNull();
    expect(median([null, Number.POSITIVE_INFINITY])).toBeNull();
  });

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted

  it("returns measured values only", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30], 99)).toBe(30);
  });

  it("is null without samples and refuses a percentile outside 0..100", () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("ratio, difference, round", () => {
  it("divides, and is null for a missing or non-positive denominator", () => {
    expect(ratio(30, 60)).toBe(0.5);
    expect(ratio(30, 0)).toBeNull();
    expect(ratio(null, 60)).toBeNull();
    expect(ratio(30, undefined)).toBeNull();
  });

  it("subtracts and rounds, keeping null", () => {
    expect(difference(250, 100)).toBe(150);
    expect(difference(null, 100)).toBeNull();
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(null, 2)).toBeNull();
  });
});
