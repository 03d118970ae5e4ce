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
import { withOpenStreams, type OpenStreams } from "./stream-events.ts";

export interface HotLaneDeps {
  routes: readonly HotRoute[];
  trackRequest(req: IncomingMessage, res: ServerResponse, record: OpenRecord, routeOf: () => string): string;
  checkBrowser(req: IncomingMessage, res: ServerResponse): GatewayError | undefined;
  readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown>;
  logger: Logger;
  /** Where the streams of this server's handlers register (ended with an error frame at shutdown). */
  streams?: OpenStreams;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** A path segment as sent (`%3A` in a Bedrock ARN); a malformed escape is kept as it came. */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
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
  const patterns: { route: HotRoute; label: string; pattern: RegExp }[] = [];
  for (const route of deps.routes) {
    for (const path of route.paths) table.set(canonical(path), { route, label: path });
    for (const p of route.patterns ?? []) {
      const pattern = new RegExp(`^${p.source}/?$`, p.flags.includes("i") ? "i" : "");
      patterns.push({ route, pattern, label: route.label ?? p.source });
    }
  }

  /** The route of `path` and its decoded pattern groups; exact paths first. */
  function match(
    path: string,
  ): { route: HotRoute; label: string; params: Record<string, string> } | undefined {
    const exact = table.get(path) ?? table.get(canonical(path));
    if (exact !== undefined) return { ...exact, params: NO_PARAMS };
    for (const entry of patterns) {
      const groups = entry.pattern.exec(path)?.groups;
      if (groups === undefined) continue;
      const params: Record<string, string> = {};
      for (const [name, raw] of Object.entries(groups)) params[name] = decodeSegment(raw);
      return { route: entry.route, label: entry.label, params };
    }
    return undefined;
  }

  async function serve(
    route: HotRoute,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    params: Record<string, string>,
    record: OpenRecord,
  ): Promise<void> {
    try {
      const refusal = deps.checkBrowser(req, res) ?? route.authorize?.(req);
      if (refusal !== undefined) throw refusal;
      const body = await deps.readJsonBody(req, res);
      const exchange = { req, res, path, params, body, record };
      const streams = deps.streams;
      await (streams === undefined
        ? route.handle(exchange)
        : withOpenStreams(streams, () => route.handle(exchange)));
    } catch (error) {
      failRequest(deps.logger, res, path, record, error, route.writeError);
    }
  }

  return function serveHot(req, res) {
    if (req.method !== "POST") return false;
    const entry = match(pathOf(req.url));
    if (entry === undefined) return false;
    const record: OpenRecord = { requestId: "" };
    deps.trackRequest(req, res, record, () => entry.label);
    // The route's own spelling of the path, so errors on /PROD/invoke/ keep the proxy's shapes too.
    serve(entry.route, req, res, entry.label, entry.params, record).catch((error: unknown) => {
      // Rendering the error itself failed: nothing sensible can be written any more.
      deps.logger.error({ err: error, requestId: record.requestId }, "could not answer");
      res.destroy();
    });
    return true;
  };
}
