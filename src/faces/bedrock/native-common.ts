// What every family record of native.ts shares: its interface, and the invocation metrics Bedrock adds
// to the last native stream event.
import type { ModelInfo } from "../../models/catalog.ts";
import type { InvokeRequest, InvokeResponse } from "../../upstream/types.ts";
import { invalidRequest } from "../../shared/errors.ts";
import type { ConverseOptions } from "./converse.ts";

export type Json = Record<string, unknown>;

/** What a family's response writers need besides the answer. */
export interface NativeContext {
  request: InvokeRequest;
  model: ModelInfo;
  /** A fresh id for bodies that carry one (Anthropic's `msg_bdrk_…`). */
  id: string;
}

export interface NativeFamily {
  toInvoke(body: Json, model: ModelInfo, options: ConverseOptions): InvokeRequest;
  toResponse(answer: InvokeResponse, ctx: NativeContext): Json;
  /** The family's stream events, in order; the last one gets `amazon-bedrock-invocationMetrics`. */
  toStreamEvents(answer: InvokeResponse, ctx: NativeContext): Json[];
}

/** Bedrock appends these to the last native stream event (user guide: InvokeModelWithResponseStream). */
export function invocationMetrics(answer: InvokeResponse): Json {
  const latency = Math.round(answer.metadata.latency_ms ?? 0);
  return {
    "amazon-bedrock-invocationMetrics": {
      inputTokenCount: answer.usage.input_tokens,
      outputTokenCount: answer.usage.output_tokens,
      invocationLatency: latency,
      firstByteLatency: latency,
    },
  };
}

/** All text of an answer (completion-style families answer in text only). */
export function answerText(answer: InvokeResponse): string {
  return answer.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
}

/**
 * Keys a family's native body must not carry, refused as Bedrock refuses them ("Malformed input request:
 * #: extraneous key [temperature] is not permitted", PROXY.md) so a notebook that works here works live.
 * Only keys Bedrock is known to refuse are listed (its schema allows others a mock cannot enumerate).
 */
export function refuseExtraneous(body: Json, keys: readonly string[]): void {
  const key = keys.find((k) => Object.hasOwn(body, k));
  if (key === undefined) return;
  throw invalidRequest(
    `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
    key,
  );
}
