// createAccounting(options): the simulator's money and time in one bundle — the clock, the ledger, the
// GPU fleet, the admin controls and (with `mock.state: <path>`) the state file. The composition root
// builds one per simulator and calls close() on shutdown, which writes the final state.
import { basename, dirname, resolve } from "node:path";
import type { Config } from "../config/types.ts";
import type { Clock } from "../shared/clock.ts";
import { GatewayError, invalidRequest, notFound } from "../shared/errors.ts";
import { acquireFileLock } from "../shared/file-lock.ts";
import { sweepDeadTempFiles } from "../shared/temp-files.ts";
import type { Logger } from "../shared/logger.ts";
import { createSimulatorClock, type SimulatorClock } from "./clock.ts";
import { GpuFleet } from "./gpu.ts";
import { SpendHistory } from "./history.ts";
import { Ledger } from "./ledger.ts";
import { createSpendSampler, type SpendSampler } from "./spend.ts";
import {
  createStateWriter,
  readStateFile,
  STATE_FORMAT,
  STATE_VERSION,
  type StateDocument,
  type StateWriter,
} from "./state.ts";
import type { AccountingAdmin, Budget, ClockView } from "./types.ts";

export interface AccountingOptions {
  /** Reads mock.teams, mock.state, mock.clock and mock.time_scale. */
  config: Readonly<Pick<Config, "mock">>;
  /** The real clock underneath the simulator's (default: the system clock via the caller). */
  clock: Clock;
  logger?: Logger;
  /** Debounce of state-file writes, ms (default 200). */
  writeDelayMs?: number;
  /** How often spend is sampled while nothing changes (running GPUs), ms (default 5000; 0 = never). */
  sampleIntervalMs?: number;
}

/** Another part's state kept in the state file beside the ledger (its owner validates what it restores). */
export interface PersistedSection {
  key: string;
  toJSON(): unknown;
  restore(saved: unknown): void;
}

export interface Accounting {
  /** The simulator's clock: use it for everything simulated (daily counters, billing, latency). */
  clock: SimulatorClock;
  /** Raw counters: read them through `budget`, which settles GPU time first. */
  ledger: Ledger;
  gpu: GpuFleet;
  /** Quota reads and LLM charges with GPU time settled first (what the simulator and /quota use). */
  budget: Budget;
  admin: AccountingAdmin;
  /** Spend over time per team (persisted with the state file) and the sampler that feeds it. */
  history: SpendHistory;
  spend: SpendSampler;
  /** The state file, or null for `mock.state: memory`. */
  statePath: string | null;
  /**
   * Keep `section` in the state file (nothing is written for `mock.state: memory`): it is restored now
   * from the saved file and written with every snapshot. Returns the function that notes a change to it.
   */
  persist(section: PersistedSection): () => void;
  /** Write pending state now. */
  flush(): Promise<void>;
  /** Final write; call once on shutdown. */
  close(): Promise<void>;
}

/** Longest single manual clock step: one year (keeps arithmetic far from float precision limits). */
const MAX_ADVANCE_SECONDS = 366 * 24 * 3600;

export function createAccounting(options: AccountingOptions): Accounting {
  const { mock } = options.config;
  const statePath = mock.state === "memory" ? null : mock.state;
  // One owner per state file: a second gateway on it would count only its own requests and the last
  // writer would win. The lock is taken before reading, and held until close() has written.
  const lock = statePath === null ? undefined : acquireFileLock(statePath, "gateway state file");
  if (statePath !== null) {
    // Temps of a writer killed between write and rename (state.ts names them `<file>.<pid>.<hex>.tmp`).
    const own = basename(statePath).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    sweepDeadTempFiles(dirname(resolve(statePath)), new RegExp(`^${own}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`));
  }
  let saved: StateDocument | undefined;
  try {
    saved = statePath === null ? undefined : readStateFile(statePath);
  } catch (error) {
    lock?.release();
    throw error;
  }

  const clock = createSimulatorClock({
    mode: mock.clock,
    timeScale: mock.time_scale,
    base: options.clock,
    resumeFrom: saved?.clock,
  });
  let writer: StateWriter | undefined;
  const history = new SpendHistory();
  // The sampler reads the ledger, and the ledger reports its changes: the callback finds the sampler once it exists.
  const sampling: { spend?: SpendSampler } = {};
  const changed = (): void => {
    writer?.schedule();
    sampling.spend?.schedule();
  };
  const ledger = new Ledger(mock.teams, clock, { onChange: changed });
  const gpu = new GpuFleet({
    ledger,
    clock,
    onChange: changed,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  if (saved !== undefined) {
    ledger.restore(saved.accounts);
    gpu.restore(saved.gpu, (teamId) => ledger.has(teamId));
    if (saved.history !== undefined) history.restore(saved.history, (teamId) => ledger.has(teamId));
  }
  const budget: Budget = {
    quota(teamId) {
      gpu.settle(teamId);
      return ledger.quota(teamId);
    },
    exhausted(teamId) {
      gpu.settle(teamId);
      return ledger.exhausted(teamId);
    },
    chargeLlm(teamId, costUsd, totalTokens) {
      gpu.settle(teamId);
      return ledger.chargeLlm(teamId, costUsd, totalTokens);
    },
  };

  const spend = createSpendSampler({
    teams: () => ledger.teams(),
    quota: (teamId) => budget.quota(teamId),
    clock,
    history,
    onPoint: () => writer?.schedule(),
    ...(options.sampleIntervalMs === undefined ? {} : { intervalMs: options.sampleIntervalMs }),
  });
  sampling.spend = spend;

  const sections = new Map<string, PersistedSection>();
  const snapshot = (): StateDocument => {
    for (const teamId of ledger.teams()) gpu.settle(teamId);
    const simMs = Math.floor(clock.now());
    const extra = [...sections.values()].map((s) => [s.key, s.toJSON()] as const);
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      saved_at: new Date(simMs).toISOString(),
      clock: { sim_ms: simMs, real_ms: Math.floor(clock.baseNow()) },
      accounts: ledger.toJSON(),
      gpu: gpu.toJSON(),
      history: history.toJSON(),
      ...(extra.length > 0 ? { sections: Object.fromEntries(extra) } : {}),
    };
  };
  if (statePath !== null) {
    writer = createStateWriter({
      path: statePath,
      snapshot,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.writeDelayMs === undefined ? {} : { debounceMs: options.writeDelayMs }),
    });
  }

  const clockView = (): ClockView => {
    const nowMs = Math.floor(clock.now());
    return {
      mode: clock.mode,
      time_scale: clock.timeScale,
      now: new Date(nowMs).toISOString(),
      now_ms: nowMs,
    };
  };

  const admin: AccountingAdmin = {
    teams: () =>
      ledger.teams().map((teamId) => ({
        team_id: teamId,
        remaining_quota: budget.quota(teamId),
        instances: gpu.list(teamId),
      })),
    reset(teamId) {
      if (teamId !== undefined && !ledger.has(teamId)) {
        throw notFound(
          `Unknown team "${teamId.slice(0, 64)}". Teams: ${ledger.teams().join(", ")}.`,
          "unknown_team",
          "team_id",
        );
      }
      const ids = teamId === undefined ? ledger.teams() : [teamId];
      for (const id of ids) {
        gpu.clear(id);
        ledger.reset(id);
        history.clear(id);
      }
      return ids;
    },
    clock: clockView,
    advanceClock(seconds) {
      if (
        typeof seconds !== "number" ||
        !Number.isFinite(seconds) ||
        seconds < 0 ||
        seconds > MAX_ADVANCE_SECONDS
      ) {
        throw invalidRequest(
          `seconds must be a number from 0 to ${MAX_ADVANCE_SECONDS}, e.g. {"seconds": 3600}.`,
          "seconds",
        );
      }
      if (clock.mode !== "manual") {
        throw new GatewayError(
          "The simulator clock is real; set mock.clock: manual to move time with /admin/clock/advance.",
          {
            status: 409,
            type: "invalid_request_error",
            code: "clock_not_manual",
          },
        );
      }
      clock.advance(Math.round(seconds * 1000));
      changed();
      return clockView();
    },
  };

  return {
    clock,
    ledger,
    gpu,
    budget,
    admin,
    statePath,
    history,
    spend,
    persist(section) {
      sections.set(section.key, section);
      const kept = saved?.sections?.[section.key];
      if (kept !== undefined) section.restore(kept);
      return changed;
    },
    flush: () => writer?.flush() ?? Promise.resolve(),
    close: () => {
      spend.sample(); // the final state holds spend up to the last moment
      spend.close();
      return (writer?.close() ?? Promise.resolve()).finally(() => lock?.release());
    },
  };
}
