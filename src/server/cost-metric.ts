// withCostMetric(inner, metrics): counts the spend of every answered upstream call into
// bpg_cost_usd_total, whichever surface asked (/v1, /prod/invoke, the faces). Composed once, around the
// whole upstream stack, so the metric sees the calls the ledger behind /quota sees (issue 12).
import { llmCost } from "../accounting/pricing.ts";
import { findModel } from "../models/catalog.ts";
import type { Metrics } from "../shared/metrics.ts";
import type { InvokeRequest, InvokeResponse, UpstreamClient } from "../upstream/types.ts";

/**
 * The unrounded cost, as the ledger charges it (tokens × list price): metadata.cost_usd is rounded to
 * 6 decimals per call, and summing rounded costs drifts from /quota's llm_cost. A model missing from the
 * price table counts what the proxy reported.
 */
function spend(request: InvokeRequest, answer: InvokeResponse): number | undefined {
  const model = findModel(request.model);
  const { input_tokens: input, output_tokens: output } = answer.usage;
  if (model !== undefined && Number.isFinite(input) && Number.isFinite(output))
    return llmCost(model, input, output);
  const reported = answer.metadata.cost_usd;
  return typeof reported === "number" && Number.isFinite(reported) ? reported : undefined;
}

export function withCostMetric(inner: UpstreamClient, metrics: Metrics): UpstreamClient {
  return {
    async invoke(request, context) {
      const response = await inner.invoke(request, context);
      if (response.ok) {
        const cost = spend(request, response.answer);
        if (cost !== undefined && cost > 0)
          metrics.costUsd.inc(request.model, () => ({ model: request.model }), cost);
      }
      return response;
    },
    close: () => inner.close(),
  };
}
