// GET /v1/models and GET /v1/models/{id}: the 28 proxy models plus aliases, each with capabilities,
// prices and limits (CONTRACT §3), from the one model registry.
import { Router } from "express";
import { MODELS, type ModelInfo, type ModelResolver } from "../models/catalog.ts";
import type { OpenAIModel } from "../openai/types.ts";
import { notFound } from "../shared/errors.ts";
import { quoteUser } from "./log-path.ts";

/** Release date from the id when it has one (`…-20240307-…`), else a fixed date: deterministic output. */
function created(id: string): number {
  const date = /-(20\d{2})(\d{2})(\d{2})-/.exec(id);
  const ms =
    date === null ? Date.UTC(2024, 0, 1) : Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  return Math.floor(ms / 1000);
}

export function toOpenAIModel(model: ModelInfo, alias?: string): OpenAIModel {
  return {
    id: alias ?? model.id,
    object: "model",
    created: created(model.id),
    owned_by: model.family.owner,
    ...(alias === undefined ? {} : { alias_for: model.id }),
    capabilities: {
      tools: model.capabilities.tools,
      vision: model.capabilities.vision,
      structured_output: model.capabilities.structuredOutput,
    },
    pricing: { input_usd_per_mtok: model.inputUsdPerMtok, output_usd_per_mtok: model.outputUsdPerMtok },
    context_window: model.contextWindow,
    max_output_tokens: model.maxOutputTokens,
  };
}

export function modelsRouter(deps: { models: ModelResolver }): Router {
  const router = Router();
  const aliases = Object.entries(deps.models.aliases).flatMap(([alias]) => {
    const model = deps.models.resolve(alias);
    return model === undefined ? [] : [toOpenAIModel(model, alias)];
  });
  const list = { object: "list", data: [...MODELS.map((m) => toOpenAIModel(m)), ...aliases] };

  router.get("/v1/models", (_req, res) => {
    res.json(list);
  });
  router.get("/v1/models/:id", (req, res) => {
    const id = req.params.id;
    const model = deps.models.resolve(id);
    if (model === undefined) {
      throw notFound(
        `The model ${quoteUser(id)} does not exist. GET /v1/models lists the models and aliases served.`,
        "model_not_found",
        "model",
      );
    }
    res.json(toOpenAIModel(model, model.id === id ? undefined : id));
  });
  return router;
}
