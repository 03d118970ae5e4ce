// Which bodies stall the event loop: a timer that should fire every few milliseconds notes how late it
// fired, and a late firing is blamed on the requests in flight at that moment (with 4 in flight, one
// of them did it; the worst offenders show which kind). monitorEventLoopDelay gives the figure, this
// gives the names.
import { PerformanceObserver } from "node:perf_hooks";
export interface Offender {
  delayMs: number;
  /**
   * CPU time the loop's thread used over the late interval. Far below `delayMs`, it was waiting for a
   * core (a shared machine), not blocked by its own work; GC pauses are the `gcMs` part.
   */
  cpuMs: number;
  gcMs: number;
  /** The cases in flight during the stall, each as face, body size and the body's first characters. */
  inFlight: string[];
}

export class StallWatch {
  readonly #inFlight = new Set<() => string>();
  /**
   * Every case in flight at some moment since the last tick: the one that blocked the loop has often
   * finished by the time the late timer fires, inside the very stretch it blocked.
   */
  #sinceTick = new Set<() => string>();
  readonly #worst: Offender[] = [];
  readonly #keep: number;
  #timer: NodeJS.Timeout | undefined;
  #gcMs = 0;
  /** The largest delay not explained by waiting for a core (see start). */
  maxOwnMs = 0;
  readonly #gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.#gcMs += entry.duration;
  });

  readonly #onStall: ((offender: Offender) => void) | undefined;

  /** `onStall` hears of each stall over the reporting threshold as it happens. */
  constructor(onStall?: (offender: Offender) => void, keep = 10) {
    this.#onStall = onStall;
    this.#keep = keep;
  }

  start(periodMs = 5, reportAboveMs = 20): void {
    let expected = performance.now() + periodMs;
    // The main thread's CPU time, not the process's: the loop runs there, and GC helpers and the
    // thread pool (gzip bombs) work beside it.
    let cpu = process.threadCpuUsage();
    this.#gcMs = 0;
    this.#gc.observe({ entryTypes: ["gc"] });
    this.#timer = setInterval(() => {
      const now = performance.now();
      const late = now - expected;
      expected = now + periodMs;
      const used = process.threadCpuUsage(cpu);
      cpu = process.threadCpuUsage();
      const gcMs = this.#gcMs;
      this.#gcMs = 0;
      const cpuMs = (used.user + used.system) / 1000;
      // The part of the delay the loop's thread spent working: how long the gateway's own work blocked
      // the loop, with a busy machine's waits for a core left out.
      this.maxOwnMs = Math.max(this.maxOwnMs, Math.min(late, cpuMs));
      if (late > reportAboveMs)
        this.#note({
          delayMs: Math.round(late),
          cpuMs: Math.round((used.user + used.system) / 1000),
          gcMs: Math.round(gcMs),
          inFlight: [...this.#sinceTick].map((describe) => describe()),
        });
      this.#sinceTick = new Set(this.#inFlight);
    }, periodMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#gc.disconnect();
  }

  /** Track a case while it is in flight (described only if it is blamed); returns what ends it. */
  track(describe: () => string): () => void {
    const key = (): string => describe();
    this.#inFlight.add(key);
    this.#sinceTick.add(key);
    return () => this.#inFlight.delete(key);
  }

  /** The worst delays seen, worst first. */
  get worst(): Offender[] {
    return this.#worst;
  }

  #note(offender: Offender): void {
    this.#onStall?.(offender);
    this.#worst.push(offender);
    this.#worst.sort((a, b) => b.delayMs - a.delayMs);
    this.#worst.length = Math.min(this.#worst.length, this.#keep);
  }
}
