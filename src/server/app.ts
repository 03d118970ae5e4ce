// createApp(deps): the request handler — the hot lane for the POST routes every SDK call takes, Express
// for the rest — with every dependency handed in so tests can use supertest on it directly. The Express
// route order is the whole request walk there: context → guard → body → surfaces → 404 → errors.
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type Router } from "express";
import type { Config } from "../config/types.ts";
import { jsonBody, jsonBodyReader, type JsonBodyReader } from "../http/body.ts";
import { browserCheck, browserGuard, type BrowserCheck } from "../http/browser-guard.ts";
import { errorMiddleware, notFoundHandler } from "../http/errors.ts";
import type { HotRoute } from "../http/exchange.ts";
import { healthRouter } from "../http/health.ts";
import { createHotLane } from "../http/lane.ts";
import type { OpenStreams } from "../http/stream-events.ts";
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
  /** The server's open streams, ended with their face's error frame at the shutdown deadline. */
  streams?: OpenStreams;
}

/** What createApp returns: a plain Node request listener (`http.createServer(app)`, `supertest(app)`). */
export type App = (req: IncomingMessage, res: ServerResponse) => void;

/** What the hot lane and the Express surfaces share: one tracker (one access-log budget, one set of
 * metric children), one browser check, one body reader. */
interface SharedSteps {
  track: RequestTracker;
  checkBrowser: BrowserCheck;
  readJsonBody: JsonBodyReader;
}

function expressApp(deps: AppDeps, shared: SharedSteps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.use(requestContext(shared.track));
  app.use(browserGuard(shared.checkBrowser));
  app.use(healthRouter({ mode: deps.config.mode, version: VERSION, metrics: deps.metrics }));
  // Every POST body is JSON. A method check instead of `app.post("/{*any}")`: same requests, no
  // path-to-regexp match per request.
  const parseJson = jsonBody(shared.readJsonBody);
  app.use(function postBody(req, res, next) {
    if (req.method === "POST") parseJson(req, res, next);
    else next();
  });
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

export function createApp(deps: AppDeps): App {
  const shared: SharedSteps = {
    track: requestTracker({ ...deps, credentials: configuredCredentials(deps.config) }),
    checkBrowser: browserCheck({
      host: deps.config.server.host,
      allowedOrigins: deps.config.server.allowed_origins,
    }),
    readJsonBody: jsonBodyReader(deps.config.server.body_limit_bytes),
  };
  const app = expressApp(deps, shared);
  const serveHot = createHotLane({
    routes: deps.routes ?? [],
    trackRequest: shared.track,
    checkBrowser: shared.checkBrowser,
    readJsonBody: shared.readJsonBody,
    logger: deps.logger,
    ...(deps.streams === undefined ? {} : { streams: deps.streams }),
  });
  return function handleRequest(req, res) {
    if (!serveHot(req, res)) app(req, res);
  };
}
