// What the dashboard routes serve (snake_case, as on the wire) and the interface they read it through.
// dashboard/ imports only this file from budget/.
import type { GpuInstanceView } from "../accounting/types.ts";
import type { SpendPoint } from "../accounting/history.ts";
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import type { BudgetAlert } from "./alerts.ts";

export type { BudgetAlert } from "./alerts.ts";
export type { SpendPoint } from "../accounting/history.ts";

/** Whose figures these are: the simulator's ledger (mock), or the real proxy's last answer (live). */
export type BudgetSource = "simulator" | "proxy";

export interface TeamBudgetView {
  team_id: string;
  source: BudgetSource;
  /** When the figure was taken: now for the simulator, the answer's time for the proxy. */
  reported_at: string;
  remaining_quota: RemainingQuota;
  /** GPU notebooks (simulator only; the real proxy reports none). */
  instances: GpuInstanceView[];
}

export interface ModelSpendView {
  model: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** GET /admin/budget */
export interface BudgetView {
  object: "budget";
  mode: string;
  source: BudgetSource;
  /** True when GPU notebooks can be driven (the simulator is answering). */
  gpu: boolean;
  generated_at: string;
  teams: TeamBudgetView[];
  models: ModelSpendView[];
  alerts: BudgetAlert[];
  thresholds: number[];
}

/** GET /admin/budget/history */
export interface HistoryView {
  object: "spend_history";
  columns: ["t_ms", "llm_cost", "gpu_cost"];
  max_points: number;
  data: { team_id: string; budget_limit: number | null; points: SpendPoint[] }[];
}

/** What the dashboard routes read. */
export interface BudgetBoard {
  view(): BudgetView;
  history(teamId?: string): HistoryView;
}
