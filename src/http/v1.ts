// The OpenAI surface: `server.api_keys` check on /v1/*, chat completions (a hot route) and models.
import { Router } from "express";
import { chatRoute, type ChatDeps } from "./chat.ts";
import type { HotRoute } from "./exchange.ts";
import { modelsRouter } from "./models.ts";

export interface OpenAISurface {
  /** GET /v1/models[/id] and the API-key check on every other /v1 path Express sees. */
  router: Router;
  /** POST /v1/chat/completions, a face of the pipeline. */
  routes: HotRoute[];
}

export function openAISurface(deps: ChatDeps): OpenAISurface {
  const router = Router();
  router.use(modelsRouter(deps));
  return { router, routes: [chatRoute(deps)] };
}
