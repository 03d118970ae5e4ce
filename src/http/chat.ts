// POST /v1/chat/completions: parse → resolve the model → translate → one upstream call per choice →
// translate back → JSON, or SSE chunks through the SSE writer. Errors before the first byte are normal
// HTTP errors (the one error renderer, via the hot lane); after it, the writer's error frame.
import { setTimeout as delay } from "node:timers/promises";
import type { ServerResponse } from "node:http";
import type { Config } from "../config/types.ts";
import type { ModelResolver } from "../models/catalog.ts";
import { parseChatCompletionCreateParams } from "../openai/parse.ts";
import type { ChatCompletion, ChatCompletionChunk } from "../openai/types.ts";
import type { Clock } from "../shared/clock.ts";
import { notFound } from "../shared/errors.ts";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import { invokeResponseOf } from "../upstream/invoke-response.ts";
import { toInvokeRequest } from "../translation/request.ts";
import { toChatCompletion } from "../translation/response.ts";
import { toChunks } from "../translation/stream.ts";
import { errorFromUpstream } from "../upstream/errors.ts";
import type { InvokeContext, InvokeRequest, InvokeResponse, UpstreamClient } from "../upstream/types.ts";
import { resolveCredentials, usesSimulator } from "./credentials.ts";
import type { Exchange, HotRoute } from "./exchange.ts";
import { openAIErrorBody, toGatewayError } from "./errors.ts";
import { sendJson } from "./send.ts";
import { apiKeyCheck } from "./auth.ts";
import type { LazyAbort } from "./cancel.ts";
import { ExchangeInvokeContext } from "./invoke-context.ts";
import { createSseWriter } from "./sse.ts";

export interface ChatDeps {
  config: Readonly<Config>;
  upstream: UpstreamClient;
  models: ModelResolver;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
  /** Counts the upstream cost of every answer (bpg_cost_usd_total). */
  metrics?: Metrics;
}

async function invokeOnce(
  deps: Pick<ChatDeps, "upstream" | "metrics">,
  request: InvokeRequest,
  context: InvokeContext,
): Promise<InvokeResponse> {
  const response = await deps.upstream.invoke(request, context);
  if (response.status < 200 || response.status >= 300) throw errorFromUpstream(response);
  const answer = invokeResponseOf(response);
  const cost = answer.metadata.cost_usd;
  if (typeof cost === "number" && Number.isFinite(cost) && cost > 0)
    deps.metrics?.costUsd.inc(request.model, () => ({ model: request.model }), cost);
  return answer;
}

/** One upstream call per choice (n > 1); when one fails, its siblings are cancelled and awaited. */
async function invokeChoices(
  deps: Pick<ChatDeps, "upstream" | "metrics">,
  request: InvokeRequest,
  context: ExchangeInvokeContext,
  n: number,
  abort: LazyAbort,
): Promise<InvokeResponse[]> {
  const calls = Array.from({ length: n }, (_, i) => invokeOnce(deps, request, context.forChoice(i)));
  try {
    return await Promise.all(calls);
  } catch (error) {
    abort.abort(); // the sibling calls of a failed choice are no longer needed
    await Promise.allSettled(calls);
    throw error;
  }
}

/** The upstream metadata, summarised in headers (CONTRACT §3). */
function setBedrockHeaders(res: ServerResponse, completion: ChatCompletion): void {
  if (completion.usage.cost !== undefined) res.setHeader("x-bedrock-cost-usd", String(completion.usage.cost));
  const quota = (completion.bedrock as { remaining_quota?: Record<string, unknown> } | undefined)
    ?.remaining_quota;
  if (typeof quota?.remaining_budget === "number")
    res.setHeader("x-bedrock-remaining-budget", String(quota.remaining_budget));
  if (typeof quota?.budget_limit === "number")
    res.setHeader("x-bedrock-budget-limit", String(quota.budget_limit));
}

/** Wait, or stop waiting as soon as the client leaves (the listener is removed either way). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

/** Simulated token pacing (mock.stream_tokens_per_second): about 4 characters per token. */
function pacing(config: Readonly<Config>): ((chunk: ChatCompletionChunk) => number) | undefined {
  const tps = config.mock.stream_tokens_per_second;
  if (!usesSimulator(config) || tps <= 0) return undefined;
  return (chunk) => {
    const delta = chunk.choices[0]?.delta;
    const text =
      (delta?.content ?? "") +
      (delta?.reasoning_content ?? "") +
      (delta?.tool_calls?.[0]?.function.arguments ?? "");
    return text === "" ? 0 : (Math.max(1, Math.ceil(text.length / 4)) / tps) * 1000;
  };
}

async function stream(
  x: Exchange,
  chunks: readonly ChatCompletionChunk[],
  pace: ((c: ChatCompletionChunk) => number) | undefined,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  const writer = createSseWriter(x.res);
  writer.open();
  try {
    for (const chunk of chunks) {
      if (writer.closed) return;
      await writer.send(chunk);
      const ms = pace?.(chunk) ?? 0;
      if (ms > 0) await sleep(ms, signal);
    }
    writer.done();
  } catch (error) {
    const typed = toGatewayError(error);
    if (typed.code === "internal_error")
      logger.error({ err: error, requestId: x.record.requestId }, "stream failed");
    writer.fail(openAIErrorBody(typed));
  }
}

/** POST /v1/chat/completions, served by the hot lane (the /v1 API-key check runs before the body is read). */
export function chatRoute(deps: ChatDeps): HotRoute {
  const { config } = deps;
  const options = {
    systemPrompt: config.translation.system_prompt,
    toolEmulation: config.translation.tool_emulation,
    maxN: config.translation.max_n,
  };
  const pace = pacing(config);

  return {
    paths: ["/v1/chat/completions"],
    authorize: apiKeyCheck(config.server.api_keys),
    async handle(x) {
      const params = parseChatCompletionCreateParams(x.body);
      const model = deps.models.resolve(params.model);
      if (model === undefined) {
        throw notFound(
          `The model '${params.model}' does not exist. GET /v1/models lists the models and aliases served.`,
          "model_not_found",
          "model",
        );
      }
      const { request, plan } = toInvokeRequest(params, model, options);
      // The model always; n and stream when they differ from a plain call.
      x.record.logFields =
        params.n === 1 && !params.stream
          ? { model: model.id }
          : { model: model.id, n: params.n, stream: params.stream };

      // Stop upstream work (and retries) when the client goes away.
      const context = new ExchangeInvokeContext(x, resolveCredentials(x.req, config));
      const { abort } = context;
      const { res } = x;
      const answers =
        params.n === 1
          ? [await invokeOnce(deps, request, context)]
          : await invokeChoices(deps, request, context, params.n, abort);
      const completion = toChatCompletion(answers, plan, {
        id: `chatcmpl-${deps.ids.token(29)}`,
        created: Math.floor(deps.clock.now() / 1000),
      });
      setBedrockHeaders(res, completion);
      if (!params.stream) {
        sendJson(res, completion);
        return;
      }
      await stream(
        x,
        toChunks(completion, { includeUsage: params.stream_options?.include_usage === true }),
        pace,
        abort.signal,
        deps.logger,
      );
    },
  };
}
