// The short fixed-seed fuzz pass of `npm test` (the full one is `npm run fuzz`): hostile bodies for
// every face — /prod/invoke, chat completions, messages (+ count_tokens), responses and the five Bedrock
// Runtime routes, streamed and not — over real sockets; counts only: no crash, no internal 500 (by the
// answers and by the gateway's own bpg_internal_errors_total), no other 5xx, nothing outside each face's
// documented shapes, and the gateway still healthy. Timings are the full pass's to report.
import { expect, test } from "vitest";
import { FACES } from "../fuzz/faces.ts";
import { HUNG_UP, runFuzz } from "../fuzz/harness.ts";

test("hostile bodies on every face get documented answers", async () => {
  const findings: string[] = [];
  const figures = await runFuzz({ seed: 2025, bodiesPerFace: 100, onFinding: (f) => findings.push(f) });
  expect(findings).toEqual([]);
  expect(figures.crashes).toBe(0);
  expect(figures.internalErrorsCounted).toBe(0);
  expect(figures.handlersLeft).toBe(0);
  expect(figures.healthyAfter).toBe(true);
  expect(Object.keys(figures.faces)).toEqual(FACES);
  for (const face of Object.values(figures.faces)) expect(face.bodies).toBe(100);
  // Some clients hung up mid-body or at the first byte of the answer (the broken streams).
  expect(Object.values(figures.faces).some((face) => (face.statuses[HUNG_UP] ?? 0) > 0)).toBe(true);
}, 300_000);
