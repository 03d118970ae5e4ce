// createUpstream(config): the one `switch` that picks what answers invoke requests in each mode.
import type { Config } from "../config/types.ts";
import { GatewayError } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import { createLiveClient } from "../upstream/live/client.ts";
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
}

export function createUpstream(deps: UpstreamDeps): UpstreamStack {
  const { mode } = deps.config;
  switch (mode) {
    case "mock":
      return { upstream: unavailableUpstream("The simulator") };
    case "live":
      return {
        upstream: createLiveClient({
          url: deps.config.upstream.url,
          timeoutMs: deps.config.upstream.timeout_ms,
          logger: deps.logger,
          metrics: deps.metrics,
        }),
      };
    case "record":
    case "replay":
    case "auto":
      return { upstream: unavailableUpstream(`Mode ${mode}`) };
  }
}
