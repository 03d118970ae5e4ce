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
import { acceptHttp2 } from "./h2c.ts";
import { createSurfaces } from "./surfaces.ts";
import { createUpstream } from "./upstream.ts";
import { startupWarnings, writableDirs } from "./warnings.ts";
import { checkWritableDir } from "../shared/dirs.ts";
import type { UpstreamClient } from "../upstream/types.ts";
import type { JournalEntry, JournalFilter } from "../http/journal.ts";
import { notFound } from "../shared/errors.ts";
import type { StubDefinition, StubView } from "../upstream/stubs.ts";

// Not `import { createServer } from "node:http"`: importing a built-in as ESM evaluates every export of
// node:http, and its lazy WebSocket/MessageEvent getters load Node's bundled undici (+12 MiB RSS, ~20 ms
// at start-up, Node 24). getBuiltinModule hands out the same module without touching them.
const { createServer } = process.getBuiltinModule("node:http");

export interface StartGatewayOptions extends ConfigOverrides {
  /** Shorthand for `server.port`. */
  port?: number;
  /** Shorthand for `server.host`. */
  host?: string;
  /** Read this config file (in-process use reads none unless asked). Logs: warnings only unless
   * `server.log_level` (or BPG_LOG_LEVEL in `env`, or the file) says otherwise. */
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
  /** What will fail unless the user acts (e.g. live mode without credentials); logged at startup. */
  readonly warnings: readonly string[];
  /** Run-time stubs, as POST/GET/DELETE /admin/stubs (mock mode, or record/auto on the simulator). */
  readonly stubs: GatewayStubs;
  /** The request journal, newest first (GET /admin/requests): every face's requests as received. */
  requests(filter?: JournalFilter): JournalEntry[];
  /** Empty the journal (or forget one cassette's entries); returns how many went. */
  clearRequests(cassette?: string): number;
  /** Stop accepting, let in-flight requests finish (up to server.shutdown_timeout_ms), flush state. */
  close(): Promise<void>;
}

/** `gw.stubs`: the typed side of /admin/stubs. */
export interface GatewayStubs {
  /** Add a stub (or replace the one with the same id); a bad definition throws a 400 GatewayError. */
  add(definition: StubDefinition): StubView;
  list(): StubView[];
  remove(id: string): boolean;
  /** Remove every stub, or those scoped to one cassette. */
  clear(cassette?: string): number;
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
    // In a test suite one log line per request is noise: warnings only, unless a level is asked for
    // (server.log_level, BPG_LOG_LEVEL in `env`, the config file) or a logger is given.
    defaults: { server: { log_level: "warn" } },
  });
  return listenGateway(config, options);
}

/** Least time the final flush (state file, cassettes) is given when draining used the whole budget. */
const FLUSH_FLOOR_MS = 250;

/**
 * Drain, then flush — all within `timeoutMs` (plus FLUSH_FLOOR_MS when the drain used it all). A flush
 * stuck on a disk that stopped answering is logged and left behind, never waited for (issue 12).
 */
export async function shutDown(
  server: Server,
  upstream: UpstreamClient,
  timeoutMs: number,
  logger: Logger,
  atDeadline?: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await drain(server, timeoutMs, atDeadline);
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<"gave up">((resolve) => {
    timer = setTimeout(() => resolve("gave up"), Math.max(FLUSH_FLOOR_MS, deadline - Date.now()));
    timer.unref();
  });
  const flushed = upstream.close().then(() => "flushed" as const);
  const outcome = await Promise.race([flushed, gaveUp]).finally(() => clearTimeout(timer));
  if (outcome === "gave up") {
    logger.warn(
      { shutdown_timeout_ms: timeoutMs },
      "shutdown: a cassette or state write did not finish in time; not waited for",
    );
  }
}

/** Build and listen with an already-loaded config (the CLI loads its own, with file and env). */
export async function listenGateway(
  config: Readonly<Config>,
  options: { logger?: Logger; clock?: Clock; ids?: IdSource; logWarnings?: boolean } = {},
): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.server.log_level);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  // Fail at startup, with the path and the OS reason, rather than on every request (issue 12).
  for (const [dir, what] of writableDirs(config)) await checkWritableDir(dir, what);
  const metrics = createMetrics();
  const stack = createUpstream({ config, clock, ids, logger, metrics });
  const upstream = stack.upstream;
  const surfaces = createSurfaces({ config, stack, logger, metrics, ids, clock });
  const streams = new OpenStreams();
  const app = createApp({ config, upstream, logger, metrics, ids, clock, streams, ...surfaces });
  const server = createServer({ keepAliveTimeout: 65_000 }, app);
  const http2 = acceptHttp2(server, app as never);

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
  const warnings = startupWarnings(config);
  if (options.logWarnings !== false) for (const warning of warnings) logger.warn(warning);
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;

  const registry = (): NonNullable<typeof stack.stubs> => {
    if (stack.stubs === undefined)
      throw notFound("Run-time stubs need the simulator: mode mock, or record/auto with upstream.kind mock.");
    return stack.stubs;
  };
  const stubs: GatewayStubs = {
    add: (definition) => registry().add(definition),
    list: () => registry().list(),
    remove: (id) => registry().remove(id),
    clear: (cassette) => registry().clear(cassette),
  };
  const { journal } = surfaces;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    config,
    server,
    logger,
    warnings,
    stubs,
    requests: (filter) => journal.list(filter),
    clearRequests: (cassette) => journal.clear(cassette),
    close() {
      if (closing === undefined) {
        // HTTP/2 sessions are not the HTTP/1.1 server's to drain: GOAWAY now, cut them at the deadline.
        http2.close();
        const cut = setTimeout(() => http2.destroy(), config.server.shutdown_timeout_ms);
        cut.unref();
        closing = shutDown(server, upstream, config.server.shutdown_timeout_ms, logger, () => {
          const ended = streams.failAll();
          if (ended > 0)
            logger.warn({ streams: ended }, "shutdown deadline: open streams ended with an error");
        }).finally(() => clearTimeout(cut));
      }
      return closing;
    },
  };
}
