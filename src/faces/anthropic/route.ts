// POST /v1/messages and /v1/messages/count_tokens (CONTRACT §3b), served by the hot lane through the
// shared core: parse → model → translate → one upstream call (http/face.ts) → Message → JSON, or the
// Anthropic event stream through streamEvents. Errors before the first byte are Anthropic error bodies
// (errors.ts, the route's writeError); after it, `event: error`. Also `HEAD /`, which Claude Code probes.
import { Router } from "express";
import type { Exchange, HotRoute } from "../../http/exchange.ts";
import {
  invokeAnswer,
  invokeContextOf,
  setBedrockHeaders,
  streamOptionsOf,
  type FaceDeps,
} from "../../http/face.ts";
import { sendJson } from "../../http/send.ts";
import { createSseWriter } from "../../http/sse.ts";
import { streamEvents, type EventWriter } from "../../http/stream-events.ts";
import { resolveAnthropicModel, type AnthropicModel } from "../../models/anthropic-names.ts";
import type { ModelInfo } from "../../models/catalog.ts";
import { notFound } from "../../shared/errors.ts";
import { quoteUser } from "../../shared/quote.ts";
import type { InvokeRequest } from "../../upstream/types.ts";
import { anthropicErrorBody, requestIdOf, writeAnthropicError } from "./errors.ts";
import { toMessage } from "./from-invoke.ts";
import { parseCountTokensParams, parseMessageCreateParams } from "./parse.ts";
import { eventText, toStreamEvents } from "./stream.ts";
import { toInvokeConversation, toInvokeRequest } from "./to-invoke.ts";
import type { MessageStreamEvent } from "./types.ts";

export interface AnthropicDeps extends FaceDeps {
  /**
   * Input tokens of an invoke request, for count_tokens (the proxy has no such call): the simulator's
   * tokenizer, handed in by server/ so the face never imports an upstream implementation. A large
   * request is counted in slices, with turns of the event loop between.
   */
  countInputTokens(request: InvokeRequest, model: ModelInfo): Promise<number>;
}

/** Anthropic events as named SSE frames: `event: <type>` then its data; the error is `event: error`. */
export function eventWriter(x: Pick<Exchange, "res" | "record">): EventWriter<MessageStreamEvent> {
  const sse = createSseWriter(x.res);
  return {
    open: () => sse.open(),
    send: (event) => sse.send(event, event.type),
    done: () => sse.end(),
    fail: (error) => sse.fail(anthropicErrorBody(error, x.record.requestId), "error"),
    get closed() {
      return sse.closed;
    },
  };
}

function resolveModel(deps: FaceDeps, name: string): AnthropicModel {
  const resolved = resolveAnthropicModel(deps.models, name);
  if (resolved === undefined) {
    throw notFound(
      `model: ${quoteUser(name)} is not served. Use a Claude model name (claude-sonnet-4-5, …), a Bedrock id, or an alias (GET /v1/models).`,
      "model_not_found",
      "model",
    );
  }
  return resolved;
}

/** Headers every answer of the face carries once the model is known. */
function setFaceHeaders(x: Exchange, modelId: string, dropped: readonly string[]): void {
  const requestId = requestIdOf(x.res);
  if (requestId !== undefined) x.res.setHeader("request-id", requestId);
  x.res.setHeader("x-bedrock-model", modelId);
  if (dropped.length > 0) x.res.setHeader("x-bedrock-dropped", dropped.join(", "));
}

export function messagesRoutes(deps: AnthropicDeps): HotRoute[] {
  const { config } = deps;
  const systemPrompt = config.translation.system_prompt;

  const messages: HotRoute = {
    paths: ["/v1/messages"],
    face: "messages",
    writeError: writeAnthropicError,
    async handle(x) {
      const { params, dropped } = parseMessageCreateParams(x.body);
      const { model } = resolveModel(deps, params.model);
      const translated = toInvokeRequest(params, model, systemPrompt);
      x.record.logFields = params.stream ? { model: model.id, stream: true } : { model: model.id };
      setFaceHeaders(x, model.id, [...dropped, ...translated.dropped]);

      const context = invokeContextOf(x, config);
      const answer = await invokeAnswer(deps, translated.request, context);
      const message = toMessage(answer, translated.plan, `msg_bdrk_${deps.ids.token(24)}`);
      const cost = answer.metadata.cost_usd;
      setBedrockHeaders(x.res, typeof cost === "number" ? cost : undefined, answer.metadata);
      if (!params.stream) {
        sendJson(x.res, message);
        return;
      }
      await streamEvents(
        eventWriter(x),
        toStreamEvents(message),
        streamOptionsOf(x, context, deps, eventText),
      );
    },
  };

  const countTokens: HotRoute = {
    paths: ["/v1/messages/count_tokens"],
    face: "messages",
    writeError: writeAnthropicError,
    async handle(x) {
      const { params, dropped } = parseCountTokensParams(x.body);
      const { model } = resolveModel(deps, params.model);
      const { request } = toInvokeConversation(params, model, systemPrompt);
      x.record.logFields = { model: model.id };
      setFaceHeaders(x, model.id, dropped);
      sendJson(x.res, { input_tokens: await deps.countInputTokens(request, model) });
    },
  };
  return [messages, countTokens];
}

/**
 * `HEAD /`: Claude Code probes the base URL before its first call. Only HEAD: `GET /` belongs to the
 * dashboard.
 */
export function rootProbeRouter(): Router {
  const router = Router();
  router.head("/", (_req, res) => {
    res.status(200).end();
  });
  return router;
}
