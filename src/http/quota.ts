// GET /quota: the caller's `remaining_quota` (8 keys, PROXY.md), credentials resolved like /v1's.
import { Router } from "express";
import type { Config } from "../config/types.ts";
import { notFound, unauthorized } from "../shared/errors.ts";
import type { QuotaService } from "../upstream/quota.ts";
import { resolveCredentials } from "./credentials.ts";

export interface QuotaRouterDeps {
  config: Readonly<Config>;
  quota: QuotaService;
}

export function quotaRouter(deps: QuotaRouterDeps): Router {
  const router = Router();
  router.get("/quota", (req, res) => {
    const teamId = deps.quota.authenticate(resolveCredentials(req, deps.config));
    if (teamId === undefined) throw unauthorized("Unauthorized: invalid team_id or api_token");
    const quota = deps.quota.quota(teamId);
    if (quota === undefined)
      throw notFound(deps.quota.unknownReason ?? "No quota is known for this team.", "quota_unknown");
    res.json(quota);
  });
  return router;
}
