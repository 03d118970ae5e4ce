// The per-team ledger behind `metadata.remaining_quota`. Money counters never reset; request and token
// counters reset at UTC midnight. Only successful calls are charged. All arithmetic is plain binary
// floating point, like the real service (values such as 47.847888499999996 are expected).
// GPU time is kept as integer milliseconds per instance type and priced from the totals, so per-second
// billing is exact however often it is settled. The ledger calls nobody: the Budget (accounting.ts)
// settles the GPU fleet before every read or charge, so every quota a caller sees includes GPU time up
// to now, and billing calls go one way (fleet → ledger).
import type { MockTeamConfig } from "../config/types.ts";
import type { Clock } from "../shared/clock.ts";
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import { GPU_INSTANCE_TYPES, gpuCost } from "./gpu-types.ts";

export interface TeamAccount {
  teamId: string;
  budgetLimit: number;
  llmCost: number;
  gpuCost: number;
  requestsToday: number;
  tokensToday: number;
  /** UTC day (YYYY-MM-DD) the daily counters belong to. */
  day: string;
  /** Billed GPU running time per instance type, integer milliseconds. */
  gpuMs: Record<string, number>;
  /** GPU cost charged directly (chargeGpu), beside the metered time. */
  gpuExtra: number;
}

/** What the state file keeps of one account (snake_case, like every file format). */
export interface PersistedAccount {
  llm_cost: number;
  gpu_extra: number;
  gpu_ms: Record<string, number>;
  requests_today: number;
  tokens_today: number;
  day: string;
}

export interface LedgerOptions {
  /** Called after every change worth persisting (charges, resets). */
  onChange?: () => void;
}

const DAY_MS = 86_400_000;
/** The last UTC day formatted: every request reads it, and it changes once a day (JS time has no leap seconds). */
let dayCache = { start: NaN, label: "" };

function utcDay(ms: number): string {
  const start = Math.floor(ms / DAY_MS) * DAY_MS;
  if (start !== dayCache.start) dayCache = { start, label: new Date(start).toISOString().slice(0, 10) };
  return dayCache.label;
}

function priceGpu(account: TeamAccount): number {
  let total = account.gpuExtra;
  for (const type of GPU_INSTANCE_TYPES) {
    const ms = account.gpuMs[type.instance_type];
    if (ms !== undefined && ms > 0) total += gpuCost(type.usd_per_hour, ms);
  }
  return total;
}

export class Ledger {
  readonly #accounts = new Map<string, TeamAccount>();
  readonly #clock: Clock;
  readonly #onChange: () => void;

  constructor(teams: readonly MockTeamConfig[], clock: Clock, options: LedgerOptions = {}) {
    this.#clock = clock;
    this.#onChange = options.onChange ?? (() => {});
    for (const team of teams) this.#accounts.set(team.team_id, this.#fresh(team.team_id, team.budget_limit));
  }

  #fresh(teamId: string, budgetLimit: number): TeamAccount {
    return {
      teamId,
      budgetLimit,
      llmCost: 0,
      gpuCost: 0,
      requestsToday: 0,
      tokensToday: 0,
      day: utcDay(this.#clock.now()),
      gpuMs: {},
      gpuExtra: 0,
    };
  }

  /** The account, with daily counters rolled over if a UTC midnight has passed. */
  account(teamId: string): TeamAccount {
    const account = this.#accounts.get(teamId);
    if (account === undefined) throw new Error(`ledger: unknown team ${teamId}`);
    const today = utcDay(this.#clock.now());
    if (account.day !== today) {
      account.day = today;
      account.requestsToday = 0;
      account.tokensToday = 0;
    }
    return account;
  }

  teams(): string[] {
    return [...this.#accounts.keys()];
  }

  quota(teamId: string): RemainingQuota {
    const a = this.account(teamId);
    const total = a.llmCost + a.gpuCost;
    return {
      requests_today: a.requestsToday,
      tokens_today: a.tokensToday,
      llm_cost: a.llmCost,
      gpu_cost: a.gpuCost,
      total_cost: total,
      budget_limit: a.budgetLimit,
      remaining_budget: a.budgetLimit - total,
      budget_usage_percent: a.budgetLimit > 0 ? (total / a.budgetLimit) * 100 : 100,
    };
  }

  /** Calls are refused once remaining_budget ≤ 0. */
  exhausted(teamId: string): boolean {
    return this.quota(teamId).remaining_budget <= 0;
  }

  /** Record one successful LLM call (unrounded cost) and return the quota after it. */
  chargeLlm(teamId: string, costUsd: number, totalTokens: number): RemainingQuota {
    const a = this.account(teamId);
    a.llmCost += costUsd;
    a.requestsToday += 1;
    a.tokensToday += totalTokens;
    this.#onChange();
    return this.quota(teamId);
  }

  /** Charge a GPU cost directly (not metered time). */
  chargeGpu(teamId: string, costUsd: number): void {
    const a = this.account(teamId);
    a.gpuExtra += costUsd;
    a.gpuCost = priceGpu(a);
    this.#onChange();
  }

  /** Add metered running time (integer ms) of one instance type; used by the GPU fleet. */
  billGpuTime(teamId: string, instanceType: string, ms: number): void {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`ledger: bad GPU time ${ms}`);
    if (ms === 0) return;
    const a = this.account(teamId);
    a.gpuMs[instanceType] = (a.gpuMs[instanceType] ?? 0) + ms;
    a.gpuCost = priceGpu(a);
  }

  has(teamId: string): boolean {
    return this.#accounts.has(teamId);
  }

  /** Zero one team's counters, or every team's. GPU time up to now is settled (and so discarded) first. */
  reset(teamId?: string): void {
    const ids = teamId === undefined ? this.teams() : [teamId];
    for (const id of ids) {
      const a = this.account(id);
      this.#accounts.set(id, this.#fresh(id, a.budgetLimit));
    }
    this.#onChange();
  }

  /** Every account as the state file stores it (no settling: a snapshot is what is in memory). */
  toJSON(): Record<string, PersistedAccount> {
    const out: Record<string, PersistedAccount> = {};
    for (const a of this.#accounts.values()) {
      out[a.teamId] = {
        llm_cost: a.llmCost,
        gpu_extra: a.gpuExtra,
        gpu_ms: { ...a.gpuMs },
        requests_today: a.requestsToday,
        tokens_today: a.tokensToday,
        day: a.day,
      };
    }
    return out;
  }

  /** Load persisted counters for the configured teams (budget limits come from the config). */
  restore(accounts: Record<string, PersistedAccount>): void {
    for (const [teamId, saved] of Object.entries(accounts)) {
      const a = this.#accounts.get(teamId);
      if (a === undefined) continue;
      a.llmCost = saved.llm_cost;
      a.gpuExtra = saved.gpu_extra;
      a.gpuMs = { ...saved.gpu_ms };
      a.requestsToday = saved.requests_today;
      a.tokensToday = saved.tokens_today;
      a.day = saved.day;
      a.gpuCost = priceGpu(a);
    }
  }
}
