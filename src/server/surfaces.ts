// createSurfaces(deps): the routers each mode serves, beside /healthz and /metrics. The only place
// that decides which HTTP surfaces exist; each feature adds its router here.
import type { Router } from "express";
import { invokeRouter } from "../http/invoke.ts";
import { quotaRouter } from "../http/quota.ts";
import type { AppDeps } from "./app.ts";
import type { UpstreamStack } from "./upstream.ts";

export type SurfaceDeps = Omit<AppDeps, "routers" | "upstream"> & { stack: UpstreamStack };

export function createSurfaces(deps: SurfaceDeps): Router[] {
  const routers = [invokeRouter({ upstream: deps.stack.upstream })];
  if (deps.stack.quota !== undefined) routers.push(quotaRouter({ config: deps.config, quota: deps.stack.quota }));
  return routers;
}
