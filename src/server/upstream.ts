// createUpstream(config): the one `switch` that picks what answers invoke requests in each mode.
import { createAccounting, type Accounting } from "../accounting/accounting.ts";
import { withCassettes } from "../cassettes/recorder.ts";
import type { Config } from "../config/types.ts";
import { GatewayError } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import { createSimulator } from "../upstream/mock/simulator.ts";
import { createTeamDirectory } from "../upstream/mock/teams.ts";
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
  /** The simulator's clock, ledger, GPU fleet and state file (mock mode). */
  accounting?: Accounting;
  /** Authentication and `remaining_quota` lookups for /quota and /gpu (the simulator). */
  quota?: QuotaService;
}

/** close() the upstream, then write the simulator's final state. */
function closingAccounting(upstream: UpstreamClient, accounting: Accounting): UpstreamClient {
  return {
    invoke: (request, context) => upstream.invoke(request, context),
    close: () => upstream.close().finally(() => accounting.close()),
  };
}

/** The simulator with its accounting (clock, ledger, GPU fleet, state file) and team directory. */
function simulatorStack(deps: UpstreamDeps): Required<UpstreamStack> {
  const { config, ids, logger } = deps;
  const accounting = createAccounting({ config, clock: deps.clock, logger });
  const teams = createTeamDirectory(config.mock.teams);
  const simulator = createSimulator({ config, clock: accounting.clock, ids, ledger: accounting.ledger, teams, logger });
  return { upstream: closingAccounting(simulator, accounting), accounting, quota: simulator };
}

/**
 * What record/replay/auto sit on (`upstream.kind`): the real proxy or the simulator, with whatever
 * controls that stack carries (the simulator's ledger keeps serving /quota under a recorder).
 */
function baseStack(deps: UpstreamDeps): UpstreamStack {
  switch (deps.config.upstream.kind) {
    case "live":
      return { upstream: unavailableUpstream("The live proxy client") };
    case "mock":
      return simulatorStack(deps);
  }
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
    case "auto": {
      const { config, clock, logger } = deps;
      // Replay never touches the network, so it does not even build a base.
      const base = mode === "replay" ? { upstream: unavailableUpstream("An upstream in replay mode") } : baseStack(deps);
      return { ...base, upstream: withCassettes(base.upstream, { mode, recording: config.recording, clock, logger }) };
    }
  }
}
