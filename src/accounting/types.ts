// What the HTTP layer may know about accounting: plain interfaces and view shapes (snake_case, as
// served). http/ imports only this file (and its types) from accounting/.
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import type { GpuInstanceType } from "./gpu-types.ts";

export type { RemainingQuota } from "../shared/remaining-quota.ts";
export type { GpuInstanceType } from "./gpu-types.ts";

/** SageMaker notebook instance states (a deleted instance shows `Deleting`, then disappears). */
export type InstanceStatus = "Pending" | "InService" | "Stopping" | "Stopped" | "Deleting";

export interface GpuInstanceView {
  name: string;
  instance_type: string;
  status: InstanceStatus;
  gpu: string | null;
  usd_per_hour: number;
  /** Total billed running time, seconds (fractional: billing is per millisecond). */
  running_seconds: number;
  /** What this instance has cost so far (unrounded, like every money counter). */
  cost_usd: number;
  created_at: string;
  status_since: string;
  /** Why it was last stopped: by the team, or by the simulator when the budget ran out. */
  stop_reason: "user" | "budget_exhausted" | null;
  notebook_url: string;
}

/** GPU notebooks of one team. Every method validates its input and throws GatewayError on bad input. */
export interface GpuService {
  instanceTypes(): readonly GpuInstanceType[];
  list(teamId: string): GpuInstanceView[];
  get(teamId: string, name: string): GpuInstanceView;
  /** `input` is the untrusted request body. */
  create(teamId: string, input: unknown): GpuInstanceView;
  stop(teamId: string, name: string): GpuInstanceView;
  start(teamId: string, name: string): GpuInstanceView;
  delete(teamId: string, name: string): GpuInstanceView;
}

/**
 * A team's money as the simulator sees it: every read or charge first settles the team's running GPU
 * notebooks, so quotas include GPU time up to now (the ledger alone does not).
 */
export interface Budget {
  quota(teamId: string): RemainingQuota;
  exhausted(teamId: string): boolean;
  /** Charge one successful LLM call; returns the quota after it. */
  chargeLlm(teamId: string, costUsd: number, totalTokens: number): RemainingQuota;
}

export interface ClockView {
  mode: "real" | "manual";
  time_scale: number;
  now: string;
  now_ms: number;
}

export interface AdminTeamView {
  team_id: string;
  remaining_quota: RemainingQuota;
  instances: GpuInstanceView[];
}

/** The simulator's admin controls (GET /admin/teams, POST /admin/reset, POST /admin/clock/advance). */
export interface AccountingAdmin {
  teams(): AdminTeamView[];
  /** Reset one team (unknown id → 404) or, with undefined, every team. Returns the ids reset. */
  reset(teamId: string | undefined): string[];
  clock(): ClockView;
  /** `seconds` is untrusted input; refused with 400 (bad value) or 409 (real clock). */
  advanceClock(seconds: unknown): ClockView;
}
