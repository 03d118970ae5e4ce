// The budget gauges of /metrics (CONTRACT §6), read from the board when Prometheus scrapes: nothing is
// updated on the request path. Labels are team ids (mock.teams, or the teams the proxy reported).
import { Gauge, type Registry } from "prom-client";
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import type { TeamBudgetView } from "./types.ts";

type QuotaKey = keyof RemainingQuota;

/** gauge name → [help, the quota field it shows]. */
const TEAM_GAUGES: readonly [name: string, help: string, key: QuotaKey][] = [
  ["bpg_budget_remaining_usd", "Remaining budget per team (remaining_budget).", "remaining_budget"],
  ["bpg_budget_limit_usd", "Budget limit per team (budget_limit).", "budget_limit"],
  [
    "bpg_budget_usage_percent",
    "Share of the budget spent per team (budget_usage_percent).",
    "budget_usage_percent",
  ],
  ["bpg_llm_cost_usd", "LLM spend per team so far (llm_cost).", "llm_cost"],
  ["bpg_gpu_cost_usd", "GPU notebook spend per team so far (gpu_cost).", "gpu_cost"],
];

/** Register the budget gauges on `registry`; `teams` is called once per scrape. */
export function registerBudgetGauges(registry: Registry, teams: () => TeamBudgetView[]): void {
  // One read of the teams per scrape, shared by every gauge collected in it.
  let snapshot: { at: number; teams: TeamBudgetView[] } | undefined;
  const current = (): TeamBudgetView[] => {
    const now = performance.now();
    if (snapshot === undefined || now - snapshot.at > 100) snapshot = { at: now, teams: teams() };
    return snapshot.teams;
  };
  for (const [name, help, key] of TEAM_GAUGES) {
    new Gauge({
      name,
      help,
      labelNames: ["team"],
      registers: [registry],
      collect() {
        this.reset();
        for (const t of current()) this.set({ team: t.team_id }, t.remaining_quota[key]);
      },
    });
  }
  new Gauge({
    name: "bpg_gpu_instances_running",
    help: "Simulated GPU notebook instances running (Pending or InService) per team.",
    labelNames: ["team"],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of current()) {
        const running = t.instances.filter((i) => i.status === "Pending" || i.status === "InService");
        this.set({ team: t.team_id }, running.length);
      }
    },
  });
}
