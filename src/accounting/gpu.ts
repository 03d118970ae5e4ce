// Simulated SageMaker notebook instances, per team, billed per millisecond of running time into the
// ledger's gpu_cost. Billing is settled lazily: the ledger calls `settle(team)` before every read or
// charge, and every operation here settles first, so the rate (sum of running instances' prices) is
// constant between two settlements and one multiplication per instance is exact. Settling also finds
// the moment a team's budget ran out and stops its running instances at that moment.
//
// Billing rule: an instance is billed from the moment it is created or started until the moment it is
// stopped or deleted (Pending and InService count; Stopping, Stopped and Deleting do not). When the
// budget is crossed, instances are billed up to the first millisecond at which remaining_budget ≤ 0
// and stopped there, so gpu_cost overshoots the budget by at most one millisecond of running time.
import type { Clock } from "../shared/clock.ts";
import type { Logger } from "../shared/logger.ts";
import { notFound } from "../shared/errors.ts";
import {
  budgetExhausted,
  conflict,
  instanceStatus,
  instanceView,
  persisted,
  restored,
  type Instance,
  type PersistedFleet,
  type PersistedInstance,
} from "./gpu-instance.ts";
import { GPU_INSTANCE_TYPES, findInstanceType, MS_PER_HOUR, type GpuInstanceType } from "./gpu-types.ts";
import { parseCreateInstance } from "./gpu-input.ts";
import type { Ledger } from "./ledger.ts";
import type { GpuInstanceView, GpuService } from "./types.ts";

export type { PersistedFleet, PersistedInstance } from "./gpu-instance.ts";

/** Instances one team may hold at once (bounds memory and the state file). */
export const MAX_INSTANCES_PER_TEAM = 20;

export interface GpuFleetOptions {
  ledger: Ledger;
  clock: Clock;
  /** Called after every change worth persisting. */
  onChange?: () => void;
  /** Told when instances are stopped because the budget ran out. */
  logger?: Logger;
}

export class GpuFleet implements GpuService {
  readonly #ledger: Ledger;
  readonly #clock: Clock;
  readonly #onChange: () => void;
  readonly #logger: Logger | undefined;
  /** team → (name → instance), insertion-ordered. */
  readonly #byTeam = new Map<string, Map<string, Instance>>();
  /** team → simulated time up to which its running instances are billed. */
  readonly #settledAt = new Map<string, number>();

  constructor(options: GpuFleetOptions) {
    this.#ledger = options.ledger;
    this.#clock = options.clock;
    this.#onChange = options.onChange ?? (() => {});
    this.#logger = options.logger;
  }

  #now(): number {
    return Math.floor(this.#clock.now());
  }

  #team(teamId: string): Map<string, Instance> {
    let team = this.#byTeam.get(teamId);
    if (team === undefined) {
      team = new Map();
      this.#byTeam.set(teamId, team);
    }
    return team;
  }

  /** Bill running instances of one team up to now, stopping them at the moment the budget runs out. */
  settle(teamId: string): void {
    const now = this.#now();
    const running = [...(this.#byTeam.get(teamId)?.values() ?? [])].filter((i) => i.running);
    if (running.length === 0) {
      // Nothing accrues; the settled moment matters again only when an instance starts (it sets it).
      this.#settledAt.delete(teamId);
      return;
    }
    const last = this.#settledAt.get(teamId) ?? now;
    if (now <= last) return; // no time passed (or the clock moved backwards: bill nothing until it catches up)
    const ratePerHour = running.reduce((sum, i) => sum + i.usdPerHour, 0);
    const remaining = this.#ledger.quota(teamId).remaining_budget;
    let step = now - last;
    let exhausted = false;
    if (remaining <= 0) {
      step = 0;
      exhausted = true;
    } else {
      const untilEmpty = Math.ceil((remaining * MS_PER_HOUR) / ratePerHour);
      if (untilEmpty <= step) {
        step = untilEmpty;
        exhausted = true;
      }
    }
    this.#bill(teamId, running, step);
    if (exhausted) {
      // Rounding can leave a hair of budget at the computed moment: bill on, one ms at a time (bounded).
      for (
        let extra = 0;
        extra < 5 && last + step < now && this.#ledger.quota(teamId).remaining_budget > 0;
        extra++
      ) {
        this.#bill(teamId, running, 1);
        step += 1;
      }
      for (const instance of running) {
        instance.running = false;
        instance.sinceMs = last + step;
        instance.stopReason = "budget_exhausted";
      }
      this.#logger?.warn(
        { teamId, instances: running.map((i) => i.name), at: new Date(last + step).toISOString() },
        "budget exhausted: simulated GPU instances stopped",
      );
      this.#onChange();
    }
    this.#settledAt.set(teamId, now);
  }

  #bill(teamId: string, running: readonly Instance[], ms: number): void {
    if (ms <= 0) return;
    for (const instance of running) {
      instance.billedMs += ms;
      this.#ledger.billGpuTime(teamId, instance.type, ms);
    }
  }

  /** Drop deleted instances whose Deleting phase is over (their cost stays in the ledger). */
  #purge(teamId: string, now: number): void {
    const team = this.#byTeam.get(teamId);
    if (team === undefined) return;
    for (const [name, instance] of team) {
      if (instance.deleted && instanceStatus(instance, now) === undefined) team.delete(name);
    }
  }

  /** Settle, purge and return the live instances of a team, with `now`. */
  #prepare(teamId: string): number {
    this.settle(teamId);
    this.#ledger.account(teamId); // checks the team exists
    const now = this.#now();
    this.#purge(teamId, now);
    return now;
  }

  #find(teamId: string, name: string): Instance {
    const instance = this.#byTeam.get(teamId)?.get(name);
    if (instance === undefined) {
      throw notFound(
        `No GPU instance named "${name.slice(0, 64)}" for team ${teamId}. GET /gpu/instances lists yours.`,
        "instance_not_found",
        "name",
      );
    }
    return instance;
  }

  instanceTypes(): readonly GpuInstanceType[] {
    return GPU_INSTANCE_TYPES;
  }

  list(teamId: string): GpuInstanceView[] {
    const now = this.#prepare(teamId);
    return [...(this.#byTeam.get(teamId)?.values() ?? [])].map((i) => instanceView(i, now));
  }

  get(teamId: string, name: string): GpuInstanceView {
    const now = this.#prepare(teamId);
    return instanceView(this.#find(teamId, name), now);
  }

  create(teamId: string, input: unknown): GpuInstanceView {
    const { type, name: requested } = parseCreateInstance(input);
    const now = this.#prepare(teamId);
    const team = this.#team(teamId);
    const name = requested ?? this.#freeName(team, type.instance_type);
    if (team.has(name)) {
      const status = instanceStatus(team.get(name) as Instance, now);
      throw conflict(
        `A GPU instance named "${name}" already exists (${status ?? "Deleting"}). Pick another name.`,
        "name_taken",
        "name",
      );
    }
    if (team.size >= MAX_INSTANCES_PER_TEAM) {
      throw conflict(
        `Team ${teamId} already has ${MAX_INSTANCES_PER_TEAM} GPU instances; delete one first.`,
        "too_many_instances",
      );
    }
    if (this.#ledger.exhausted(teamId)) throw budgetExhausted(teamId);

    const instance: Instance = {
      teamId,
      name,
      type: type.instance_type,
      usdPerHour: type.usd_per_hour,
      running: true,
      deleted: false,
      createdMs: now,
      sinceMs: now,
      billedMs: 0,
      stopReason: null,
    };
    team.set(name, instance);
    this.#settledAt.set(teamId, now);
    this.#onChange();
    return instanceView(instance, now);
  }

  #freeName(team: Map<string, Instance>, typeName: string): string {
    const stem = typeName.replace(/^ml\./, "").replace(/\./g, "-");
    for (let n = 1; n <= MAX_INSTANCES_PER_TEAM + team.size + 1; n++) {
      if (!team.has(`${stem}-${n}`)) return `${stem}-${n}`;
    }
    return `${stem}-${team.size + 1}`;
  }

  stop(teamId: string, name: string): GpuInstanceView {
    const now = this.#prepare(teamId);
    const instance = this.#find(teamId, name);
    const status = instanceStatus(instance, now);
    if (!instance.running) {
      throw conflict(
        `GPU instance "${name}" is ${status ?? "Deleting"}; only a Pending or InService instance can be stopped.`,
        "invalid_state",
        "name",
      );
    }
    instance.running = false;
    instance.sinceMs = now;
    instance.stopReason = "user";
    this.#onChange();
    return instanceView(instance, now);
  }

  start(teamId: string, name: string): GpuInstanceView {
    const now = this.#prepare(teamId);
    const instance = this.#find(teamId, name);
    const status = instanceStatus(instance, now);
    if (status !== "Stopped") {
      throw conflict(
        `GPU instance "${name}" is ${status ?? "Deleting"}; only a Stopped instance can be started.`,
        "invalid_state",
        "name",
      );
    }
    if (this.#ledger.exhausted(teamId)) throw budgetExhausted(teamId);
    instance.running = true;
    instance.sinceMs = now;
    instance.stopReason = null;
    this.#settledAt.set(teamId, now);
    this.#onChange();
    return instanceView(instance, now);
  }

  delete(teamId: string, name: string): GpuInstanceView {
    const now = this.#prepare(teamId);
    const instance = this.#find(teamId, name);
    if (instance.deleted)
      throw conflict(`GPU instance "${name}" is already being deleted.`, "invalid_state", "name");
    instance.running = false;
    instance.deleted = true;
    instance.sinceMs = now;
    this.#onChange();
    return instanceView(instance, now);
  }

  /** Remove every instance of a team at once (admin reset). */
  clear(teamId: string): void {
    this.settle(teamId);
    this.#byTeam.delete(teamId);
    this.#onChange();
  }

  toJSON(): PersistedFleet {
    const instances: PersistedInstance[] = [];
    for (const team of this.#byTeam.values()) {
      for (const i of team.values()) {
        instances.push(persisted(i));
      }
    }
    return { settled_at: Object.fromEntries(this.#settledAt), instances };
  }

  /** Load persisted instances of known teams; billing resumes from each team's settled moment. */
  restore(saved: PersistedFleet, knownTeam: (teamId: string) => boolean): void {
    for (const [teamId, at] of Object.entries(saved.settled_at))
      if (knownTeam(teamId)) this.#settledAt.set(teamId, at);
    for (const p of saved.instances) {
      const type = findInstanceType(p.instance_type);
      if (type === undefined || !knownTeam(p.team_id)) continue;
      this.#team(p.team_id).set(p.name, restored(p, type));
      if (!this.#settledAt.has(p.team_id)) this.#settledAt.set(p.team_id, p.since_ms);
    }
  }
}
