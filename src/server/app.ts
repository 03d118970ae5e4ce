// createApp(deps): the Express application, with every dependency handed in so tests can use supertest
// on it directly. The route order is the whole request walk: context → body → surfaces → 404 → errors.
import express, { type Express, type Router } from "express";
import type { Config } from "../config/types.ts";
import { jsonBody } from "../http/body.ts";
import { browserGuard } from "../http/browser-guard.ts";
import { errorMiddleware, notFoundHandler } from "../http/errors.ts";
import { healthRouter } from "../http/health.ts";
import { requestContext } from "../http/request-context.ts";
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
  /** Surfaces to mount after the built-in ones (tests, and mode-specific routers from createGateway). */
  routers?: Router[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.use(requestContext(deps));
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
