// The simulator's one clock (issue 5): daily counters, GPU billing and simulated latency all read it.
// `real` follows the injected base clock, optionally sped up by `time_scale`; `manual` moves only when
// told to (POST /admin/clock/advance). Both resume from a persisted reading, so a restart never makes
// simulated time run backwards, and with a real clock the downtime counts (a real instance keeps running).
import type { Clock } from "../shared/clock.ts";

export type ClockMode = "real" | "manual";

export interface SimulatorClock extends Clock {
  readonly mode: ClockMode;
  readonly timeScale: number;
  /** Move a manual clock forward; a real clock refuses (throws RangeError). */
  advance(ms: number): void;
  /** The base (real) clock reading paired with now(), persisted so a restart can resume. */
  baseNow(): number;
}

/** A persisted pairing of simulated and base time (the state file's `clock`). */
export interface ClockReading {
  sim_ms: number;
  real_ms: number;
}

export interface SimulatorClockOptions {
  mode: ClockMode;
  /** Simulated seconds per real second (real mode only). Default 1. */
  timeScale?: number;
  /** The real clock underneath (tests inject a ManualClock here). */
  base: Clock;
  /** Last reading saved by a previous run, if any. */
  resumeFrom?: ClockReading | undefined;
}

export function createSimulatorClock(options: SimulatorClockOptions): SimulatorClock {
  const { base, mode } = options;
  const timeScale = options.timeScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale > 0))
    throw new RangeError(`time_scale must be a positive number, got ${timeScale}`);
  const startReal = base.now();
  const resume = options.resumeFrom;

  if (mode === "manual") {
    let simMs = resume === undefined ? startReal : resume.sim_ms;
    return {
      mode,
      timeScale: 1,
      now: () => simMs,
      baseNow: () => base.now(),
      advance(ms) {
        if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
        simMs += ms;
      },
    };
  }

  // Anchor: the simulated time at a base instant. Real time that passed since the last saved reading
  // (the gateway was down) is added at the same scale; a base clock that went backwards adds nothing.
  const anchorReal = resume === undefined ? startReal : resume.real_ms;
  const anchorSim = resume === undefined ? startReal : resume.sim_ms;
  return {
    mode,
    timeScale,
    now: () => Math.floor(anchorSim + Math.max(0, base.now() - anchorReal) * timeScale),
    baseNow: () => base.now(),
    advance() {
      throw new RangeError("the simulator clock is real; set mock.clock: manual to move time by hand");
    },
  };
}
