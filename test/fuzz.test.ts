// The short fixed-seed fuzz pass of `npm test` (the full one is `npm run fuzz`): hostile bodies for
// every face over real sockets; counts only — no crash, no internal 500, no other 5xx, nothing outside
// the documented shapes, and the gateway still healthy. Timings are the full pass's to report.
import { expect, test } from "vitest";
import { runFuzz } from "../fuzz/harness.ts";

test("hostile bodies on every face get documented answers", async () => {
  const findings: string[] = [];
  const figures = await runFuzz({ seed: 2025, bodiesPerFace: 150, onFinding: (f) => findings.push(f) });
  expect(findings).toEqual([]);
  expect(figures.crashes).toBe(0);
  expect(figures.healthyAfter).toBe(true);
  for (const face of Object.values(figures.faces)) expect(face.bodies).toBe(150);
}, 120_000);
