// The per-team ledger behind `metadata.remaining_quota`. Money counters never reset; request and token
// counters reset at UTC midnight. Only successful calls are charged. All arithmetic is plain binary
// floating point, like the real service (values such as 47.847888499999996 are expected).
import type { MockTeamConfig } from "../config/types.ts";
import type { Clock } from "../shared/clock.ts";

export interface RemainingQuotaSnapshot {
  requests_today: number;
  tokens_today: number;
  llm_cost: number;
  gpu_cost: number;
  total_cost: number;
  budget_limit: number;
  remaining_budget: number;
  budget_usage_percent: number;
}

export interface TeamAccount {
  teamId: string;
  budgetLimit: number;
  llmCost: number;
  gpuCost: number;
  requestsToday: number;
  tokensToday: number;
  /** UTC day (YYYY-MM-DD) the daily counters belong to. */
  day: string;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class Ledger {
  readonly #accounts = new Map<string, TeamAccount>();
  readonly #clock: Clock;

  constructor(teams: readonly MockTeamConfig[], clock: Clock) {
    this.#clock = clock;
    for (const team of teams) this.#accounts.set(team.team_id, this.#fresh(team.team_id, team.budget_limit));
  }

  #fresh(teamId: string, budgetLimit: number): TeamAccount {
    return { teamId, budgetLimit, llmCost: 0, gpuCost: 0, requestsToday: 0, tokensToday: 0, day: utcDay(this.#clock.now()) };
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

  quota(teamId: string): RemainingQuotaSnapshot {
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
  chargeLlm(teamId: string, costUsd: number, totalTokens: number): RemainingQuotaSnapshot {
    const a = this.account(teamId);
    a.llmCost += costUsd;
    a.requestsToday += 1;
    a.tokensToday += totalTokens;
    return this.quota(teamId);
  }

  chargeGpu(teamId: string, costUsd: number): void {
    this.account(teamId).gpuCost += costUsd;
  }

  /** Zero one team's counters, or every team's. */
  reset(teamId?: string): void {
    const ids = teamId === undefined ? this.teams() : [teamId];
    for (const id of ids) {
      const a = this.account(id);
      this.#accounts.set(id, this.#fresh(id, a.budgetLimit));
    }
  }
}
