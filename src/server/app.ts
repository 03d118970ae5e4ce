// createApp(deps): the request handler — the one pipeline (http/pipeline.ts: shared steps, then a face
// or the Express control plane) — with every dependency handed in so tests can use supertest on it.
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type Router } from "express";
import type { Config } from "../config/types.ts";
import { apiKeyCheck } from "../http/auth.ts";
import { jsonBodyReader } from "../http/body.ts";
import { browserCheck } from "../http/browser-guard.ts";
import { errorMiddleware, notFoundHandler } from "../http/errors.ts";
import type { HotRoute } from "../http/exchange.ts";
import { healthRouter } from "../http/health.ts";
import { createPipeline } from "../http/pipeline.ts";
import { requestTracker } from "../http/request-context.ts";
import type { RequestJournal } from "../http/journal.ts";
import type { OpenStreams } from "../http/stream-events.ts";
import type { Clock } from "../shared/clock.ts";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import { VERSION } from "../shared/version.ts";
import type { UpstreamClient } from "../upstream/types.ts";

export interface AppDeps {
  config: Readonly<Config>;
  upstream: UpstreamClient;
  logger: Logger;
  metrics: Metrics;
  ids: IdSource;
  clock: Clock;
  /** Control-plane routers to mount after the built-in ones (tests, and mode-specific routers from createSurfaces). */
  routers?: Router[];
  /** The faces: POST routes the pipeline serves (chat completions, invoke, …). */
  routes?: HotRoute[];
  /** Notes every hot-lane request (GET /admin/requests). */
  journal?: RequestJournal;
  /** The server's open streams, ended with their face's error frame at the shutdown deadline. */
  streams?: OpenStreams;
}

/** What createApp returns: a plain Node request listener (`http.createServer(app)`, `supertest(app)`). */
export type App = (req: IncomingMessage, res: ServerResponse) => void;

/** The control plane: routers, then 404, then the one error renderer. The shared steps ran before it. */
function controlPlane(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(healthRouter({ mode: deps.config.mode, version: VERSION, metrics: deps.metrics }));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}

/** Every credential the configuration holds (the access log redacts them from paths). */
function configuredCredentials(config: Readonly<Config>): string[] {
  const tokens = [...config.server.api_keys, ...config.mock.teams.map((team) => team.api_token)];
  if (config.upstream.api_token !== null) tokens.push(config.upstream.api_token);
  return tokens;
}

/** A copy of `proto` (Express's request or response methods) on top of `base`. */
function rebased(proto: object, base: object): object {
  return Object.create(base, Object.getOwnPropertyDescriptors(proto)) as object;
}

/**
 * Express for requests that arrived over HTTP/2 (server/h2c.ts). Express gives each request its own
 * prototype, made for http.IncomingMessage; the compatibility API's request is another class, so this
 * app's request and response prototypes carry the same Express methods on top of the HTTP/2 classes.
 */
function expressOverHttp2(deps: AppDeps): Express {
  const { Http2ServerRequest, Http2ServerResponse } = process.getBuiltinModule("node:http2");
  const app = controlPlane(deps);
  const request = app.request as object;
  const response = app.response as object;
  Object.setPrototypeOf(
    request,
    rebased(Object.getPrototypeOf(request) as object, Http2ServerRequest.prototype),
  );
  Object.setPrototypeOf(
    response,
    rebased(Object.getPrototypeOf(response) as object, Http2ServerResponse.prototype),
  );
  return app;
}

export function createApp(deps: AppDeps): App {
  const control = controlPlane(deps);
  let http2Control: Express | undefined; // made on the first HTTP/2 request the control plane serves
  return createPipeline({
    routes: deps.routes ?? [],
    control(req, res) {
      if (req.httpVersionMajor < 2) control(req, res);
      else (http2Control ??= expressOverHttp2(deps))(req, res);
    },
    track: requestTracker({ ...deps, credentials: configuredCredentials(deps.config) }),
    checkBrowser: browserCheck({
      host: deps.config.server.host,
      allowedOrigins: deps.config.server.allowed_origins,
    }),
    checkApiKey: apiKeyCheck(deps.config.server.api_keys),
    readJsonBody: jsonBodyReader(deps.config.server.body_limit_bytes),
    logger: deps.logger,
    inFlight: deps.metrics.inferenceInFlight,
    internalErrors: deps.metrics.internalErrors,
    ...(deps.journal === undefined ? {} : { journal: deps.journal }),
    ...(deps.streams === undefined ? {} : { streams: deps.streams }),
  });
}
