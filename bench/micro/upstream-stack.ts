// In-process microbenchmark of the composed mock upstream stack (server/upstream.ts createUpstream: the
// simulator under quota, cost metric and budget watch), per call, read the two ways callers read it: as a
// /v1 face does (the typed answer, `result.answer`) and as /prod/invoke does (`result.text()`). The HTTP
// lane and the faces are left out, so this is the seam's own cost; rounds alternate the two readings.
// Not part of the test suite or `npm run bench` (see bench/README.md); run it by hand, on Node 24:
//
//   node_modules/.bin/node bench/micro/upstream-stack.ts [--calls 40000] [--rounds 5]
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import type { Config } from "../../src/config/types.ts";
import { createUpstream } from "../../src/server/upstream.ts";
import { systemClock } from "../../src/shared/clock.ts";
import { randomIds } from "../../src/shared/ids.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { createMetrics } from "../../src/shared/metrics.ts";
import type { InvokeContext, InvokeRequest } from "../../src/upstream/types.ts";

const { values: args } = parseArgs({
  options: { calls: { type: "string", default: "40000" }, rounds: { type: "string", default: "5" } },
});
const CALLS = Math.min(Number(args.calls), 1_000_000);
const ROUNDS = Math.min(Number(args.rounds), 50);

// A budget no run exhausts: every call is a 200 answer, as in the bench's mock scenarios.
const config: Config = {
  ...DEFAULT_CONFIG,
  mode: "mock",
  mock: { ...DEFAULT_CONFIG.mock, teams: [{ team_id: "demo", api_token: "demo-token", budget_limit: 1e9 }] },
};
const { upstream } = createUpstream({
  config,
  clock: systemClock,
  ids: randomIds,
  logger: createLogger("silent"),
  metrics: createMetrics(),
});
const REQUEST: InvokeRequest = {
  model: "us.anthropic.claude-3-haiku-20240307-v1:0",
  messages: [{ role: "user", content: "Say hello in one short sentence." }],
  max_tokens: 64,
};
const CONTEXT: InvokeContext = {
  credentials: { teamId: "demo", apiToken: "demo-token", teamField: "team_id" },
  requestId: "bench",
};

let sink = 0; // keeps what is read alive, so nothing is optimised away
async function typed(): Promise<void> {
  const result = await upstream.invoke(REQUEST, CONTEXT);
  if (!result.ok) throw result.error;
  sink += result.answer.usage.output_tokens;
}
async function text(): Promise<void> {
  sink += (await upstream.invoke(REQUEST, CONTEXT)).text().length;
}

/** CPU µs per call (user + system) over `n` sequential calls. */
async function measure(call: () => Promise<void>, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

await measure(typed, CALLS / 2);
await measure(text, CALLS / 2);
const figures = { typed: [] as number[], text: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  figures.typed.push(await measure(typed, CALLS));
  figures.text.push(await measure(text, CALLS));
}
const median = (xs: number[]): string => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2);
console.log(`${ROUNDS} rounds × ${CALLS} calls, CPU µs per call (median):`);
console.log(`  /v1 reading (result.answer)        ${median(figures.typed)}`);
console.log(`  /prod/invoke reading (text())      ${median(figures.text)}`);
if (sink === 0) console.log("(nothing was read)");
await upstream.close();
