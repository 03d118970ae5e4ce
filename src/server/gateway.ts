// startGateway(options): the in-process API of CONTRACT §1. Loads config (defaults + overrides, and a
// file/env only when asked), builds the upstream and the app, listens, and returns a handle whose
// close() drains in-flight requests before releasing the upstream.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, type Env } from "../config/load.ts";
import type { Config, ConfigOverrides } from "../config/types.ts";
import { systemClock, type Clock } from "../shared/clock.ts";
import { randomIds, type IdSource } from "../shared/ids.ts";
import { createLogger, type Logger } from "../shared/logger.ts";
import { createMetrics } from "../shared/metrics.ts";
import { OpenStreams } from "../http/stream-events.ts";
import { createApp } from "./app.ts";
import { drain } from "./drain.ts";
import { createSurfaces } from "./surfaces.ts";
import { createUpstream } from "./upstream.ts";

// Not `import { createServer } from "node:http"`: importing a built-in as ESM evaluates every export of
// node:http, and its lazy WebSocket/MessageEvent getters load Node's bundled undici (+12 MiB RSS, ~20 ms
// at start-up, Node 24). getBuiltinModule hands out the same module without touching them.
const { createServer } = process.getBuiltinModule("node:http");

export interface StartGatewayOptions extends ConfigOverrides {
  /** Shorthand for `server.port`. */
  port?: number;
  /** Shorthand for `server.host`. */
  host?: string;
  /** Read this config file (in-process use reads none unless asked). */
  configFile?: string;
  /** Environment variables to honour (in-process use honours none unless given, e.g. process.env). */
  env?: Env;
  logger?: Logger;
  clock?: Clock;
  ids?: IdSource;
}

export interface Gateway {
  /** e.g. "http://127.0.0.1:43121" */
  readonly url: string;
  readonly port: number;
  readonly config: Readonly<Config>;
  readonly server: Server;
  readonly logger: Logger;
  /** Stop accepting, let in-flight requests finish (up to server.shutdown_timeout_ms), flush state. */
  close(): Promise<void>;
}

function toOverrides(options: StartGatewayOptions): ConfigOverrides {
  const { port, host, configFile: _f, env: _e, logger: _l, clock: _c, ids: _i, ...overrides } = options;
  if (port === undefined && host === undefined) return overrides;
  const server = { ...overrides.server };
  if (port !== undefined) server.port = port;
  if (host !== undefined) server.host = host;
  return { ...overrides, server };
}

export async function startGateway(options: StartGatewayOptions = {}): Promise<Gateway> {
  const { config } = loadConfig({
    file: options.configFile,
    implicitFile: false,
    env: options.env ?? {},
    overrides: toOverrides(options),
  });
  return listenGateway(config, options);
}

/** Build and listen with an already-loaded config (the CLI loads its own, with file and env). */
export async function listenGateway(
  config: Readonly<Config>,
  options: { logger?: Logger; clock?: Clock; ids?: IdSource } = {},
): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.server.log_level);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const metrics = createMetrics();
  const stack = createUpstream({ config, clock, ids, logger, metrics });
  const upstream = stack.upstream;
  const surfaces = createSurfaces({ config, stack, logger, metrics, ids, clock });
  const streams = new OpenStreams();
  const app = createApp({ config, upstream, logger, metrics, ids, clock, streams, ...surfaces });
  const server = createServer({ keepAliveTimeout: 65_000 }, app);

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.server.port, config.server.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await upstream.close(); // release sockets, state writers and timers the stack already holds
    throw error;
  }
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    config,
    server,
    logger,
    close() {
      closing ??= drain(server, config.server.shutdown_timeout_ms, () => {
        const ended = streams.failAll();
        if (ended > 0) logger.warn({ streams: ended }, "shutdown deadline: open streams ended with an error");
      }).then(() => upstream.close());
      return closing;
    },
  };
}
