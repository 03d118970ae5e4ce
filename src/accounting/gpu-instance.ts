// One simulated GPU notebook instance: its record, the status it shows at a moment (transitions take
// simulated time), its /gpu view, its persisted form, and the errors the fleet raises about it. The fleet
// (gpu.ts) owns the instances and their billing; this module only reads them.
import { GatewayError } from "../shared/errors.ts";
import { findInstanceType, gpuCost, type GpuInstanceType } from "./gpu-types.ts";
import type { GpuInstanceView, InstanceStatus } from "./types.ts";

/** Simulated durations of the transitional states. */
export const TRANSITION_MS = { pending: 30_000, stopping: 15_000, deleting: 10_000 } as const;

export interface PersistedInstance {
  team_id: string;
  name: string;
  instance_type: string;
  running: boolean;
  deleted: boolean;
  created_ms: number;
  since_ms: number;
  billed_ms: number;
  stop_reason: "user" | "budget_exhausted" | null;
}

export interface PersistedFleet {
  settled_at: Record<string, number>;
  instances: PersistedInstance[];
}

export interface Instance {
  teamId: string;
  name: string;
  type: string;
  usdPerHour: number;
  /** Billed phase: Pending or InService. */
  running: boolean;
  deleted: boolean;
  createdMs: number;
  /** Simulated time of the last start, stop or delete. */
  sinceMs: number;
  billedMs: number;
  stopReason: "user" | "budget_exhausted" | null;
}

export function conflict(message: string, code: string, param: string | null = null): GatewayError {
  return new GatewayError(message, { status: 409, type: "invalid_request_error", code, param });
}

export function budgetExhausted(teamId: string): GatewayError {
  return new GatewayError(
    `Team ${teamId} has no budget left (remaining_budget ≤ 0); GPU instances cannot start.`,
    {
      status: 429,
      type: "insufficient_quota",
      code: "insufficient_quota",
    },
  );
}

/** The status an instance shows at `now`, or undefined once a deleted one is gone. */
export function instanceStatus(instance: Instance, now: number): InstanceStatus | undefined {
  const age = now - instance.sinceMs;
  if (instance.deleted) return age < TRANSITION_MS.deleting ? "Deleting" : undefined;
  if (instance.running) return age < TRANSITION_MS.pending ? "Pending" : "InService";
  return age < TRANSITION_MS.stopping ? "Stopping" : "Stopped";
}

/** What /gpu/instances shows of an instance at `now`. */
export function instanceView(instance: Instance, now: number): GpuInstanceView {
  return {
    name: instance.name,
    instance_type: instance.type,
    status: instanceStatus(instance, now) ?? "Deleting",
    gpu: findInstanceType(instance.type)?.gpu ?? null,
    usd_per_hour: instance.usdPerHour,
    running_seconds: instance.billedMs / 1000,
    cost_usd: gpuCost(instance.usdPerHour, instance.billedMs),
    created_at: new Date(instance.createdMs).toISOString(),
    status_since: new Date(instance.sinceMs).toISOString(),
    stop_reason: instance.stopReason,
    notebook_url: `https://${instance.name}.notebook.us-east-1.sagemaker.aws/lab`,
  };
}

/** The state-file record of an instance. */
export function persisted(i: Instance): PersistedInstance {
  return {
    team_id: i.teamId,
    name: i.name,
    instance_type: i.type,
    running: i.running,
    deleted: i.deleted,
    created_ms: i.createdMs,
    since_ms: i.sinceMs,
    billed_ms: i.billedMs,
    stop_reason: i.stopReason,
  };
}

/** An instance back from its state-file record (`type` is the record's type, already looked up). */
export function restored(p: PersistedInstance, type: GpuInstanceType): Instance {
  return {
    teamId: p.team_id,
    name: p.name,
    type: type.instance_type,
    usdPerHour: type.usd_per_hour,
    running: p.running,
    deleted: p.deleted,
    createdMs: p.created_ms,
    sinceMs: p.since_ms,
    billedMs: p.billed_ms,
    stopReason: p.stop_reason,
  };
}
