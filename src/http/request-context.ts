// Per-request id (echoed as `x-request-id`) and one structured log line per request. The log line
// holds named fields only — method, path, status, timing, ids — never headers or bodies, so no
// credential can reach the log. The pipeline calls trackRequest once for every request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import { createAccessLog } from "./access-log.ts";
import { headerOf, pathOf, type RequestRecord } from "./exchange.ts";
import { pathRedactor } from "./log-path.ts";

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CLIENT_CLOSED = 499;
const SHUTTING_DOWN = 503;

export interface RequestContextDeps {
  ids: IdSource;
  logger: Logger;
  metrics: Metrics;
  /** Credentials the configuration holds: never written to the log, even pasted into a path. */
  credentials?: readonly string[];
}

/** A RequestRecord whose id is filled in by the tracker. */
export type OpenRecord = { -readonly [K in keyof RequestRecord]: RequestRecord[K] };

/**
 * The per-request metrics: the request counter (summed until scraped) and the duration histogram
 * (a label-bound child per method and route, made once).
 */
function requestMetrics(metrics: Metrics) {
  const timers = new Map<string, { observe(value: number): void }>();
  return (method: string, route: string, status: number, seconds: number): void => {
    const key = `${method} ${route}`;
    metrics.httpRequests.inc(`${key} ${status}`, () => ({ method, route, status: String(status) }));
    let timer = timers.get(key);
    if (timer === undefined) {
      timer = metrics.httpDuration.labels({ method, route });
      timers.set(key, timer);
    }
    timer.observe(seconds);
  };
}

/**
 * Why a response closed unfinished, for the log and the metrics. The gateway's own cuts say so: a handler
 * that drops the connection on purpose records its error code and status first (an upstream reset is
 * mirrored as a reset, 502), and a shutdown that outlived its grace period is 503 `shutdown`. Anything
 * else is the client leaving: 499 `client_closed` ("client closed request", as nginx logs it) when no
 * answer was started, rather than the 200 a response object starts with.
 */
function whyCut(
  req: IncomingMessage,
  res: ServerResponse,
  record: OpenRecord,
): { status: number; error: string } {
  if (record.errorCode !== undefined) return { status: res.statusCode, error: record.errorCode };
  const server = (req.socket as { server?: { listening?: boolean } }).server;
  if (server?.listening === false) return { status: SHUTTING_DOWN, error: "shutdown" };
  return { status: CLIENT_CLOSED, error: "client_closed" };
}

/**
 * trackRequest(req, res, record, routeOf): assign the request id (the client's `x-request-id` when it is
 * well-formed), echo it, and when the response closes count it and write the access-log line.
 * `routeOf` names the matched route pattern at that time (bounded metric labels).
 */
export function requestTracker(deps: RequestContextDeps) {
  const count = requestMetrics(deps.metrics);
  const accessLog = createAccessLog(deps.logger);
  const redactPath = pathRedactor(deps.credentials ?? []);

  return function trackRequest(
    req: IncomingMessage,
    res: ServerResponse,
    record: OpenRecord,
    routeOf: () => string,
  ): string {
    const started = performance.now();
    const incoming = headerOf(req, "x-request-id");
    const requestId =
      incoming !== undefined && CLIENT_REQUEST_ID.test(incoming) ? incoming : deps.ids.requestId();
    (record as { requestId: string }).requestId = requestId;
    res.setHeader("x-request-id", requestId);

    // The one 'close' listener of a request: it also tells the handler when the client went away.
    res.on("close", () => {
      const finished = res.writableFinished;
      if (!finished) record.onClientGone?.();
      const ms = performance.now() - started;
      const method = req.method ?? "GET";
      const cut = finished ? undefined : whyCut(req, res, record);
      const status = finished || res.headersSent ? res.statusCode : (cut?.status ?? res.statusCode);
      count(method, routeOf(), status, ms / 1000);
      record.onDone?.(status, ms);
      accessLog(status, () => {
        // Only what is worth reading: `aborted` and `error` appear when they happened.
        const line: Record<string, unknown> = {
          requestId,
          method,
          path: redactPath(pathOf(req.url)),
          status,
          ms: Math.round(ms * 1000) / 1000,
        };
        if (!finished) line.aborted = true;
        const error = record.errorCode ?? cut?.error;
        if (error !== undefined) line.error = error;
        if (record.logFields !== undefined) Object.assign(line, record.logFields);
        return line;
      });
    });
    return requestId;
  };
}

export type RequestTracker = ReturnType<typeof requestTracker>;
