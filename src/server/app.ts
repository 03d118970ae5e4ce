// createApp(deps): the request handler — the hot lane for the POST routes every SDK call takes, Express
// for the rest — with every dependency handed in so tests can use supertest on it directly. The Express
// route order is the whole request walk there: context → guard → body → surfaces → 404 → errors.
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type Router } from "express";
import type { Config } from "../config/types.ts";
import { jsonBody, jsonBodyReader } from "../http/body.ts";
import { browserCheck, browserGuard } from "../http/browser-guard.ts";
import { errorMiddleware, notFoundHandler } from "../http/errors.ts";
import type { HotRoute } from "../http/exchange.ts";
import { healthRouter } from "../http/health.ts";
import { createHotLane } from "../http/lane.ts";
import { requestContext, requestTracker, type RequestTracker } from "../http/request-context.ts";
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
  /** Express surfaces to mount after the built-in ones (tests, and mode-specific routers from createSurfaces). */
  routers?: Router[];
  /** POST routes served by the hot lane (chat completions, invoke). */
  routes?: HotRoute[];
}

/** What createApp returns: a plain Node request listener (`http.createServer(app)`, `supertest(app)`). */
export type App = (req: IncomingMessage, res: ServerResponse) => void;

function expressApp(deps: AppDeps, track: RequestTracker): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.use(requestContext(track));
  app.use(
    browserGuard({ host: deps.config.server.host, allowedOrigins: deps.config.server.allowed_origins }),
  );
  app.use(healthRouter({ mode: deps.config.mode, version: VERSION, metrics: deps.metrics }));
  // Every POST body is JSON. A method check instead of `app.post("/{*any}")`: same requests, no
  // path-to-regexp match per request.
  const parseJson = jsonBody(deps.config.server.body_limit_bytes);
  app.use(function postBody(req, res, next) {
    if (req.method === "POST") parseJson(req, res, next);
    else next();
  });
  for (const router of deps.routers ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}

export function createApp(deps: AppDeps): App {
  // One tracker for both paths: one access-log budget, one set of metric children.
  const track = requestTracker(deps);
  const app = expressApp(deps, track);
  const serveHot = createHotLane({
    routes: deps.routes ?? [],
    trackRequest: track,
    checkBrowser: browserCheck({
      host: deps.config.server.host,
      allowedOrigins: deps.config.server.allowed_origins,
    }),
    readJsonBody: jsonBodyReader(deps.config.server.body_limit_bytes),
    logger: deps.logger,
  });
  return function handleRequest(req, res) {
    if (!serveHot(req, res)) app(req, res);
  };
}
