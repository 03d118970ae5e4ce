// /gpu/*: simulated SageMaker notebook instances (CONTRACT §5). The caller's team comes from the same
// credentials as every other surface (http/credentials.ts) and must be a simulated team; the GpuService
// validates input and owns billing, this router only maps routes to it.
import { Router, type Request } from "express";
import type { GpuService } from "../accounting/types.ts";
import type { Config } from "../config/types.ts";
import { unauthorized } from "../shared/errors.ts";
import type { Credentials } from "../upstream/types.ts";
import { resolveCredentials } from "./credentials.ts";

export interface GpuRouterDeps {
  config: Readonly<Config>;
  gpu: GpuService;
  /** The simulated team these credentials belong to, or undefined. */
  authenticate: (credentials: Credentials | undefined) => string | undefined;
}

export function gpuRouter(deps: GpuRouterDeps): Router {
  const router = Router();
  const teamOf = (req: Request): string => {
    const teamId = deps.authenticate(resolveCredentials(req, deps.config));
    if (teamId === undefined) {
      throw unauthorized(
        "Unknown team or wrong API token. Send X-Team-ID and X-API-Token headers (or Authorization: Bearer TEAM_ID:API_TOKEN) of a team in mock.teams.",
      );
    }
    return teamId;
  };
  const nameOf = (req: Request): string => String(req.params.name);

  router.get("/gpu/instance-types", (_req, res) => {
    res.json({ object: "list", data: deps.gpu.instanceTypes() });
  });
  router.get("/gpu/instances", (req, res) => {
    res.json({ object: "list", data: deps.gpu.list(teamOf(req)) });
  });
  router.post("/gpu/instances", (req, res) => {
    const teamId = teamOf(req);
    res.status(201).json(deps.gpu.create(teamId, req.body));
  });
  router.get("/gpu/instances/:name", (req, res) => {
    res.json(deps.gpu.get(teamOf(req), nameOf(req)));
  });
  router.post("/gpu/instances/:name/stop", (req, res) => {
    res.json(deps.gpu.stop(teamOf(req), nameOf(req)));
  });
  router.post("/gpu/instances/:name/start", (req, res) => {
    res.json(deps.gpu.start(teamOf(req), nameOf(req)));
  });
  router.delete("/gpu/instances/:name", (req, res) => {
    res.json(deps.gpu.delete(teamOf(req), nameOf(req)));
  });
  return router;
}
