import { describe, expect, it } from "vitest";
import { LazyAbort } from "../../src/http/cancel.ts";

describe("LazyAbort", () => {
  it("calls each listener once on abort, and a late listener at once", () => {
    const abort = new LazyAbort();
    const calls: string[] = [];
    abort.listen({ handleEvent: () => calls.push("first") });
    abort.listen({ handleEvent: () => calls.push("second") });
    expect(calls).toEqual([]);
    abort.abort();
    abort.abort();
    expect(calls).toEqual(["first", "second"]);
    abort.listen({ handleEvent: () => calls.push("late") });
    expect(calls).toEqual(["first", "second", "late"]);
  });

  it("makes a signal only when asked, aborted with it or already aborted when asked late", () => {
    const early = new LazyAbort();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    expect(early.signal).toBe(signal);
    early.abort();
    expect(signal.aborted).toBe(true);
    const late = new LazyAbort();
    late.abort();
    expect(late.signal.aborted).toBe(true);
  });
});
