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
import { Ledger } from "./ledger.ts";
import {
  createStateWriter,
  readStateFile,
  STATE_FORMAT,
  STATE_VERSION,
  type StateDocument,
  type StateWriter,
} from "./state.ts";
import type { AccountingAdmin, ClockView } from "./types.ts";

export interface AccountingOptions {
  /** Reads mock.teams, mock.state, mock.clock and mock.time_scale. */
  config: Readonly<Pick<Config, "mock">>;
  /** The real clock underneath the simulator's (default: the system clock via the caller). */
  clock: Clock;
  logger?: Logger;
  /** Debounce of state-file writes, ms (default 200). */
  writeDelayMs?: number;
}

export interface Accounting {
  /** The simulator's clock: use it for everything simulated (daily counters, billing, latency). */
  clock: SimulatorClock;
  ledger: Ledger;
  gpu: GpuFleet;
  admin: AccountingAdmin;
  /** The state file, or null for `mock.state: memory`. */
  statePath: string | null;
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
  const changed = (): void => writer?.schedule();
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
  }

  const snapshot = (): StateDocument => {
    const simMs = Math.floor(clock.now());
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      saved_at: new Date(simMs).toISOString(),
      clock: { sim_ms: simMs, real_ms: Math.floor(clock.baseNow()) },
      accounts: ledger.toJSON(),
      gpu: gpu.toJSON(),
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
        remaining_quota: ledger.quota(teamId),
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
    admin,
    statePath,
    flush: () => writer?.flush() ?? Promise.resolve(),
    close: () => (writer?.close() ?? Promise.resolve()).finally(() => lock?.release()),
  };
}
