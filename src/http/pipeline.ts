// The one request pipeline. Every request — a face of the data plane or a route of the Express control
// plane — walks the shared steps here, once, in this order: request id + access log + metrics, browser
// guard (and a permitted page's CORS preflight), the API-key check of the routes that act for a team
// (/v1, /quota, /gpu, /model), the JSON body. Then a face (a HotRoute, matched by method POST and path) handles
// it on Node's own request/response, or Express routes it (models, quota, gpu, admin, health, metrics,
// 404). Express carries no shared step of its own, so nothing it adds can skip or repeat one.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayError } from "../shared/errors.ts";
import type { TalliedCounter } from "../shared/metrics.ts";
import type { Logger } from "../shared/logger.ts";
import { answerPreflight, type BrowserCheck } from "./browser-guard.ts";
import { failRequest } from "./errors.ts";
import { headerOf, pathOf, type HotRoute } from "./exchange.ts";
import type { RequestJournal } from "./journal.ts";
import type { OpenStreams } from "./stream-events.ts";
import type { OpenRecord, RequestTracker } from "./request-context.ts";
import { createRouteTable } from "./route-table.ts";

export interface PipelineDeps {
  /** The faces: POST routes served here. */
  routes: readonly HotRoute[];
  /** The control plane (an Express app without middleware of its own): gets req.body and res.locals. */
  control(req: IncomingMessage, res: ServerResponse): void;
  track: RequestTracker;
  checkBrowser: BrowserCheck;
  /** server.api_keys, for the routes that act for a team. */
  checkApiKey(req: IncomingMessage): GatewayError | undefined;
  readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown>;
  logger: Logger;
  /** Handlers still working (bpg_inference_in_flight): up when a face takes a request, down when it settles. */
  inFlight?: { inc(): void; dec(): void };
  /** Notes every request of every face (GET /admin/requests). */
  journal?: RequestJournal;
  /** Where the streams of this server's faces register (ended with their error frame at shutdown). */
  streams?: OpenStreams;
  /** bpg_internal_errors_total: face requests that ended in an unexpected error, by face. */
  internalErrors?: TalliedCounter<"face">;
}

/**
 * Routes that act for a team (and spend its budget) need one of server.api_keys when any is set. The
 * Bedrock Runtime routes (/model/…) too: the AWS SDKs send `Authorization: Bearer <key>` when given a
 * Bedrock API key (AWS_BEARER_TOKEN_BEDROCK).
 */
const KEYED_PATHS = /^\/(v1|quota|gpu|model)(\/|$)/i;

/** The route label of a control-plane request, read when it closes (after Express matched it). */
function expressRoute(req: IncomingMessage): string {
  const matched = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  const pattern = matched.route?.path;
  return typeof pattern === "string" ? `${matched.baseUrl ?? ""}${pattern}` : "unmatched";
}

export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const match = createRouteTable(deps.routes);
  // One counting function per face, made once (a request only hands its face's to its record).
  const internalCounters = new Map<HotRoute, () => void>();
  const counter = deps.internalErrors;
  if (counter !== undefined)
    for (const route of deps.routes) {
      const face = route.face ?? route.label ?? route.paths[0] ?? "unnamed";
      internalCounters.set(route, () => counter.inc(face, () => ({ face })));
    }

  /** The shared steps that may refuse a request before its body is read; undefined to go on. */
  function admit(req: IncomingMessage, res: ServerResponse, path: string, route: HotRoute | undefined) {
    const refusal = deps.checkBrowser(req, res);
    if (refusal !== undefined) return refusal;
    if (req.method === "OPTIONS") return undefined;
    if (KEYED_PATHS.test(path)) {
      const keyRefusal = deps.checkApiKey(req);
      if (keyRefusal !== undefined) return keyRefusal;
    }
    return route?.authorize?.(req);
  }

  async function serveFace(
    route: HotRoute,
    req: IncomingMessage,
    res: ServerResponse,
    label: string,
    params: Record<string, string>,
    record: OpenRecord,
  ): Promise<void> {
    try {
      const refusal = admit(req, res, label, route);
      if (refusal !== undefined) throw refusal;
      const body = await deps.readJsonBody(req, res);
      record.body = body;
      await route.handle({ req, res, path: label, params, body, record, streams: deps.streams });
    } catch (error) {
      const typed = failRequest(deps.logger, res, label, record, error, route.writeError);
      if (typed.code === "internal_error") record.onInternalError?.();
    }
  }

  async function serveControl(req: IncomingMessage, res: ServerResponse, record: OpenRecord): Promise<void> {
    const path = pathOf(req.url);
    try {
      const refusal = admit(req, res, path, undefined);
      if (refusal !== undefined) throw refusal;
      if (req.method === "OPTIONS" && headerOf(req, "origin") !== undefined) {
        answerPreflight(res); // a page the browser guard permitted asks before its request
        return;
      }
      if (req.method === "POST") (req as { body?: unknown }).body = await deps.readJsonBody(req, res);
    } catch (error) {
      failRequest(deps.logger, res, path, record, error);
      return;
    }
    (res as { locals?: unknown }).locals = record; // the control plane's errors report to the same record
    deps.control(req, res);
  }

  return function handleRequest(req, res) {
    const record: OpenRecord = { requestId: "" };
    const entry = req.method === "POST" ? match(pathOf(req.url)) : undefined;
    if (entry === undefined) {
      deps.track(req, res, record, () => expressRoute(req));
      serveControl(req, res, record).catch((error: unknown) => {
        deps.logger.error({ err: error, requestId: record.requestId }, "could not answer");
        res.destroy();
      });
      return;
    }
    deps.track(req, res, record, () => entry.label);
    deps.journal?.watch(
      record,
      entry.route.face ?? entry.label,
      pathOf(req.url),
      entry.params,
      headerOf(req, "content-length"),
    );
    deps.inFlight?.inc();
    const countInternal = internalCounters.get(entry.route);
    if (countInternal !== undefined) record.onInternalError = countInternal;
    // The route's own spelling of the path, so errors on /PROD/invoke/ keep the proxy's shapes too.
    serveFace(entry.route, req, res, entry.label, entry.params, record)
      .catch((error: unknown) => {
        // Rendering the error itself failed: nothing sensible can be written any more.
        deps.logger.error({ err: error, requestId: record.requestId }, "could not answer");
        res.destroy();
      })
      .finally(() => deps.inFlight?.dec());
  };
}
