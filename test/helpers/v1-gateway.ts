// A gateway on 127.0.0.1:0 built with createApp and the real /v1 surface over any UpstreamClient
// (the double now; the simulator later), for tests over a real socket.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import type { Config } from "../../src/config/types.ts";
import { openAISurface } from "../../src/http/v1.ts";
import { createModelResolver } from "../../src/models/catalog.ts";
import { createApp } from "../../src/server/app.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { sequentialIds } from "../../src/shared/ids.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { createMetrics, type Metrics } from "../../src/shared/metrics.ts";
import { withRetries } from "../../src/upstream/retry.ts";
import type { UpstreamClient } from "../../src/upstream/types.ts";

export interface TestGateway {
  url: string;
  baseURL: string;
  server: Server;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...structuredClone(DEFAULT_CONFIG), ...overrides };
}

export async function startTestGateway(
  upstream: UpstreamClient,
  config: Config = testConfig(),
  metrics: Metrics = createMetrics({ defaultMetrics: false }),
): Promise<TestGateway> {
  const deps = {
    config,
    logger: createLogger("silent"),
    metrics,
    ids: sequentialIds("g"),
    clock: new ManualClock(),
  };
  // Gateway retries with tiny delays so retry paths stay fast.
  const retrying = withRetries(upstream, {
    retries: config.upstream.retries,
    baseDelayMs: 1,
    maxDelayMs: 20,
  });
  const openAI = openAISurface({
    ...deps,
    upstream: retrying,
    models: createModelResolver(config.models.aliases),
    // The double stands in for the simulator, so streams are paced as the simulator's would be.
    streamTokensPerSecond: config.mock.stream_tokens_per_second,
  });
  const app = createApp({ ...deps, upstream, routers: [openAI.router], routes: openAI.routes });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
