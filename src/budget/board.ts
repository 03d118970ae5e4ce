// createBudgetBoard(deps): what the dashboard, `bpg quota --watch`, the budget gauges and the alerts all
// read. With the simulator in the stack its ledger is the truth (quotas, GPU notebooks, the persisted
// spend history); otherwise the board keeps what the real proxy last reported per team, and says so.
// Per-model spend and tokens come from every successful answer (watch.ts), whatever answered it.
import { SpendHistory } from "../accounting/history.ts";
import type { SpendSampler } from "../accounting/spend.ts";
import type { AccountingAdmin } from "../accounting/types.ts";
import type { Config } from "../config/types.ts";
import type { Clock } from "../shared/clock.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import { BudgetAlerts, type WebhookPoster } from "./alerts.ts";
import type { BudgetBoard, HistoryView, ModelSpendView, TeamBudgetView } from "./types.ts";
import type { SpendObservation } from "./watch.ts";

/** The simulator's parts the board reads (server/ hands them over from createAccounting). */
export interface SimulatorAccounts {
  admin: AccountingAdmin;
  history: SpendHistory;
  spend: SpendSampler;
}

export interface BudgetBoardDeps {
  config: Readonly<Pick<Config, "mode" | "alerts">>;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  simulator?: SimulatorAccounts;
  post?: WebhookPoster;
}

export interface BudgetBoardHandle extends BudgetBoard {
  /** Feed what one answer reported (withSpendWatch). */
  onAnswer(observation: SpendObservation): void;
  alerts: BudgetAlerts;
  /** Every team's budget now (gauges). */
  teams(): TeamBudgetView[];
}

/** Models tracked at most (model ids of successful answers: the catalogue, plus what a live proxy adds). */
const MAX_MODELS = 256;
/** Teams remembered at most from the proxy's answers; the least recently seen goes first. */
const MAX_REPORTED_TEAMS = 1000;

export function createBudgetBoard(deps: BudgetBoardDeps): BudgetBoardHandle {
  const { clock, config, simulator } = deps;
  const source = simulator === undefined ? "proxy" : "simulator";
  const alerts = new BudgetAlerts({
    config: config.alerts,
    clock,
    logger: deps.logger,
    source,
    ...(deps.post === undefined ? {} : { post: deps.post }),
  });
  const history = simulator?.history ?? new SpendHistory();
  const reported = new Map<string, { quota: RemainingQuota; atMs: number }>();
  const models = new Map<string, ModelSpendView>();

  // The simulator's sampler tells the alerts about every team as its spend moves (GPU time included);
  // its first sample is the state restored at start-up, whose crossed thresholds are not news.
  simulator?.spend.subscribe((teamId, quota, initial) => alerts.observe(teamId, quota, initial));
  simulator?.spend.sample();

  function tally(seen: SpendObservation): void {
    let row = models.get(seen.model);
    if (row === undefined) {
      if (models.size >= MAX_MODELS) return;
      row = { model: seen.model, requests: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
      models.set(seen.model, row);
    }
    row.requests += 1;
    row.input_tokens += seen.inputTokens;
    row.output_tokens += seen.outputTokens;
    row.cost_usd += seen.costUsd;
    const tokens = deps.metrics?.tokens;
    const model = seen.model;
    tokens?.inc(`${model} in`, () => ({ model, direction: "input" }), seen.inputTokens);
    tokens?.inc(`${model} out`, () => ({ model, direction: "output" }), seen.outputTokens);
  }

  function remember(seen: SpendObservation): void {
    if (seen.quota === undefined) return;
    const atMs = clock.now();
    reported.delete(seen.teamId); // re-insert: Map order is the eviction order
    reported.set(seen.teamId, { quota: seen.quota, atMs });
    if (reported.size > MAX_REPORTED_TEAMS) reported.delete(reported.keys().next().value as string);
    history.record(seen.teamId, seen.quota, atMs);
    alerts.observe(seen.teamId, seen.quota);
  }

  function teams(): TeamBudgetView[] {
    if (simulator !== undefined) {
      const at = new Date(clock.now()).toISOString();
      return simulator.admin.teams().map((t) => ({ ...t, source, reported_at: at }));
    }
    return [...reported].map(([teamId, r]) => ({
      team_id: teamId,
      source,
      reported_at: new Date(r.atMs).toISOString(),
      remaining_quota: r.quota,
      instances: [],
    }));
  }

  function historyView(teamId?: string): HistoryView {
    const limits = new Map(teams().map((t) => [t.team_id, t.remaining_quota.budget_limit]));
    const ids = teamId === undefined ? history.teams() : [teamId];
    return {
      object: "spend_history",
      columns: ["t_ms", "llm_cost", "gpu_cost"],
      max_points: history.maxPoints,
      data: ids.map((id) => ({
        team_id: id,
        budget_limit: limits.get(id) ?? null,
        points: history.series(id),
      })),
    };
  }

  return {
    alerts,
    teams,
    onAnswer(seen) {
      if (seen.charged) tally(seen);
      // The simulator's ledger already knows; the proxy's figure is only known from its answers.
      if (simulator === undefined) remember(seen);
    },
    view: () => ({
      object: "budget",
      mode: config.mode,
      source,
      gpu: simulator !== undefined,
      generated_at: new Date(clock.now()).toISOString(),
      teams: teams(),
      models: [...models.values()].sort((a, b) => b.cost_usd - a.cost_usd),
      alerts: alerts.recent(),
      thresholds: config.alerts.enabled ? [...config.alerts.thresholds].sort((a, b) => a - b) : [],
    }),
    history: historyView,
  };
}
