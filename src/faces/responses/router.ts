// GET /v1/responses/{id}, DELETE /v1/responses/{id} and GET /v1/responses/{id}/input_items: the stored
// responses of the caller's team (CONTRACT §3c), behind the pipeline's `server.api_keys` check. Unknown ids 404.
import type { IncomingMessage } from "node:http";
import { Router } from "express";
import type { Config } from "../../config/types.ts";
import { resolveCredentials } from "../../http/credentials.ts";
import { invalidRequest, notFound } from "../../shared/errors.ts";
import { oneOf, optionalInteger } from "../../openai/read.ts";
import type { ResponseStore, StoredResponse } from "./store.ts";
import type { ResponseInputItem } from "./types.ts";

export interface ResponsesRouterDeps {
  config: Readonly<Config>;
  store: ResponseStore;
}

/** An input item as the API lists it: with an id (made from the response's when the client gave none) and a status. */
function listed(item: ResponseInputItem, i: number, token: string): Record<string, unknown> {
  const id =
    item.id ??
    `${item.type === "message" ? "msg" : item.type === "function_call" ? "fc" : "fco"}_${token}_in${i}`;
  if (item.type !== "message") return { ...item, id, status: "completed" };
  // Assistant turns are output messages; their text parts carry annotations and logprobs.
  const content =
    item.role === "assistant"
      ? item.content.map((p) => ({ ...p, annotations: [], logprobs: [] }))
      : item.content;
  return { ...item, id, status: "completed", content };
}

function inputItems(stored: StoredResponse, query: Record<string, unknown>): Record<string, unknown> {
  const order = query.order === undefined ? "desc" : oneOf(query.order, "order", ["asc", "desc"] as const);
  const limit =
    optionalInteger(query.limit === undefined ? undefined : Number(query.limit), "limit", 1, 100) ?? 20;
  const token = stored.response.id.slice("resp_".length);
  let items = stored.input.map((item, i) => listed(item, i, token));
  if (order === "desc") items = items.reverse();
  if (typeof query.after === "string") {
    const at = items.findIndex((item) => item.id === query.after);
    if (at < 0) throw invalidRequest(`No input item with id '${query.after}'.`, "after", "invalid_value");
    items = items.slice(at + 1);
  }
  const data = items.slice(0, limit);
  return {
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: items.length > limit,
  };
}

export function responsesRouter(deps: ResponsesRouterDeps): Router {
  const { config, store } = deps;
  const router = Router();
  const teamOf = (req: IncomingMessage): string => resolveCredentials(req, config)?.teamId ?? "";
  const find = (req: IncomingMessage, id: string): StoredResponse => {
    const stored = store.get(teamOf(req), id);
    if (stored === undefined)
      throw notFound(`Response with id '${id}' not found.`, "response_not_found", "response_id");
    return stored;
  };
  router.get("/v1/responses/:id", (req, res) => {
    res.json(find(req, req.params.id).response);
  });
  router.delete("/v1/responses/:id", (req, res) => {
    const { id } = req.params;
    if (!store.delete(teamOf(req), id))
      throw notFound(`Response with id '${id}' not found.`, "response_not_found", "response_id");
    res.json({ id, object: "response", deleted: true });
  });
  router.get("/v1/responses/:id/input_items", (req, res) => {
    res.json(inputItems(find(req, req.params.id), req.query as Record<string, unknown>));
  });
  return router;
}
