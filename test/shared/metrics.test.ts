import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/shared/metrics.ts";

describe("tallied counters", () => {
  it("show every increment at each scrape, by label set, and keep counting after it", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const count = (status: number): void =>
      metrics.httpRequests.inc(`POST /r ${status}`, () => ({
        method: "POST",
        route: "/r",
        status: String(status),
      }));
    count(200);
    count(200);
    count(404);
    metrics.costUsd.inc("m", () => ({ model: "m" }), 0.25);
    metrics.costUsd.inc("m", () => ({ model: "m" }), 0.5);
    let text = await metrics.registry.metrics();
    expect(text).toContain('bpg_http_requests_total{method="POST",route="/r",status="200"} 2');
    expect(text).toContain('bpg_http_requests_total{method="POST",route="/r",status="404"} 1');
    expect(text).toContain('bpg_cost_usd_total{model="m"} 0.75');

    count(200);
    text = await metrics.registry.metrics();
    expect(text).toContain('bpg_http_requests_total{method="POST",route="/r",status="200"} 3');
    text = await metrics.registry.metrics();
    expect(text).toContain('bpg_http_requests_total{method="POST",route="/r",status="200"} 3');
    expect(text).toContain('bpg_cost_usd_total{model="m"} 0.75');
  });
});
