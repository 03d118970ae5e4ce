// What every inference face shares once it has translated its wire request into an InvokeRequest:
// the invoke context of the request (credentials, X-Cassette, X-Mock-Fault, client-gone), one upstream
// call (its result already classified by upstream/result.ts), the journal's cost, the x-bedrock-* headers, and
// the simulated stream pacing. A face (chat completions, Anthropic messages, responses, Bedrock runtime)
// is a HotRoute that parses, calls `invokeAnswer`, translates back and writes in its own format.
import { setTimeout as delay } from "node:timers/promises";
import type { ServerResponse } from "node:http";
import type { Config } from "../config/types.ts";
import { modelByAnthropicName } from "../models/anthropic-names.ts";
import type { ModelInfo, ModelResolver } from "../models/catalog.ts";
import { notFound } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import type { IdSource } from "../shared/ids.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import type {
  InvokeContext,
  InvokeMetadata,
  InvokeRequest,
  InvokeResponse,
  UpstreamClient,
} from "../upstream/types.ts";
import type { LazyAbort } from "./cancel.ts";
import { resolveCredentials } from "./credentials.ts";
import type { Exchange } from "./exchange.ts";
import { ExchangeInvokeContext } from "./invoke-context.ts";
import type { StreamOptions } from "./stream-events.ts";

/** What a face needs from the composition root (server/surfaces.ts). */
export interface FaceDeps {
  config: Readonly<Config>;
  /** The upstream as faces see it: retrying retryable failures (CONTRACT §5, X-Mock-Fault on every try). */
  upstream: UpstreamClient;
  models: ModelResolver;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
  /** Request-path metrics (bpg_cost_usd_total is counted where the upstream is composed, for every surface). */
  metrics?: Metrics;
  /**
   * Simulated tokens per second when streaming a finished answer (mock.stream_tokens_per_second while
   * the simulator answers); 0 or absent: no pacing. Decided by server/, which knows the upstream.
   */
  streamTokensPerSecond?: number;
}

/**
 * The model a request names (a Bedrock id, an alias, or the exact Anthropic API name of a Claude model —
 * code moved from Anthropic's OpenAI-compatible endpoint keeps its `claude-3-5-haiku-20241022`), or the
 * OpenAI 404 `model_not_found`. Unknown `claude-*` names are not guessed here: that tier fallback is the
 * Anthropic face's (CONTRACT §3b).
 */
export function resolveModel(models: ModelResolver, name: string): ModelInfo {
  const model = models.resolve(name) ?? modelByAnthropicName(name);
  if (model !== undefined) return model;
  throw notFound(models.unknown(name), "model_not_found", "model");
}

/** The invoke context of one face request: the caller's credentials, its headers, the client going away. */
export function invokeContextOf(x: Exchange, config: Readonly<Config>): ExchangeInvokeContext {
  return new ExchangeInvokeContext(x, resolveCredentials(x.req, config));
}

/** One upstream call: its typed answer, or its typed error thrown. */
export async function invokeAnswer(
  deps: Pick<FaceDeps, "upstream" | "metrics">,
  request: InvokeRequest,
  context: InvokeContext,
): Promise<InvokeResponse> {
  const response = await deps.upstream.invoke(request, context);
  if (!response.ok) throw response.error;
  // Its cost is counted where the upstream is composed (server/cost-metric.ts), for every surface; the
  // request's trace (the journal) notes it here.
  const { answer } = response;
  const cost = answer.metadata.cost_usd;
  if (context.trace !== undefined && typeof cost === "number" && Number.isFinite(cost) && cost > 0)
    context.trace.costUsd = (context.trace.costUsd ?? 0) + cost;
  return answer;
}

/** `n` upstream calls of one request (n > 1 choices); when one fails, its siblings are cancelled and awaited. */
export async function invokeAnswers(
  deps: Pick<FaceDeps, "upstream" | "metrics">,
  request: InvokeRequest,
  context: ExchangeInvokeContext,
  n: number,
  abort: LazyAbort,
): Promise<InvokeResponse[]> {
  if (n === 1) return [await invokeAnswer(deps, request, context)];
  const calls = Array.from({ length: n }, (_, i) => invokeAnswer(deps, request, context.forChoice(i)));
  try {
    return await Promise.all(calls);
  } catch (error) {
    abort.abort(); // the sibling calls of a failed choice are no longer needed
    await Promise.allSettled(calls);
    throw error;
  }
}

/** The upstream metadata summarised in headers (CONTRACT §3), on every face. */
export function setBedrockHeaders(
  res: ServerResponse,
  cost: number | undefined,
  metadata: InvokeMetadata | undefined,
): void {
  if (cost !== undefined) res.setHeader("x-bedrock-cost-usd", String(cost));
  const quota = metadata?.remaining_quota as
    { remaining_budget?: unknown; budget_limit?: unknown } | undefined;
  if (typeof quota?.remaining_budget === "number")
    res.setHeader("x-bedrock-remaining-budget", String(quota.remaining_budget));
  if (typeof quota?.budget_limit === "number")
    res.setHeader("x-bedrock-budget-limit", String(quota.budget_limit));
}

/**
 * The pause after streaming `text` (about 4 characters per token at the simulated rate), or undefined
 * when streams are not paced. Faces call it with the text of each event they write.
 */
export function streamPacing(
  deps: Pick<FaceDeps, "streamTokensPerSecond">,
): ((text: string) => number) | undefined {
  const tps = deps.streamTokensPerSecond ?? 0;
  if (tps <= 0) return undefined;
  return (text) => (text === "" ? 0 : (Math.max(1, Math.ceil(text.length / 4)) / tps) * 1000);
}

/** Wait, or stop waiting as soon as the client leaves (the listener is removed either way). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * The options of a face's stream walk (`streamEvents`): pacing, the client going away, and the request's
 * mid-stream fault with the way to cut this connection. Faces take them from here so every face gets the
 * same faults.
 */
export function streamOptionsOf<E>(
  x: Exchange,
  context: ExchangeInvokeContext,
  deps: Pick<FaceDeps, "logger" | "streamTokensPerSecond">,
  textOf: (event: E) => string,
): StreamOptions<E> {
  return {
    textOf,
    pace: streamPacing(deps),
    signal: context.abort.signal,
    logger: deps.logger,
    requestId: x.record.requestId,
    fault: context.streamFault,
    cut: () => cutConnection(x),
    streams: x.streams,
    onInternalError: x.record.onInternalError,
  };
}

/**
 * Drop the connection mid-answer, as a failing network would: what was written goes out first (the
 * writers cork a tick's frames), then the response is destroyed without its end.
 */
async function cutConnection(x: Exchange): Promise<void> {
  x.record.errorCode = "stream_cut";
  await new Promise((resolve) => setImmediate(resolve));
  x.res.destroy();
}
