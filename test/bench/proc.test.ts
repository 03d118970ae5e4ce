import { describe, expect, it } from "vitest";
import { cpuMicrosPerRequest, parseProcStat, parseProcStatus } from "../../bench/lib/proc.ts";

// A real /proc/<pid>/stat line, with a comm that contains spaces and parentheses.
const STAT =
  "4242 (node (bench) x) S 4200 4242 4200 34816 4242 4194304 12345 0 0 0 731 152 0 0 20 0 11 0 98765 1234567890 23456 " +
  "18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0";

describe("parseProcStat", () => {
  it("adds utime and stime (fields 14 and 15), counting fields after the last ')'", () => {
    expect(parseProcStat(STAT)).toEqual({ ticks: 731 + 152 });
  });

  it("throws on malformed input", () => {
    expect(() => parseProcStat("garbage")).toThrow(/no '\)'/);
    expect(() => parseProcStat("1 (x) S 1 2")).toThrow(/utime/);
  });
});

describe("parseProcStatus", () => {
  const status = [
    "Name:\tnode",
    "VmPeak:\t 1200000 kB",
    "VmHWM:\t  204800 kB",
    "VmRSS:\t  102400 kB",
    "Threads:\t11",
  ].join("\n");

  it("reads VmRSS and VmHWM in bytes", () => {
    expect(parseProcStatus(status)).toEqual({ rssBytes: 100 * 1024 * 1024, peakRssBytes: 200 * 1024 * 1024 });
  });

  it("tolerates a missing VmHWM and refuses a missing VmRSS", () => {
    expect(parseProcStatus("VmRSS:\t 1024 kB").peakRssBytes).toBeNull();
    expect(() => parseProcStatus("Name:\tnode")).toThrow(/VmRSS/);
  });
});

describe("cpuMicrosPerRequest", () => {
  it("turns a tick delta into µs per request", () => {
    // 50 ticks at 100 Hz = 0.5 s of CPU over 10,000 requests = 50 µs each.
    expect(cpuMicrosPerRequest({ ticks: 100 }, { ticks: 150 }, 10_000, 100)).toBe(50);
  });

  it("is null when a reading or the request count is missing", () => {
    expect(cpuMicrosPerRequest(null, { ticks: 1 }, 10, 100)).toBeNull();
    expect(cpuMicrosPerRequest({ ticks: 1 }, { ticks: 2 }, 0, 100)).toBeNull();
  });
});
