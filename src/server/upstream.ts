// createUpstream(config): the one `switch` that picks what answers invoke requests in each mode.
import type { Config } from "../config/types.ts";
import { GatewayError } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import { Ledger } from "../accounting/ledger.ts";
import { createSimulator } from "../upstream/mock/simulator.ts";
import { createTeamDirectory, type TeamDirectory } from "../upstream/mock/teams.ts";
import type { QuotaService } from "../upstream/quota.ts";
import type { UpstreamClient } from "../upstream/types.ts";

export interface UpstreamDeps {
  config: Readonly<Config>;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  metrics: Metrics;
}

/** Placeholder until each mode's upstream lands: answers like an upstream that is not there. */
function unavailableUpstream(what: string): UpstreamClient {
  return {
    invoke() {
      return Promise.reject(
        new GatewayError(`${what} is not available in this build.`, { status: 501, type: "api_error", code: "not_implemented" }),
      );
    },
    close: () => Promise.resolve(),
  };
}

/** What answers invoke requests, plus the simulator's own controls when one is in the stack. */
export interface UpstreamStack {
  upstream: UpstreamClient;
  /** The simulator's ledgers and teams (mock mode): /quota, and the admin and GPU surfaces. */
  ledger?: Ledger;
  teams?: TeamDirectory;
  quota?: QuotaService;
}

/** The simulator with its own ledger and team directory. */
function simulatorStack(deps: UpstreamDeps): Required<UpstreamStack> {
  const { config, clock, ids, logger } = deps;
  const ledger = new Ledger(config.mock.teams, clock);
  const teams = createTeamDirectory(config.mock.teams);
  const simulator = createSimulator({ config, clock, ids, ledger, teams, logger });
  return { upstream: simulator, ledger, teams, quota: simulator };
}

export function createUpstream(deps: UpstreamDeps): UpstreamStack {
  const { mode } = deps.config;
  switch (mode) {
    case "mock":
      return simulatorStack(deps);
    case "live":
      return { upstream: unavailableUpstream("The live proxy client") };
    case "record":
    case "replay":
    case "auto":
      return { upstream: unavailableUpstream(`Mode ${mode}`) };
  }
}
