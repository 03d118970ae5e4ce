// The access log: one line per request while traffic is human-sized, a per-second summary when a test
// suite or load run floods the gateway. A line per request at 20,000 requests/s is megabytes of log a
// second that nobody reads, and writing it cost more CPU than answering the request (bench/README.md).
// At `debug` every request is logged, always.
import type { Logger } from "../shared/logger.ts";

/** Requests logged one by one per second (at info) before the rest of that second is summarised. */
export const ACCESS_LINES_PER_SECOND = 50;

export interface AccessLogOptions {
  linesPerSecond?: number;
  /** Monotonic milliseconds (injected in tests). */
  now?: () => number;
}

/**
 * Log one request. The line is built only when it will be written: past the budget a request costs a
 * counter increment.
 */
export type AccessLog = (status: number, line: () => Record<string, unknown>) => void;

export function createAccessLog(logger: Logger, options: AccessLogOptions = {}): AccessLog {
  const budget = options.linesPerSecond ?? ACCESS_LINES_PER_SECOND;
  const now = options.now ?? (() => performance.now());
  let windowStart = -Infinity;
  let written = 0;
  let skipped = 0;
  let statuses: Record<string, number> = {};
  let flushTimer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (skipped === 0) return;
    // One line for the rest of a busy second; `--log-level debug` logs each request instead.
    logger.info({ requests: skipped, statuses, over_per_second: budget }, "requests summarised");
    skipped = 0;
    statuses = {};
  };

  return function logRequest(status, line) {
    if (!logger.isLevelEnabled("info")) return;
    if (logger.isLevelEnabled("debug")) {
      logger.info(line(), "request");
      return;
    }
    const t = now();
    if (t - windowStart >= 1000) {
      flush();
      windowStart = t;
      written = 0;
    }
    if (written < budget) {
      written += 1;
      logger.info(line(), "request");
      return;
    }
    skipped += 1;
    statuses[status] = (statuses[status] ?? 0) + 1;
    // The summary goes out when the next window starts, or a second from now if traffic stops.
    flushTimer ??= setTimeout(flush, Math.max(1, windowStart + 1000 - t)).unref();
  };
}
