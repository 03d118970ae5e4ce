// The proxy's `metadata.remaining_quota` (PROXY.md): produced by the simulator's ledger, carried by every
// upstream answer. Defined here because both accounting/ and upstream/ speak it and neither imports the other.
export interface RemainingQuota {
  requests_today: number;
  tokens_today: number;
  llm_cost: number;
  gpu_cost: number;
  total_cost: number;
  budget_limit: number;
  remaining_budget: number;
  budget_usage_percent: number;
}
