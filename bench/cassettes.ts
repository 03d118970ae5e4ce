// Cassette load and replay speed: a 10-entry and a 10,000-entry cassette, loaded cold and replayed.
//   node bench/cassettes.ts
// Prints the load time of each and the mean replay latency, so the "no slowdown with size" claim has
// a figure behind it. Not a test: timings depend on the machine.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { matchRules, requestKey } from "../src/cassettes/canonical.ts";
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  formatEntry,
  formatHeader,
  joinCassette,
} from "../src/cassettes/format.ts";
import { withCassettes } from "../src/cassettes/recorder.ts";
import { systemClock } from "../src/shared/clock.ts";
import { createLogger } from "../src/shared/logger.ts";
import type { InvokeRequest, UpstreamClient } from "../src/upstream/types.ts";

const MODEL = "us.anthropic.claude-3-haiku-20240307-v1:0";
const request = (i: number): InvokeRequest => ({
  model: MODEL,
  max_tokens: 512,
  messages: [{ role: "user", content: `Question number ${i}: what is ${i} + 2? Explain briefly.` }],
});
const answer = (i: number) => ({
  content: [{ type: "text", text: `The answer is ${i + 2}.\nBecause ${i} plus two is ${i + 2}.` }],
  usage: { input_tokens: 14, output_tokens: 12, total_tokens: 26 },
  metadata: {
    team_id: "<team_id>",
    model: MODEL,
    cost_usd: 0.000019,
    latency_ms: 512.3,
    remaining_quota: {
      requests_today: i,
      tokens_today: 26 * i,
      llm_cost: 1.5,
      gpu_cost: 0,
      total_cost: 1.5,
      budget_limit: 50,
      remaining_budget: 48.5,
      budget_usage_percent: 3,
    },
  },
});

function writeCassette(dir: string, entries: number): string {
  const rules = matchRules([]);
  const chunks = Array.from({ length: entries }, (_, i) =>
    formatEntry({
      key: requestKey(request(i), rules),
      order: 0,
      recorded_at: "2026-01-01T00:00:00.000Z",
      latency_ms: 512,
      request: request(i) as Record<string, unknown>,
      response: { status: 200, headers: { "content-type": "application/json" }, json: answer(i) },
    }),
  );
  const now = "2026-01-01T00:00:00.000Z";
  const header = formatHeader({
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    created: now,
    updated: now,
    creator: "bench",
    ignore_fields: [...rules.ignoredFields],
  });
  const file = join(dir, `n${entries}.yaml`);
  writeFileSync(file, joinCassette(header, chunks));
  return file;
}

const never: UpstreamClient = {
  invoke: () => Promise.reject(new Error("replay called the upstream")),
  close: () => Promise.resolve(),
};
const context = {
  credentials: { teamId: "bench_team", apiToken: "bench-token-123", teamField: "team_id" as const },
  requestId: "b",
};

async function measure(dir: string, entries: number): Promise<void> {
  const file = writeCassette(dir, entries);
  const player = withCassettes(never, {
    mode: "replay",
    recording: { dir, cassette: `n${entries}`, ignore_fields: [], redact_patterns: [] },
    clock: systemClock,
    logger: createLogger("silent"),
  });
  const started = performance.now();
  await player.invoke(request(0), context); // opens (loads and indexes) the cassette
  const load = performance.now() - started;
  // Each entry is parsed the first time it is replayed (one small YAML document, whatever the file
  // size), then served from memory: time both, over the same number of requests for each size.
  const rounds = 2000;
  const pass = async (): Promise<number> => {
    const t = performance.now();
    for (let r = 0; r < rounds; r++) await player.invoke(request((r * 7919) % entries), context);
    return ((performance.now() - t) / rounds) * 1000;
  };
  const first = entries >= rounds ? await pass() : Number.NaN;
  const warm = await pass();
  const firstText = Number.isNaN(first) ? "    -" : first.toFixed(0).padStart(5);
  console.log(
    `${String(entries).padStart(6)} entries  ${(statSync(file).size / 1e6).toFixed(1).padStart(5)} MB  ` +
      `load+first replay ${load.toFixed(1).padStart(6)} ms  first replay of an entry ${firstText} µs  repeat replay ${warm.toFixed(0).padStart(4)} µs`,
  );
  await player.close();
}

const dir = mkdtempSync(join(tmpdir(), "bpg-bench-"));
try {
  for (const entries of [10, 2_000, 10_000]) await measure(dir, entries);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
