// The messages between the harness and the gateway process it forks (gateway-process.ts).
import type { Offender } from "./stalls.ts";

/** The header naming a case, so the gateway process can say which cases were in flight in a stall. */
export const CASE_HEADER = "x-fuzz-case";

export interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export type ToGateway =
  /** Full GC, answer the memory, then measure the loop (again). */
  | { type: "measure" }
  /** Stop measuring the loop, full GC, answer the memory. */
  | { type: "pause" }
  /** Answer the figures, close the gateway, hang up. */
  | { type: "finish" };

export type FromGateway =
  | { type: "ready"; url: string }
  | { type: "memory"; memory: Memory }
  /** A late timer, as it happens; `inFlight` holds case ids. */
  | { type: "stall"; offender: Offender }
  | { type: "crash"; message: string }
  | {
      type: "figures";
      crashes: number;
      /** Memory after a full GC, the gateway still open. */
      open: Memory;
      maxEventLoopDelayMs: number;
      p99EventLoopDelayMs: number;
      maxOwnDelayMs: number;
    };
