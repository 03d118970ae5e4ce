// POST /prod/invoke and POST /invoke: the proxy's own surface (PROXY.md). Credentials are read from the
// body or headers and stripped from the body before the UpstreamClient (simulator, live client or
// record/replay) sees it; its answer goes back byte for byte (status, kept headers, `text()`), error
// statuses and malformed bodies included.
import { Router } from "express";
import { GatewayError, invalidRequest } from "../shared/errors.ts";
import { proxyCredentials, stripCredentials } from "../upstream/credentials.ts";
import type { InvokeRequest, UpstreamClient, UpstreamResponse } from "../upstream/types.ts";
import { ExchangeInvokeContext } from "./invoke-context.ts";
import { headerOf, type HotRoute } from "./exchange.ts";
import { endWith } from "./send.ts";

const PATHS = ["/prod/invoke", "/invoke"];
/** Upstream headers worth passing on; hop-by-hop and length headers are the server's own business. */
const PASSED_HEADERS = new Set(["content-type", "retry-after", "x-amzn-requestid", "x-amzn-errortype"]);

export interface InvokeRouterDeps {
  upstream: UpstreamClient;
}

/** The CORS preflight of the proxy surface (Express: it is not a hot path). */
export function invokePreflightRouter(): Router {
  const router = Router();
  router.options(PATHS, (_req, res) => {
    res.set({
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Allow-Headers":
        "Content-Type, Authorization, X-Team-ID, X-API-Token, x-api-key, X-Mock-Fault, X-Cassette",
    });
    res.status(204).end();
  });
  return router;
}

/** The answer's cost, for the journal. */
function noteCost(ctx: ExchangeInvokeContext, response: UpstreamResponse): void {
  const cost = response.ok ? response.answer.metadata.cost_usd : undefined;
  if (typeof cost === "number") ctx.trace.costUsd = cost;
}

/** POST /prod/invoke and POST /invoke, a face of the pipeline. */
export function invokeRoute(deps: InvokeRouterDeps): HotRoute {
  return {
    paths: PATHS,
    face: "invoke",
    async handle(x) {
      const { res } = x;
      res.setHeader("Access-Control-Allow-Origin", "*");
      const raw = x.body;
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw invalidRequest(
          "The request body must be a JSON object with model, messages and max_tokens.",
          null,
          "invalid_json",
        );
      }
      const body = raw as Record<string, unknown>;
      const ctx = new ExchangeInvokeContext(
        x,
        proxyCredentials(body, (name) => headerOf(x.req, name)),
      );
      let response: UpstreamResponse;
      try {
        response = await deps.upstream.invoke(stripCredentials(body) as InvokeRequest, ctx);
      } catch (error) {
        // A reset upstream is mirrored as a reset here: the client sees its socket drop, not a body.
        if (error instanceof GatewayError && error.code === "upstream_reset") {
          x.record.errorCode = error.code;
          res.statusCode = error.status; // for the access log and metrics: nothing is sent
          x.req.socket.destroy();
          return;
        }
        throw error;
      }
      for (const [name, value] of Object.entries(response.headers)) {
        if (PASSED_HEADERS.has(name.toLowerCase())) res.setHeader(name, value);
      }
      if (res.getHeader("content-type") === undefined) res.setHeader("content-type", "application/json");
      if (res.getHeader("x-amzn-requestid") === undefined) res.setHeader("x-amzn-RequestId", ctx.requestId);
      res.statusCode = response.status;
      noteCost(ctx, response);
      endWith(res, response.text());
    },
  };
}
