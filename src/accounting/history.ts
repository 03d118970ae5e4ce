// Spend over time per team, for the dashboard's chart and GET /admin/budget/history: a bounded series of
// cumulative (llm_cost, gpu_cost) points. Bounded two ways: points closer than `minSpacingMs` replace the
// previous one (a burst of calls is one point), and a series past `maxPoints` is halved by dropping every
// other point (first and last kept), so it always spans the whole history at a coarser step. The
// counters are cumulative, so a dropped point loses resolution, never money.
import type { RemainingQuota } from "../shared/remaining-quota.ts";

/** One point: [simulated ms since the epoch, llm_cost, gpu_cost] (compact: the state file holds many). */
export type SpendPoint = [t: number, llm: number, gpu: number];

/** What the state file keeps: team → points, oldest first. */
export type PersistedHistory = Record<string, SpendPoint[]>;

export interface SpendHistoryOptions {
  /** Most points per team (default 720: an hour at 5 s, or a month at an hour once halved). */
  maxPoints?: number;
  /** Points closer than this replace the previous one (default 1000 ms). */
  minSpacingMs?: number;
  /** Most teams tracked (live mode sees whatever team ids callers bring); the oldest goes first. */
  maxTeams?: number;
}

export class SpendHistory {
  readonly #series = new Map<string, SpendPoint[]>();
  readonly #maxPoints: number;
  readonly #minSpacingMs: number;
  readonly #maxTeams: number;

  constructor(options: SpendHistoryOptions = {}) {
    this.#maxPoints = Math.max(4, options.maxPoints ?? 720);
    this.#minSpacingMs = options.minSpacingMs ?? 1000;
    this.#maxTeams = options.maxTeams ?? 1000;
  }

  get maxPoints(): number {
    return this.#maxPoints;
  }

  /** Add a point for `teamId` at `atMs`; false when nothing changed since the last point. */
  record(teamId: string, quota: Pick<RemainingQuota, "llm_cost" | "gpu_cost">, atMs: number): boolean {
    let series = this.#series.get(teamId);
    if (series === undefined) {
      series = [];
      this.#series.set(teamId, series);
      if (this.#series.size > this.#maxTeams) this.#series.delete(this.#series.keys().next().value as string);
    }
    const point: SpendPoint = [Math.floor(atMs), quota.llm_cost, quota.gpu_cost];
    const last = series.at(-1);
    if (last !== undefined) {
      if (last[1] === point[1] && last[2] === point[2]) return false;
      // A clock never runs backwards here, but a restored file from another machine might: keep order.
      if (point[0] < last[0]) point[0] = last[0];
      const before = series.at(-2);
      if (before !== undefined && point[0] - before[0] < this.#minSpacingMs) {
        series[series.length - 1] = point;
        return true;
      }
    }
    series.push(point);
    if (series.length > this.#maxPoints) this.#series.set(teamId, halve(series));
    return true;
  }

  /** The team's points, oldest first (a copy). */
  series(teamId: string): SpendPoint[] {
    return (this.#series.get(teamId) ?? []).map((p) => [...p] as SpendPoint);
  }

  teams(): string[] {
    return [...this.#series.keys()];
  }

  /** Forget a team's history (POST /admin/reset zeroes its counters too). */
  clear(teamId: string): void {
    this.#series.delete(teamId);
  }

  toJSON(): PersistedHistory {
    const out: PersistedHistory = {};
    for (const [team, series] of this.#series) out[team] = series.map((p) => [...p] as SpendPoint);
    return out;
  }

  /** Load saved series (kept teams only), re-bounded in case the file came from a larger limit. */
  restore(saved: PersistedHistory, keep: (teamId: string) => boolean = () => true): void {
    for (const [team, points] of Object.entries(saved)) {
      if (!keep(team)) continue;
      let series = points.map((p) => [...p] as SpendPoint);
      while (series.length > this.#maxPoints) series = halve(series);
      this.#series.set(team, series);
    }
  }
}

/** Every other point, keeping the first and the last. */
function halve(series: SpendPoint[]): SpendPoint[] {
  const last = series.at(-1);
  const kept = series.filter((_, i) => i % 2 === 0);
  if (last !== undefined && kept.at(-1) !== last) kept.push(last);
  return kept;
}
