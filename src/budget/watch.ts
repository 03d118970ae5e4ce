// withSpendWatch(inner, onAnswer): a decorator with the UpstreamClient interface that reads what every
// successful answer reports — model, tokens, cost and the team's remaining_quota — whichever face asked
// and whatever answered (simulator, real proxy, cassette). The dashboard's per-model figures and, where
// no simulator keeps a ledger, the teams' budgets come from here.
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import type { InvokeContext, InvokeRequest, UpstreamClient, UpstreamResponse } from "../upstream/types.ts";

/** What one successful answer reported. */
export interface SpendObservation {
  teamId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** metadata.cost_usd (0 when absent). */
  costUsd: number;
  /** metadata.remaining_quota, when the answer carried a well-formed one. */
  quota: RemainingQuota | undefined;
  /** False for a budget refusal (429): it reports the quota, but nothing was spent. */
  charged: boolean;
}

const QUOTA_KEYS = [
  "requests_today",
  "tokens_today",
  "llm_cost",
  "gpu_cost",
  "total_cost",
  "budget_limit",
  "remaining_budget",
  "budget_usage_percent",
] as const;

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function quotaOf(value: unknown): RemainingQuota | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  return QUOTA_KEYS.every((k) => finite(record[k])) ? (value as RemainingQuota) : undefined;
}

/** A budget refusal's quota (the proxy's 429 carries `remaining_quota`, PROXY.md; the result holds it). */
function refusal(teamId: string, model: string, reported: unknown): SpendObservation | undefined {
  const quota = quotaOf(reported);
  if (quota === undefined) return undefined;
  return { teamId, model, inputTokens: 0, outputTokens: 0, costUsd: 0, quota, charged: false };
}

/**
 * What an answer reports: a successful one its tokens, cost and quota; a budget refusal (429) its quota
 * (so the dashboard shows the exhausted budget); anything else nothing.
 */
export function observe(
  request: Pick<InvokeRequest, "model">,
  context: Pick<InvokeContext, "credentials">,
  response: UpstreamResponse,
): SpendObservation | undefined {
  if (context.credentials === undefined) return undefined;
  if (!response.ok) {
    return response.status === 429
      ? refusal(context.credentials.teamId, request.model, response.quota)
      : undefined;
  }
  // The typed answer, shared with the faces and the cost metric (an answer the simulator built in
  // memory is read as it was built, never serialised and parsed back).
  const usage = response.answer.usage as { input_tokens?: unknown; output_tokens?: unknown };
  const metadata = response.answer.metadata as { cost_usd?: unknown; remaining_quota?: unknown };
  if (!finite(usage.input_tokens) || !finite(usage.output_tokens)) return undefined;
  return {
    teamId: context.credentials.teamId,
    model: request.model,
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    costUsd: finite(metadata.cost_usd) ? metadata.cost_usd : 0,
    quota: quotaOf(metadata.remaining_quota),
    charged: true,
  };
}

export function withSpendWatch(
  inner: UpstreamClient,
  onAnswer: (observation: SpendObservation) => void,
): UpstreamClient {
  return {
    async invoke(request, context) {
      const response = await inner.invoke(request, context);
      const seen = observe(request, context, response);
      if (seen !== undefined) onAnswer(seen);
      return response;
    },
    close: () => inner.close(),
  };
}
