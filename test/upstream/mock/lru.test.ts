import { describe, expect, it } from "vitest";
import { LruCache } from "../../../src/upstream/mock/lru.ts";

describe("LruCache", () => {
  it("evicts the least recently used entry, counting reads as uses", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // a is now newer than b
    expect(cache.get("a")).toBe(1); // a hit on the newest entry keeps the order
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    cache.set("d", 4); // a is the oldest now
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it("holds one entry at capacity 1", () => {
    const cache = new LruCache<string, number>(1);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toBe(2);
  });
});
