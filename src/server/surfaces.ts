// createSurfaces(deps): the routers each mode serves, beside /healthz and /metrics. The only place
// that decides which HTTP surfaces exist; each feature adds its router here.
import type { Router } from "express";
import type { AppDeps } from "./app.ts";
import type { UpstreamStack } from "./upstream.ts";

export type SurfaceDeps = Omit<AppDeps, "routers" | "upstream"> & { stack: UpstreamStack };

export function createSurfaces(_deps: SurfaceDeps): Router[] {
  return [];
}
