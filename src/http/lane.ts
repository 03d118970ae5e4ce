// The hot lane: the POST routes every SDK call takes (/v1/chat/completions, the proxy's /prod/invoke)
// are served straight on node:http, in front of Express. Express stays for everything else (models,
// quota, GPU, admin, health, CORS preflights, 404s). The lane walks the same steps the Express surfaces
// do — request id and access log, browser guard, API-key check, JSON body, handler, one error renderer —
// through the same framework-free functions, minus Express's per-request routing and object decoration,
// which cost more than the translation itself (bench/README.md).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../shared/logger.ts";
import type { GatewayError } from "../shared/errors.ts";
import { failRequest } from "./errors.ts";
import { pathOf, type HotRoute } from "./exchange.ts";
import type { OpenRecord } from "./request-context.ts";

export interface HotLaneDeps {
  routes: readonly HotRoute[];
  trackRequest(req: IncomingMessage, res: ServerResponse, record: OpenRecord, routeOf: () => string): string;
  checkBrowser(req: IncomingMessage, res: ServerResponse): GatewayError | undefined;
  readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown>;
  logger: Logger;
}

/** Express matches paths case-insensitively and with an optional trailing slash; so does the lane. */
function canonical(path: string): string {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.toLowerCase();
}

/**
 * createHotLane(deps) → serveHot(req, res): true when the lane took the request (it answers it, errors
 * included), false when Express should have it.
 */
export function createHotLane(deps: HotLaneDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const table = new Map<string, { route: HotRoute; label: string }>();
  for (const route of deps.routes) {
    for (const path of route.paths) table.set(canonical(path), { route, label: path });
  }

  async function serve(
    route: HotRoute,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    record: OpenRecord,
  ): Promise<void> {
    try {
      const refusal = deps.checkBrowser(req, res) ?? route.authorize?.(req);
      if (refusal !== undefined) throw refusal;
      const body = await deps.readJsonBody(req, res);
      await route.handle({ req, res, path, body, record });
    } catch (error) {
      failRequest(deps.logger, res, path, record, error);
    }
  }

  return function serveHot(req, res) {
    if (req.method !== "POST") return false;
    const path = pathOf(req.url);
    const entry = table.get(path) ?? table.get(canonical(path));
    if (entry === undefined) return false;
    const record: OpenRecord = { requestId: "" };
    deps.trackRequest(req, res, record, () => entry.label);
    // The route's own spelling of the path, so errors on /PROD/invoke/ keep the proxy's shapes too.
    serve(entry.route, req, res, entry.label, record).catch((error: unknown) => {
      // Rendering the error itself failed: nothing sensible can be written any more.
      deps.logger.error({ err: error, requestId: record.requestId }, "could not answer");
      res.destroy();
    });
    return true;
  };
}
