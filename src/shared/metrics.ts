// Prometheus metrics (prom-client), one registry per gateway so several gateways in one process
// (tests, a CI fixture server) never collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type LabelValues } from "prom-client";

/**
 * A prom-client Counter bumped on hot paths. Increments are summed per label set under a key the
 * caller builds (cheap: a template string) and handed to the Counter when /metrics is scraped (its
 * `collect` hook), so a request pays a Map update instead of prom-client hashing a label object.
 * Callers keep label sets bounded (routes, statuses, models, outcomes).
 */
export class TalliedCounter<L extends string> {
  readonly counter: Counter<L>;
  readonly #pending = new Map<string, { labels: LabelValues<L>; value: number }>();

  constructor(options: { name: string; help: string; labelNames: readonly L[]; registry: Registry }) {
    const pending = this.#pending;
    this.counter = new Counter<L>({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      registers: [options.registry],
      collect() {
        for (const entry of pending.values()) {
          if (entry.value === 0) continue;
          this.inc(entry.labels, entry.value);
          entry.value = 0;
        }
      },
    });
  }

  /** Add `value` (default 1) under `key`; `labels` is called the first time a key is seen. */
  inc(key: string, labels: () => LabelValues<L>, value = 1): void {
    let entry = this.#pending.get(key);
    if (entry === undefined) {
      entry = { labels: labels(), value: 0 };
      this.#pending.set(key, entry);
    }
    entry.value += value;
  }
}

export interface Metrics {
  registry: Registry;
  httpRequests: TalliedCounter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route">;
  upstreamRequests: TalliedCounter<"outcome">;
  costUsd: TalliedCounter<"model">;
  /** Face requests whose handler is still working (upstream calls included, even after the client left). */
  inferenceInFlight: Gauge;
  /** Tokens reported by successful answers, by model and direction (input/output). */
  tokens: TalliedCounter<"model" | "direction">;
  /** Record/replay outcomes: hit (replayed), miss, record (written). */
  cassetteRequests: TalliedCounter<"outcome">;
  /** Requests that reached a face (chat completions, invoke, …), by face. */
  faceRequests: TalliedCounter<"face">;
  /** Face requests that ended in an unexpected error (the generic 500, or its stream error event), by face. */
  internalErrors: TalliedCounter<"face">;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "bpg_" });
  return {
    registry,
    httpRequests: new TalliedCounter({
      name: "bpg_http_requests_total",
      help: "HTTP requests answered, by method, route and status.",
      labelNames: ["method", "route", "status"],
      registry,
    }),
    httpDuration: new Histogram({
      name: "bpg_http_request_duration_seconds",
      help: "Time to answer an HTTP request (until the response finished).",
      labelNames: ["method", "route"],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
    upstreamRequests: new TalliedCounter({
      name: "bpg_upstream_requests_total",
      help: "Invoke requests sent upstream, by outcome (status class or transport error).",
      labelNames: ["outcome"],
      registry,
    }),
    costUsd: new TalliedCounter({
      name: "bpg_cost_usd_total",
      help: "Upstream spend of every surface (tokens × list price, as /quota llm_cost), by model.",
      labelNames: ["model"],
      registry,
    }),
    inferenceInFlight: new Gauge({
      name: "bpg_inference_in_flight",
      help: "Inference requests (every face) whose handler is still working, upstream calls included.",
      registers: [registry],
    }),
    tokens: new TalliedCounter({
      name: "bpg_tokens_total",
      help: "Tokens reported in the usage of successful upstream answers, by model and direction (input, output).",
      labelNames: ["model", "direction"],
      registry,
    }),
    cassetteRequests: new TalliedCounter({
      name: "bpg_cassette_requests_total",
      help: "Record/replay outcomes: hit (answered from a cassette), miss (no recording), record (an exchange written).",
      labelNames: ["outcome"],
      registry,
    }),
    faceRequests: new TalliedCounter({
      name: "bpg_face_requests_total",
      help: "Requests that reached an inference face (its route passed the browser and API-key checks), by face.",
      labelNames: ["face"],
      registry,
    }),
    internalErrors: new TalliedCounter({
      name: "bpg_internal_errors_total",
      help: "Face requests that ended in an unexpected internal error (answered as a generic 500, or its error event mid-stream), by face. Should stay 0: each is a bug.",
      labelNames: ["face"],
      registry,
    }),
  };
}
