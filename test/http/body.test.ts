import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { jsonBodyReader, nestedDeeperThan } from "../../src/http/body.ts";

describe("nestedDeeperThan", () => {
  it("counts objects and arrays, not scalars", () => {
    expect(nestedDeeperThan("text", 0)).toBe(false);
    expect(nestedDeeperThan({}, 1)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
  });

  it("walks 100,000 levels without overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nestedDeeperThan(deep, 128)).toBe(true);
  });
});

describe("jsonBodyReader", () => {
  it("reads a body that arrives in many chunks, characters split across them, as one JSON value", async () => {
    const value = { messages: [{ role: "user", content: "naïve café 🦜 ".repeat(5_000) }] };
    const bytes = Buffer.from(JSON.stringify(value));
    const req = Object.assign(new PassThrough(), {
      headers: { "content-type": "application/json", "content-length": String(bytes.length) },
    });
    const read = jsonBodyReader(1024 * 1024)(req as never, undefined as never);
    // 7-byte chunks: every multi-byte character (2 and 4 bytes here) is cut somewhere along the way.
    for (let i = 0; i < bytes.length; i += 7) req.write(bytes.subarray(i, i + 7));
    req.end();
    expect(await read).toEqual(value);
  });
});
