// The request journal on its own: a ring of the newest entries, redaction, and large bodies not kept whole.
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../src/http/exchange.ts";
import { RequestJournal, redactBody } from "../../src/http/journal.ts";
import { ManualClock } from "../../src/shared/clock.ts";

function note(journal: RequestJournal, id: string, body: unknown, bytes: string | undefined): RequestRecord {
  const record: RequestRecord = { requestId: id, body };
  journal.watch(record, "chat", "/v1/chat/completions", {}, bytes);
  record.onDone?.(200, 1.5);
  return record;
}

describe("RequestJournal", () => {
  it("keeps the newest `size` entries, newest first", () => {
    const journal = new RequestJournal(2, new ManualClock(0));
    for (const id of ["a", "b", "c"]) note(journal, id, {}, "2");
    expect(journal.list().map((e) => e.id)).toEqual(["c", "b"]);
    expect(journal.list({ limit: 1 }).map((e) => e.id)).toEqual(["c"]);
    expect(journal.clear()).toBe(2);
    expect(journal.list()).toEqual([]);
  });

  it("redacts credential keys at any depth and shortens long strings", () => {
    const body = {
      api_token: "t",
      nested: [{ Authorization: "Bearer x", "X-Api-Key": "k", max_tokens: 5 }],
      text: "y".repeat(5000),
    };
    expect(redactBody(body)).toEqual({
      api_token: "[REDACTED]",
      nested: [{ Authorization: "[REDACTED]", "X-Api-Key": "[REDACTED]", max_tokens: 5 }],
      text: `${"y".repeat(2000)}…[5000 chars]`,
    });
  });

  it("cuts long arrays and wide objects to their first 1,000", () => {
    const numbers = Array.from({ length: 3000 }, (_, i) => i);
    const wide = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, i]));
    const redacted = redactBody({ numbers, wide, short: [1, 2] }) as Record<string, Record<string, unknown>>;
    expect(redacted.short).toEqual([1, 2]);
    expect(redacted.numbers).toEqual([...numbers.slice(0, 1000), "…[3000 items]"]);
    expect(Object.keys(redacted.wide ?? {})).toHaveLength(1001);
    expect(redacted.wide?.["…"]).toBe("[1500 keys]");
    expect(redacted.wide?.k999).toBe(999);
  });

  it("keeps about 64 KB of a large body in all, however it is spread", () => {
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      role: "user",
      content: `${i} ${"x".repeat(1990)}`,
    }));
    const copy = redactBody({ model: "m", messages }) as { model: string; messages: { content: string }[] };
    expect(copy.model).toBe("m");
    expect(copy.messages[0]?.content).toBe(messages[0]?.content);
    expect(JSON.stringify(copy).length).toBeLessThan(80_000);
    expect(copy.messages.at(-1)).toBe("[…]");
  });

  it("does not keep a large body (or one of unknown length) whole", () => {
    const journal = new RequestJournal(5, new ManualClock(0));
    const big = note(journal, "big", { image: "z".repeat(100_000) }, String(200_000));
    const chunked = note(journal, "chunked", { api_token: "secret" }, undefined);
    const small = note(journal, "small", { api_token: "secret" }, "20");
    expect(big.body).toBeUndefined();
    expect(chunked.body).toBeUndefined();
    expect(small.body).toEqual({ api_token: "secret" }); // kept as received, redacted when read
    const [s, c, b] = journal.list();
    expect(s?.body).toEqual({ api_token: "[REDACTED]" });
    expect(c?.body).toEqual({ api_token: "[REDACTED]" });
    expect((b?.body as { image: string }).image).toHaveLength(2000 + "…[100000 chars]".length);
  });

  it("size 0 keeps nothing", () => {
    const journal = new RequestJournal(0, new ManualClock(0));
    const record = note(journal, "a", {}, "2");
    expect(record.onDone).toBeUndefined();
    expect(journal.list()).toEqual([]);
  });
});
