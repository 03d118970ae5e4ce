// GET /v1/models and /v1/models/{id} as Anthropic's API answers them, for clients that say they speak
// it (an `anthropic-version` header: every Anthropic SDK sends one). The OpenAI list at the same path
// has other fields, so an Anthropic SDK's `models.list()` / `models.retrieve()` read nothing useful from
// it. Without the header the request falls through to the OpenAI router (http/models.ts).
import { Router, type NextFunction, type Request, type Response } from "express";
import { anthropicNamesOf, resolveAnthropicModel } from "../../models/anthropic-names.ts";
import { MODELS, type ModelInfo, type ModelResolver } from "../../models/catalog.ts";
import { GatewayError, invalidRequest, notFound } from "../../shared/errors.ts";
import { quoteUser } from "../../shared/quote.ts";
import { writeAnthropicError } from "./errors.ts";

/**
 * Anthropic's ModelInfo object, every key its SDKs declare (the Python SDK's `ModelInfo`, the TypeScript
 * SDK's): a client sizing `max_tokens` from `max_tokens`, or a prompt from `max_input_tokens`, reads the
 * proxy model's own limits; the lifecycle is the gateway's (it serves every model it lists).
 */
interface AnthropicModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
  capabilities: null;
  deprecated_at: null;
  lifecycle: "active";
  line: "haiku" | "sonnet" | "opus" | null;
  max_input_tokens: number;
  max_tokens: number;
  retires_at: null;
}

/** `claude-sonnet-4-5-20250929` → "Claude Sonnet 4.5"; `claude-3-5-haiku-20241022` → "Claude Haiku 3.5". */
function displayName(name: string): string {
  const parts = name
    .replace(/-\d{8}$/, "")
    .split("-")
    .slice(1);
  const tier = parts.find((p) => /^[a-z]+$/.test(p)) ?? "";
  const version = parts.filter((p) => /^\d+$/.test(p)).join(".");
  return `Claude ${tier.charAt(0).toUpperCase()}${tier.slice(1)} ${version}`.trim();
}

const LINE = /-(haiku|sonnet|opus)-/;

function infoOf(name: string, model: ModelInfo): AnthropicModelInfo {
  const date = /-(\d{4})(\d{2})(\d{2})$/.exec(name);
  const created = date === null ? "2024-01-01" : `${date[1]}-${date[2]}-${date[3]}`;
  const line = LINE.exec(`-${name}-`)?.[1] as AnthropicModelInfo["line"] | undefined;
  return {
    type: "model",
    id: name,
    display_name: displayName(name),
    created_at: `${created}T00:00:00Z`,
    capabilities: null,
    deprecated_at: null,
    lifecycle: "active",
    line: line ?? null,
    max_input_tokens: model.contextWindow,
    max_tokens: model.maxOutputTokens,
    retires_at: null,
  };
}

/** The Claude models of the catalogue by their dated Anthropic name, newest first (as Anthropic lists). */
const LISTED: readonly AnthropicModelInfo[] = MODELS.flatMap((m: ModelInfo) => {
  const dated = anthropicNamesOf(m)[0];
  return dated === undefined ? [] : [infoOf(dated, m)];
}).sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));

const speaksAnthropic = (req: Request): boolean => req.headers["anthropic-version"] !== undefined;

/** `limit` (1–1000, default 20), `after_id` / `before_id` cursors, as Anthropic's list takes them. */
function page(query: Request["query"]): { data: AnthropicModelInfo[]; has_more: boolean } {
  const rawLimit = query.limit;
  const limit = rawLimit === undefined ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw invalidRequest("limit: must be an integer from 1 to 1000", "limit");
  const cursor = (key: "after_id" | "before_id"): number | undefined => {
    const id = query[key];
    if (id === undefined) return undefined;
    const at = LISTED.findIndex((m) => m.id === id);
    if (at < 0) throw invalidRequest(`${key}: no model ${quoteUser(String(id))} in the list`, key);
    return at;
  };
  const after = cursor("after_id");
  const before = cursor("before_id");
  const start = after === undefined ? 0 : after + 1;
  const end = before ?? LISTED.length;
  const data =
    before !== undefined && after === undefined
      ? LISTED.slice(Math.max(0, end - limit), end)
      : LISTED.slice(start, Math.min(end, start + limit));
  const last = data.at(-1);
  return { data, has_more: last !== undefined && LISTED.indexOf(last) < end - 1 };
}

export function anthropicModelsRouter(models: ModelResolver): Router {
  const router = Router();
  router.get("/v1/models", (req: Request, res: Response, next: NextFunction) => {
    if (!speaksAnthropic(req)) return next();
    try {
      const { data, has_more } = page(req.query);
      res.json({ data, has_more, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      writeAnthropicError(res, error);
    }
  });
  router.get("/v1/models/:id", (req: Request, res: Response, next: NextFunction) => {
    if (!speaksAnthropic(req)) return next();
    const id = String(req.params.id);
    const found = resolveAnthropicModel(models, id);
    if (found === undefined || found.via === "tier") {
      writeAnthropicError(
        res,
        notFound(`model: ${quoteUser(id)} is not a model this gateway serves`, "model_not_found", "model"),
      );
      return;
    }
    const dated = anthropicNamesOf(found.model)[0];
    // Anthropic answers with the canonical (dated) id whatever name was asked for.
    res.json(infoOf(dated ?? found.model.id, found.model));
  });
  return router;
}
