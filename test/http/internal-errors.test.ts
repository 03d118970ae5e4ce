// bpg_internal_errors_total: an unexpected error (a bug, not a documented failure) is still answered as
// the generic 500, and counted by face, so a run can tell "0 internal errors" from the metrics alone.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMetrics } from "../../src/shared/metrics.ts";
import type { UpstreamClient } from "../../src/upstream/types.ts";
import { startTestGateway, testConfig, type TestGateway } from "../helpers/v1-gateway.ts";

/** An upstream with a bug: it throws what no layer maps to a documented error. */
const broken: UpstreamClient = {
  invoke: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'map')")),
  close: () => Promise.resolve(),
};

let gw: TestGateway;
const metrics = createMetrics({ defaultMetrics: false });
beforeAll(async () => {
  gw = await startTestGateway(broken, testConfig(), metrics);
});
afterAll(() => gw.close());

const chat = (body: Record<string, unknown>) =>
  fetch(`${gw.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], ...body }),
  });

async function internalErrors(face: string): Promise<number | undefined> {
  const metric = await metrics.internalErrors.counter.get();
  return metric.values.find((v) => v.labels.face === face)?.value;
}

test("an unexpected error is the generic 500, counted under its face; a documented error is not counted", async () => {
  const res = await chat({});
  expect(res.status).toBe(500);
  expect(((await res.json()) as { error: unknown }).error).toMatchObject({
    code: "internal_error",
    type: "api_error",
  });
  expect(await internalErrors("chat")).toBe(1);
  const streamed = await chat({ stream: true });
  expect(streamed.status).toBe(500);
  await streamed.body?.cancel();
  expect(await internalErrors("chat")).toBe(2);
  const refused = await chat({ temperature: "hot" });
  expect(refused.status).toBe(400);
  await refused.body?.cancel();
  expect(await internalErrors("chat")).toBe(2);
});

test("/metrics shows the counter by face", async () => {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  expect(text).toMatch(/^bpg_internal_errors_total\{face="chat"\} \d+$/m);
});
