// The simulator's spend sampler: turns ledger changes into history points (history.ts) and tells
// listeners (budget alerts) about every team's quota as it moves. A change schedules one sample of
// every team on the next turn of the event loop (a burst of charges is one sample, and no sample runs
// inside a ledger operation); a slow timer samples too, because a running GPU notebook spends without
// any change being made.
import type { Clock } from "../shared/clock.ts";
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import type { SpendHistory } from "./history.ts";

/** Told of every sampled quota; `initial` for the first sample after start-up (restored state). */
export type SpendListener = (teamId: string, quota: RemainingQuota, initial: boolean) => void;

export interface SpendSamplerOptions {
  teams(): string[];
  /** A team's quota with GPU time settled (the Budget's read, not the raw ledger's). */
  quota(teamId: string): RemainingQuota;
  clock: Clock;
  history: SpendHistory;
  /** Called after a sample added a point (the state file should be written). */
  onPoint?: () => void;
  /** Timer period, ms (default 5000; 0 = no timer). */
  intervalMs?: number;
}

export interface SpendSampler {
  /** Sample every team soon (coalesced). */
  schedule(): void;
  /** Sample every team now. */
  sample(): void;
  subscribe(listener: SpendListener): void;
  close(): void;
}

export function createSpendSampler(options: SpendSamplerOptions): SpendSampler {
  const { clock, history } = options;
  const listeners: SpendListener[] = [];
  let pending: NodeJS.Immediate | undefined;
  let initial = true;

  function sample(): void {
    if (pending !== undefined) clearImmediate(pending);
    pending = undefined;
    const now = clock.now();
    let added = false;
    for (const teamId of options.teams()) {
      const quota = options.quota(teamId);
      if (history.record(teamId, quota, now)) added = true;
      for (const listener of listeners) listener(teamId, quota, initial);
    }
    initial = false;
    if (added) options.onPoint?.();
  }

  const period = options.intervalMs ?? 5000;
  const timer = period > 0 ? setInterval(sample, period) : undefined;
  timer?.unref();

  return {
    schedule() {
      pending ??= setImmediate(sample);
    },
    sample,
    subscribe(listener) {
      listeners.push(listener);
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
      if (pending !== undefined) clearImmediate(pending);
      pending = undefined;
    },
  };
}
