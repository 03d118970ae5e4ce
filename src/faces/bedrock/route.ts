// POST /model/{modelId}/invoke, /invoke-with-response-stream, /converse, /converse-stream and
// /count-tokens: the Bedrock Runtime face (CONTRACT §3d). Each parses its wire body, resolves the model (an id, a bare id
// or an inference-profile ARN), translates to one invoke request, makes the one upstream call of the
// shared core, and answers in Bedrock's shape: JSON, or AWS event-stream messages through streamEvents.
import type { ServerResponse } from "node:http";
import {
  invokeAnswer,
  invokeContextOf,
  setBedrockHeaders,
  streamOptionsOf,
  type FaceDeps,
} from "../../http/face.ts";
import type { Exchange, HotRoute } from "../../http/exchange.ts";
import type { ExchangeInvokeContext } from "../../http/invoke-context.ts";
import { sendJson } from "../../http/send.ts";
import { streamEvents } from "../../http/stream-events.ts";
import type { ModelInfo } from "../../models/catalog.ts";
import { invalidRequest, notFound } from "../../shared/errors.ts";
import { quoteUser } from "../../shared/quote.ts";
import type { InvokeRequest, InvokeResponse } from "../../upstream/types.ts";
import { converseToInvoke, invokeToConverse, type ConverseOptions } from "./converse.ts";
import { converseStreamEvents, eventText } from "./converse-stream.ts";
import { countTokensRequest } from "./count-tokens.ts";
import { writeBedrockError } from "./errors.ts";
import { eventStreamWriter } from "./eventstream.ts";
import { NATIVE_FAMILIES, nativeBody } from "./native.ts";
import type { BedrockEvent } from "./wire.ts";

export interface BedrockDeps extends FaceDeps {
  /**
   * Input tokens of an invoke request, for CountTokens (the proxy has no such call): the simulator's
   * tokenizer, handed in by server/ so the face never imports an upstream implementation. It may be
   * asynchronous (a long prompt is counted in slices that yield to the event loop).
   */
  countInputTokens(request: InvokeRequest, model: ModelInfo): number | Promise<number>;
}

type Operation = "invoke" | "invoke-with-response-stream" | "converse" | "converse-stream" | "count-tokens";

/**
 * The model of a path's `modelId`: a Bedrock id, a bare id, an alias, or an ARN whose last segment is
 * one (`arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-…`).
 */
function resolveModel(deps: BedrockDeps, modelId: string): ModelInfo {
  const id = modelId.startsWith("arn:") ? modelId.slice(modelId.lastIndexOf("/") + 1) : modelId;
  const model = deps.models.resolve(id);
  // Bedrock answers an unknown id with this ValidationException (PROXY.md "Errors").
  if (model === undefined) throw invalidRequest("The provided model identifier is invalid.", "modelId");
  return model;
}

/** Bedrock's InvokeModel response headers (API reference: InvokeModel, response elements). */
function setInvocationHeaders(res: ServerResponse, answer: InvokeResponse): void {
  res.setHeader("x-amzn-bedrock-input-token-count", String(answer.usage.input_tokens));
  res.setHeader("x-amzn-bedrock-output-token-count", String(answer.usage.output_tokens));
  res.setHeader("x-amzn-bedrock-invocation-latency", String(Math.round(answer.metadata.latency_ms ?? 0)));
}

export function bedrockRoutes(deps: BedrockDeps): HotRoute[] {
  const options: ConverseOptions = { systemPrompt: deps.config.translation.system_prompt };

  /** Parse → one upstream call, with the headers every answer carries; the rest is the operation's. */
  async function call(x: Exchange, toInvoke: (model: ModelInfo) => InvokeRequest) {
    const model = resolveModel(deps, x.params.modelId ?? "");
    const request = toInvoke(model);
    x.record.logFields = { model: model.id };
    const context = invokeContextOf(x, deps.config);
    const answer = await invokeAnswer(deps, request, context);
    setBedrockHeaders(x.res, answer.metadata.cost_usd, answer.metadata);
    return { model, request, answer, context };
  }

  function stream(
    x: Exchange,
    operation: "converse" | "invoke",
    events: BedrockEvent[],
    context: ExchangeInvokeContext,
  ) {
    const writer = eventStreamWriter(x.res, x.record.requestId, operation);
    return streamEvents(writer, events, streamOptionsOf(x, context, deps, eventText));
  }

  const handlers: Record<Operation, (x: Exchange) => Promise<void>> = {
    async invoke(x) {
      const body = nativeBody(x.body);
      const { model, request, answer } = await call(x, (m) =>
        NATIVE_FAMILIES[m.family.id].toInvoke(body, m, options),
      );
      setInvocationHeaders(x.res, answer);
      x.res.setHeader("x-amzn-RequestId", x.record.requestId);
      sendJson(
        x.res,
        NATIVE_FAMILIES[model.family.id].toResponse(answer, { request, model, id: deps.ids.token(24) }),
      );
    },
    async "invoke-with-response-stream"(x) {
      const body = nativeBody(x.body);
      const { model, request, answer, context } = await call(x, (m) =>
        NATIVE_FAMILIES[m.family.id].toInvoke(body, m, options),
      );
      const native = NATIVE_FAMILIES[model.family.id].toStreamEvents(answer, {
        request,
        model,
        id: deps.ids.token(24),
      });
      // Each native event travels base64-encoded in a `chunk` event's `bytes` (API reference: PayloadPart).
      const events = native.map((e) => ({
        type: "chunk",
        payload: { bytes: Buffer.from(JSON.stringify(e)).toString("base64") },
      }));
      await stream(x, "invoke", events, context);
    },
    async converse(x) {
      const { model, request, answer } = await call(x, (m) => converseToInvoke(x.body, m, options));
      x.res.setHeader("x-amzn-RequestId", x.record.requestId);
      sendJson(x.res, invokeToConverse(answer, request, model));
    },
    async "converse-stream"(x) {
      const { model, request, answer, context } = await call(x, (m) => converseToInvoke(x.body, m, options));
      await stream(x, "converse", converseStreamEvents(invokeToConverse(answer, request, model)), context);
    },
    // No upstream call: counted locally, free, as the Anthropic face's count_tokens.
    async "count-tokens"(x) {
      const model = resolveModel(deps, x.params.modelId ?? "");
      const request = countTokensRequest(x.body, model, options);
      x.record.logFields = { model: model.id };
      x.res.setHeader("x-amzn-RequestId", x.record.requestId);
      sendJson(x.res, { inputTokens: await deps.countInputTokens(request, model) });
    },
  };

  const operations = Object.keys(handlers) as Operation[];
  // Any other operation under /model/ (a newer SDK's, e.g. invoke-with-bidirectional-stream) gets an
  // AWS error the SDK can read, naming what is served, not the OpenAI-shaped 404 of unknown routes.
  const unknown: HotRoute = {
    paths: [],
    patterns: [/\/model\/(?<modelId>[^/]+)\/(?<operation>[^/]+)/],
    face: "bedrock-invoke",
    label: "/model/{modelId}/{operation}",
    writeError: writeBedrockError,
    handle: (x) => {
      throw notFound(
        `The operation ${quoteUser(x.params.operation ?? "")} is not served by the gateway. Served under /model/{modelId}/: ${operations.join(", ")}.`,
        "unknown_operation",
      );
    },
  };
  return [
    ...operations.map((operation) => ({
      paths: [],
      patterns: [new RegExp(`/model/(?<modelId>[^/]+)/${operation}`)],
      face: operation.startsWith("converse") ? "converse" : "bedrock-invoke",
      label: `/model/{modelId}/${operation}`,
      writeError: writeBedrockError,
      handle: handlers[operation],
    })),
    unknown,
  ];
}
