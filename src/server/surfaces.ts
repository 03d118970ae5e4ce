// createSurfaces(deps): the routers each mode serves, beside /healthz and /metrics. The only place
// that decides which HTTP surfaces exist; each feature adds its router here.
import type { Router } from "express";
import { openAIRouter } from "../http/v1.ts";
import { createModelResolver } from "../models/catalog.ts";
import { withRetries } from "../upstream/retry.ts";
import type { AppDeps } from "./app.ts";
import type { UpstreamStack } from "./upstream.ts";

export type SurfaceDeps = Omit<AppDeps, "routers" | "upstream"> & { stack: UpstreamStack };

export function createSurfaces(deps: SurfaceDeps): Router[] {
  const models = createModelResolver(deps.config.models.aliases);
  // /v1 retries retryable upstream failures (whatever the mode, so X-Mock-Fault reaches every attempt,
  // CONTRACT §5); /prod/invoke stays a faithful proxy and passes failures on as they came.
  const upstream = withRetries(deps.stack.upstream, { retries: deps.config.upstream.retries });
  return [openAIRouter({ ...deps, upstream, models })];
}
