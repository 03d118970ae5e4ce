// createUpstream(config): the one `switch` that picks what answers invoke requests in each mode.
import { createAccounting, type Accounting } from "../accounting/accounting.ts";
import { createBudgetBoard, type BudgetBoardHandle } from "../budget/board.ts";
import { registerBudgetGauges } from "../budget/gauges.ts";
import { withSpendWatch } from "../budget/watch.ts";
import { withCassettes } from "../cassettes/recorder.ts";
import type { Config } from "../config/types.ts";
import { internalError } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import { createSimulator } from "../upstream/mock/simulator.ts";
import { createStubRegistry } from "../upstream/mock/stubs.ts";
import type { StubRegistry } from "../upstream/stubs.ts";
import type { UnusedRecordings } from "../cassettes/unused.ts";
import { createTeamDirectory } from "../upstream/mock/teams.ts";
import type { QuotaService } from "../upstream/quota.ts";
import { withQuotaMemory } from "../upstream/quota-memory.ts";
import { withCostMetric } from "./cost-metric.ts";
import { createLiveClient } from "../upstream/live/client.ts";
import type { UpstreamClient } from "../upstream/types.ts";

export interface UpstreamDeps {
  config: Readonly<Config>;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  metrics: Metrics;
}

/** What replay sits on: nothing. The recorder never calls it; if it ever did, fail loudly, offline. */
const NO_UPSTREAM: UpstreamClient = {
  invoke: () => Promise.reject(internalError(new Error("replay mode reached for an upstream"))),
  close: () => Promise.resolve(),
};

/** What answers invoke requests, plus the simulator's own controls when one is in the stack. */
export interface UpstreamStack {
  upstream: UpstreamClient;
  /** The simulator's clock, ledger, GPU fleet and state file (mock mode). */
  accounting?: Accounting;
  /** Authentication and `remaining_quota` lookups for /quota and /gpu (the simulator). */
  quota?: QuotaService;
  /** Run-time stubs (/admin/stubs, `gw.stubs`): wherever the simulator answers. */
  stubs?: StubRegistry;
  /** The recordings no request used so far, per cassette (replay and auto). */
  unusedRecordings?: () => Promise<UnusedRecordings>;
}

/** The stack as the gateway serves it: with the budget board the dashboard, gauges and alerts read. */
export interface GatewayStack extends UpstreamStack {
  board: BudgetBoardHandle;
}

/** close() the upstream, then write the simulator's final state. */
function closingAccounting(upstream: UpstreamClient, accounting: Accounting): UpstreamClient {
  return {
    invoke: (request, context) => upstream.invoke(request, context),
    close: () => upstream.close().finally(() => accounting.close()),
  };
}

/** The real proxy over an undici keep-alive pool. */
function liveStack(deps: UpstreamDeps): UpstreamStack {
  const { config, logger, metrics } = deps;
  return {
    upstream: createLiveClient({
      url: config.upstream.url,
      timeoutMs: config.upstream.timeout_ms,
      logger,
      metrics,
    }),
  };
}

/** The simulator with its accounting (clock, ledger, GPU fleet, state file) and team directory. */
function simulatorStack(deps: UpstreamDeps): Required<Omit<UpstreamStack, "unusedRecordings">> {
  const { config, ids, logger } = deps;
  const accounting = createAccounting({ config, clock: deps.clock, logger });
  const teams = createTeamDirectory(config.mock.teams);
  const stubs = createStubRegistry();
  const simulator = createSimulator({
    stubs,
    config,
    clock: accounting.clock,
    ids,
    budget: accounting.budget,
    teams,
    logger,
  });
  return { upstream: closingAccounting(simulator, accounting), accounting, quota: simulator, stubs };
}

/**
 * What record/replay/auto sit on (`upstream.kind`): the real proxy or the simulator, with whatever
 * controls that stack carries (the simulator's ledger keeps serving /quota under a recorder).
 */
function baseStack(deps: UpstreamDeps): UpstreamStack {
  switch (deps.config.upstream.kind) {
    case "live":
      return liveStack(deps);
    case "mock":
      return simulatorStack(deps);
  }
}

/** Give /quota something to read where no simulator keeps a ledger: the last answers seen per team. */
function withQuota(stack: UpstreamStack): UpstreamStack {
  if (stack.quota !== undefined) return stack;
  const remembering = withQuotaMemory(stack.upstream);
  return { ...stack, upstream: remembering, quota: remembering };
}

/** Every credential the configuration holds: none may reach a cassette, whatever its length. */
function configuredSecrets(config: Readonly<Config>): string[] {
  const tokens = config.mock.teams.map((team) => team.api_token);
  if (config.upstream.api_token !== null) tokens.push(config.upstream.api_token);
  return tokens;
}

export function createUpstream(deps: UpstreamDeps): GatewayStack {
  const stack = withQuota(modeStack(deps));
  // Every surface's spend, counted here once (bpg_cost_usd_total), as the ledger behind /quota sees it.
  return withBudget({ ...stack, upstream: withCostMetric(stack.upstream, deps.metrics) }, deps);
}

/**
 * Watch every answer for the budget board (outermost, so it sees what callers get, replays included),
 * and register its gauges. With the simulator in the stack the board reads its ledger, on its clock.
 */
function withBudget(stack: UpstreamStack, deps: UpstreamDeps): GatewayStack {
  const { config, logger, metrics } = deps;
  const accounting = stack.accounting;
  const board = createBudgetBoard({
    config,
    clock: accounting?.clock ?? deps.clock,
    logger,
    metrics,
    ...(accounting === undefined ? {} : { simulator: accounting }),
  });
  registerBudgetGauges(metrics.registry, () => board.teams());
  return { ...stack, upstream: withSpendWatch(stack.upstream, board.onAnswer), board };
}

function modeStack(deps: UpstreamDeps): UpstreamStack {
  const { mode } = deps.config;
  switch (mode) {
    case "mock":
      return simulatorStack(deps);
    case "live":
      return liveStack(deps);
    case "record":
    case "replay":
    case "auto": {
      const { config, clock, logger } = deps;
      // Replay never touches the network, so it does not even build a base.
      const base = mode === "replay" ? { upstream: NO_UPSTREAM } : baseStack(deps);
      const strict = config.replay.strict;
      const cassettes = withCassettes(base.upstream, {
        mode,
        recording: config.recording,
        clock,
        logger,
        strict,
        secrets: configuredSecrets(config),
        onOutcome: (outcome) => deps.metrics.cassetteRequests.inc(outcome, () => ({ outcome })),
      });
      return {
        ...base,
        upstream: cassettes,
        ...(mode === "record" ? {} : { unusedRecordings: () => cassettes.unused() }),
      };
    }
  }
}
