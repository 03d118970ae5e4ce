import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccessLog } from "../../src/http/access-log.ts";
import { createLogger } from "../../src/shared/logger.ts";

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe("access log", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("logs each request while under the per-second budget, then summarises the rest of that second", async () => {
    vi.useFakeTimers();
    let now = 0;
    const { logger, lines } = capture("info");
    const log = createAccessLog(logger, { linesPerSecond: 3, now: () => now });
    for (let i = 0; i < 7; i++) log(i < 6 ? 200 : 429, () => ({ path: `/r${i}` }));
    now = 400;
    log(200, () => ({ path: "/late" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(lines.filter((l) => l.msg === "request").map((l) => l.path)).toEqual(["/r0", "/r1", "/r2"]);

    // A second later the summary is written, even though no request came to trigger it.
    await vi.advanceTimersByTimeAsync(1000);
    vi.useRealTimers();
    await flushed();
    const summary = lines.find((l) => l.msg === "requests summarised");
    expect(summary).toMatchObject({ requests: 5, statuses: { 200: 4, 429: 1 }, over_per_second: 3 });

    // A new second starts a new budget.
    now = 1500;
    log(200, () => ({ path: "/next" }));
    await flushed();
    expect(lines.at(-1)).toMatchObject({ msg: "request", path: "/next" });
  });

  it("logs every request at debug, and none above info", async () => {
    const debug = capture("debug");
    const all = createAccessLog(debug.logger, { linesPerSecond: 1, now: () => 0 });
    for (let i = 0; i < 5; i++) all(200, () => ({ i }));
    const quiet = capture("warn");
    const none = createAccessLog(quiet.logger, { linesPerSecond: 1, now: () => 0 });
    for (let i = 0; i < 5; i++) none(200, () => ({ i }));
    await flushed();
    expect(debug.lines.filter((l) => l.msg === "request")).toHaveLength(5);
    expect(quiet.lines).toHaveLength(0);
  });
});
