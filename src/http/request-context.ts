// Per-request id (echoed as `x-request-id`) and one structured log line per request. The log line
// holds named fields only — method, route, status, timing, ids — never headers or bodies, so no
// credential can reach the log.
import type { RequestHandler } from "express";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(deps: { ids: IdSource; logger: Logger; metrics: Metrics }): RequestHandler {
  return function trackRequest(req, res, next) {
    const started = process.hrtime.bigint();
    const incoming = req.get("x-request-id");
    const requestId =
      incoming !== undefined && CLIENT_REQUEST_ID.test(incoming) ? incoming : deps.ids.requestId();
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);

    res.on("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The matched route pattern keeps metric labels bounded (no per-instance-name series); requests
      // that never reached a route (unknown paths, bodies refused before routing) share one label.
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === "string" ? `${req.baseUrl}${pattern}` : "unmatched";
      const labels = { method: req.method, route };
      deps.metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
      deps.metrics.httpDuration.observe(labels, seconds);
      deps.logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(seconds * 1e6) / 1e3,
          aborted: !res.writableFinished,
          ...(res.locals.errorCode === undefined ? {} : { error: res.locals.errorCode }),
          ...(res.locals.logFields ?? {}),
        },
        "request",
      );
    });
    next();
  };
}
