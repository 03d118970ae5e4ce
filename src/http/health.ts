// Liveness and metrics endpoints.
import { Router } from "express";
import type { Metrics } from "../shared/metrics.ts";

export function healthRouter(deps: { mode: string; version: string; metrics: Metrics }): Router {
  const router = Router();
  const health = JSON.stringify({ status: "ok", mode: deps.mode, version: deps.version });
  router.get("/healthz", (_req, res) => {
    res.type("application/json").send(health);
  });
  router.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
