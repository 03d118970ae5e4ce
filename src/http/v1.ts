// The OpenAI surface: `server.api_keys` check on /v1/*, then chat completions and models.
import { Router } from "express";
import { apiKeyAuth } from "./auth.ts";
import { chatRouter, type ChatDeps } from "./chat.ts";
import { modelsRouter } from "./models.ts";

export function openAIRouter(deps: ChatDeps): Router {
  const router = Router();
  router.use("/v1", apiKeyAuth(deps.config.server.api_keys));
  router.use(chatRouter(deps));
  router.use(modelsRouter(deps));
  return router;
}
