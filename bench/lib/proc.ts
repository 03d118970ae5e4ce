// Reading a child's CPU time and memory from /proc (Linux). The parsers are pure and tested; the
// readers return null where /proc is missing (macOS), so the benchmark still runs there, without
// CPU and RSS columns.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface CpuTicks {
  /** utime + stime, in clock ticks (see clockTicksPerSecond). */
  ticks: number;
}

export interface Memory {
  /** Resident set size now, bytes. */
  rssBytes: number;
  /** Peak resident set size since start (VmHWM), bytes; null when the kernel does not report it. */
  peakRssBytes: number | null;
}

/**
 * Parse /proc/<pid>/stat. Field 2 (comm) is parenthesised and may itself contain spaces and
 * parentheses, so fields are counted from the last ')'. utime and stime are fields 14 and 15.
 */
export function parseProcStat(text: string): CpuTicks {
  const close = text.lastIndexOf(")");
  if (close < 0) throw new Error("malformed /proc/<pid>/stat: no ')' after comm");
  // After ") " come field 3 (state), 4, 5, … ; utime is field 14, i.e. index 11 from field 3.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime))
    throw new Error("malformed /proc/<pid>/stat: utime/stime not integers");
  return { ticks: utime + stime };
}

/** Parse VmRSS and VmHWM (kB) from /proc/<pid>/status. */
export function parseProcStatus(text: string): Memory {
  const kib = (key: string): number | null => {
    const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB$`, "m").exec(text);
    return match === null ? null : Number(match[1]) * 1024;
  };
  const rss = kib("VmRSS");
  if (rss === null) throw new Error("malformed /proc/<pid>/status: no VmRSS line");
  return { rssBytes: rss, peakRssBytes: kib("VmHWM") };
}

export function readCpuTicks(pid: number): CpuTicks | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

export function readMemory(pid: number): Memory | null {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return null;
  }
}

let ticksPerSecond: number | undefined;

/** The kernel's USER_HZ (almost always 100), asked once of getconf. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 2000 }).trim());
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU microseconds per request between two readings, or null when anything is missing. */
export function cpuMicrosPerRequest(
  before: CpuTicks | null,
  after: CpuTicks | null,
  requests: number,
  hz: number,
): number | null {
  if (before === null || after === null || requests <= 0 || hz <= 0) return null;
  return (((after.ticks - before.ticks) / hz) * 1e6) / requests;
}
