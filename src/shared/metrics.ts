// Prometheus metrics (prom-client), one registry per gateway so several gateways in one process
// (tests, a CI fixture server) never collide.
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route">;
  upstreamRequests: Counter<"outcome">;
  costUsd: Counter<"model">;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "bpg_" });
  return {
    registry,
    httpRequests: new Counter({
      name: "bpg_http_requests_total",
      help: "HTTP requests answered, by method, route and status.",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "bpg_http_request_duration_seconds",
      help: "Time to answer an HTTP request (until the response finished).",
      labelNames: ["method", "route"],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
    upstreamRequests: new Counter({
      name: "bpg_upstream_requests_total",
      help: "Invoke requests sent upstream, by outcome (status class or transport error).",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    costUsd: new Counter({
      name: "bpg_cost_usd_total",
      help: "Upstream cost reported in metadata.cost_usd, by model.",
      labelNames: ["model"],
      registers: [registry],
    }),
  };
}
