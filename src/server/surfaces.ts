// createSurfaces(deps): the routers each mode serves, beside /healthz and /metrics. The only place
// that decides which HTTP surfaces exist; each feature adds its router here.
import type { Router } from "express";
import { adminRouter } from "../http/admin.ts";
import { gpuRouter } from "../http/gpu.ts";
import { createTeamDirectory } from "../upstream/mock/teams.ts";
import type { AppDeps } from "./app.ts";
import type { UpstreamStack } from "./upstream.ts";

export type SurfaceDeps = Omit<AppDeps, "routers" | "upstream"> & { stack: UpstreamStack };

export function createSurfaces(deps: SurfaceDeps): Router[] {
  const routers: Router[] = [];
  const { accounting } = deps.stack;
  if (accounting !== undefined) {
    const teams = createTeamDirectory(deps.config.mock.teams);
    const authenticate = (credentials: Parameters<typeof teams.authenticate>[0]) => teams.authenticate(credentials)?.team_id;
    routers.push(gpuRouter({ config: deps.config, gpu: accounting.gpu, authenticate }));
    routers.push(adminRouter({ admin: accounting.admin, adminKey: deps.config.server.admin_key }));
  }
  return routers;
}
