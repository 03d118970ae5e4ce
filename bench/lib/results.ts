// The shape of benchmark results, how rounds become medians and ratios, and the targets.
// Pure: run.ts measures, this module judges, report.ts renders.
import { difference, median, ratio } from "./stats.ts";

/** Every scenario, in run order: the baselines, then the gateway's. */
export const ALL_SCENARIOS = [
  "A",
  "E",
  "F",
  "healthz",
  "mock",
  "responses",
  "invoke",
  "stream",
  "converse",
  "converse-stream",
  "messages",
  "messages-stream",
  "live",
  "replay-10k",
  "replay-10",
] as const;

export type ScenarioId = (typeof ALL_SCENARIOS)[number];

/** Our own reference servers: compared against, never judged (memory targets are the gateway's). */
const BASELINES: ReadonlySet<ScenarioId> = new Set(["A", "E", "F"]);

export type ScenarioStatus = "ok" | "unavailable" | "failed";

/** What one round measured for one scenario. */
export interface RoundMeasure {
  round: number;
  /** Mean requests (or whole streams) per second at 50 connections. */
  rps: number | null;
  /** 2xx responses counted during the load run. */
  requests: number;
  non2xx: number;
  errors: number;
  /** Sequential keep-alive client, 1 connection: latency to the end of the response, µs. */
  p50Us: number | null;
  p99Us: number | null;
  /** Streams only: time to the first body byte (first SSE event), µs. */
  ttfbP50Us: number | null;
  /** Server process CPU (user + system) per request during the load run, µs. */
  cpuUsPerRequest: number | null;
  /** Server RSS right after this round's load run, bytes. */
  rssAfterBytes: number | null;
}

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  status: ScenarioStatus;
  /** Why a scenario is unavailable or failed. */
  reason?: string;
  /** Spawn → listening line, ms (gateway processes). */
  startupMs: number | null;
  /** First successful request after start, ms (for replay it includes loading the cassette if lazy). */
  firstRequestMs: number | null;
  rssIdleBytes: number | null;
  /** Peak RSS over the whole run (VmHWM), bytes. */
  peakRssBytes: number | null;
  rounds: RoundMeasure[];
}

export interface ScenarioSummary {
  id: ScenarioId;
  status: ScenarioStatus;
  rps: number | null;
  p50Us: number | null;
  p99Us: number | null;
  ttfbP50Us: number | null;
  cpuUsPerRequest: number | null;
  rssIdleBytes: number | null;
  rssAfterBytes: number | null;
  peakRssBytes: number | null;
  /** Median over rounds of rps / A's rps in the same round. */
  ratioToA: number | null;
  /** Median over rounds of rps / E's rps in the same round. */
  ratioToE: number | null;
  /** Median over rounds of (p50 − A's p50) in the same round, µs. */
  addedP50UsOverA: number | null;
}

function byRound(result: ScenarioResult | undefined): Map<number, RoundMeasure> {
  return new Map((result?.rounds ?? []).map((r) => [r.round, r]));
}

/** Median over rounds of f(this round, reference round), for rounds both have. */
function pairedMedian(
  own: ScenarioResult,
  reference: ScenarioResult | undefined,
  f: (a: RoundMeasure, b: RoundMeasure) => number | null,
): number | null {
  if (reference === undefined || reference.status !== "ok" || own.status !== "ok") return null;
  const ref = byRound(reference);
  return median(
    own.rounds.map((r) => {
      const other = ref.get(r.round);
      return other === undefined ? null : f(r, other);
    }),
  );
}

export function summarize(results: readonly ScenarioResult[]): ScenarioSummary[] {
  const a = results.find((r) => r.id === "A");
  const e = results.find((r) => r.id === "E");
  return results.map((r) => {
    const ok = r.status === "ok";
    const pick = (f: (m: RoundMeasure) => number | null): number | null =>
      ok ? median(r.rounds.map(f)) : null;
    return {
      id: r.id,
      status: r.status,
      rps: pick((m) => m.rps),
      p50Us: pick((m) => m.p50Us),
      p99Us: pick((m) => m.p99Us),
      ttfbP50Us: pick((m) => m.ttfbP50Us),
      cpuUsPerRequest: pick((m) => m.cpuUsPerRequest),
      rssIdleBytes: ok ? r.rssIdleBytes : null,
      rssAfterBytes: pick((m) => m.rssAfterBytes),
      peakRssBytes: ok ? r.peakRssBytes : null,
      ratioToA: pairedMedian(r, a, (m, ref) => ratio(m.rps, ref.rps)),
      ratioToE: pairedMedian(r, e, (m, ref) => ratio(m.rps, ref.rps)),
      addedP50UsOverA: pairedMedian(r, a, (m, ref) => difference(m.p50Us, ref.p50Us)),
    };
  });
}

/** The gateway's own processes (not the baselines), for the memory targets. */
export const GATEWAY_SCENARIOS: readonly ScenarioId[] = ALL_SCENARIOS.filter((id) => !BASELINES.has(id));

/** The values the targets are judged on, by name; null when not measured. */
export type TargetInputs = Record<string, number | null>;

export function targetInputs(
  results: readonly ScenarioResult[],
  summaries: readonly ScenarioSummary[],
): TargetInputs {
  const s = (id: ScenarioId): ScenarioSummary | undefined => summaries.find((x) => x.id === id);
  const r = (id: ScenarioId): ScenarioResult | undefined => results.find((x) => x.id === id);
  const replayBig = r("replay-10k");
  const replaySmall = r("replay-10");
  const gateways = summaries.filter((x) => GATEWAY_SCENARIOS.includes(x.id) && x.status === "ok");
  const max = (values: (number | null)[]): number | null => {
    const present = values.filter((v): v is number => v !== null);
    return present.length === 0 ? null : Math.max(...present);
  };
  // Cold start with the big cassette minus cold start with the small one: the cost of loading 10,000
  // entries, whether the gateway loads at start-up or on the first request.
  const cold = (x: ScenarioResult | undefined): number | null =>
    x === undefined || x.status !== "ok" || x.startupMs === null || x.firstRequestMs === null
      ? null
      : x.startupMs + x.firstRequestMs;
  const messages = r("messages");
  return {
    "mock.ratioToA": s("mock")?.ratioToA ?? null,
    // The Anthropic face against the OpenAI face, same simulator and prompt, same round (issue 20).
    "messages.cpuRatioToMock":
      messages === undefined
        ? null
        : pairedMedian(messages, r("mock"), (m, ref) => ratio(m.cpuUsPerRequest, ref.cpuUsPerRequest)),
    "invoke.ratioToA": s("invoke")?.ratioToA ?? null,
    // CPU per request of the Responses face over chat completions, the same round's pair (issue 15).
    "responses.cpuToMock": (() => {
      const own = r("responses");
      return own === undefined
        ? null
        : pairedMedian(own, r("mock"), (m, ref) => ratio(m.cpuUsPerRequest, ref.cpuUsPerRequest));
    })(),
    "live.ratioToE": s("live")?.ratioToE ?? null,
    "live.addedP50UsOverA": s("live")?.addedP50UsOverA ?? null,
    // The gateway's own latency: live over F, a hop that only forwards (issue 13 restates the target so).
    "live.addedP50UsOverF": (() => {
      const live = r("live");
      return live === undefined
        ? null
        : pairedMedian(live, r("F"), (m, ref) => difference(m.p50Us, ref.p50Us));
    })(),
    "replay.ratio10kTo10":
      replayBig !== undefined && replaySmall !== undefined
        ? pairedMedian(replayBig, replaySmall, (m, ref) => ratio(m.rps, ref.rps))
        : null,
    "replay.cassetteLoadMs": difference(cold(replayBig), cold(replaySmall)),
    "stream.ttfbP50Us": s("stream")?.ttfbP50Us ?? null,
    "converse.cpuToMock": cpuRatio(s("converse"), s("mock")),
    "converseStream.ttfbP50Us": s("converse-stream")?.ttfbP50Us ?? null,
    "gateway.maxRssIdleMiB": mib(max(gateways.map((g) => g.rssIdleBytes))),
    "gateway.maxRssAfterLoadMiB": mib(max(gateways.map((g) => g.peakRssBytes ?? g.rssAfterBytes))),
  };
}

/** CPU per request of `x` over that of `ref` (medians over rounds of the same run). */
function cpuRatio(x: ScenarioSummary | undefined, ref: ScenarioSummary | undefined): number | null {
  const a = x?.status === "ok" ? x.cpuUsPerRequest : null;
  const b = ref?.status === "ok" ? ref.cpuUsPerRequest : null;
  return a === null || b === null || b === 0 ? null : a / b;
}

function mib(bytes: number | null): number | null {
  return bytes === null ? null : bytes / 1024 / 1024;
}

export interface TargetSpec {
  input: string;
  label: string;
  op: ">=" | "<=" | "<";
  threshold: number;
  unit: string;
}

/** The targets of issue 7, in the order, then those of later issues (faces 14, 15, 20). */
export const TARGETS: readonly TargetSpec[] = [
  {
    input: "mock.ratioToA",
    label: "mock /v1/chat/completions req/s vs A",
    op: ">=",
    threshold: 0.35,
    unit: "× A",
  },
  { input: "invoke.ratioToA", label: "mock /prod/invoke req/s vs A", op: ">=", threshold: 0.35, unit: "× A" },
  {
    input: "responses.cpuToMock",
    label: "mock /v1/responses CPU per request vs mock /v1/chat/completions (issue 15)",
    op: "<=",
    threshold: 1.2,
    unit: "×",
  },
  {
    input: "messages.cpuRatioToMock",
    label: "mock /v1/messages CPU per request vs mock /v1/chat/completions (issue 20)",
    op: "<=",
    threshold: 1.2,
    unit: "×",
  },
  { input: "live.ratioToE", label: "live translation hop req/s vs E", op: ">=", threshold: 0.9, unit: "× E" },
  {
    input: "live.addedP50UsOverF",
    label: "live added p50 latency over F (a bare forwarding hop)",
    op: "<=",
    threshold: 100,
    unit: "µs",
  },
  {
    input: "live.addedP50UsOverA",
    label: "live added p50 latency over A",
    op: "<=",
    threshold: 200,
    unit: "µs",
  },
  {
    input: "replay.ratio10kTo10",
    label: "replay 10,000-entry cassette vs 10-entry req/s",
    op: ">=",
    threshold: 0.95,
    unit: "×",
  },
  {
    input: "replay.cassetteLoadMs",
    label: "cassette load (10,000 entries)",
    op: "<",
    threshold: 1000,
    unit: "ms",
  },
  {
    input: "stream.ttfbP50Us",
    label: "stream time to first byte p50 (mock, no pacing)",
    op: "<=",
    threshold: 1000,
    unit: "µs",
  },
  // Issue 14 (Bedrock Runtime face).
  {
    input: "converse.cpuToMock",
    label: "Converse CPU per request vs mock /v1/chat/completions",
    op: "<=",
    threshold: 1.2,
    unit: "×",
  },
  {
    input: "converseStream.ttfbP50Us",
    label: "ConverseStream time to first byte p50 (mock, no pacing)",
    op: "<=",
    threshold: 1000,
    unit: "µs",
  },
  {
    input: "gateway.maxRssIdleMiB",
    label: "gateway RSS idle (worst scenario)",
    op: "<=",
    threshold: 90,
    unit: "MiB",
  },
  {
    input: "gateway.maxRssAfterLoadMiB",
    label: "gateway RSS after load (worst scenario, peak)",
    op: "<=",
    threshold: 200,
    unit: "MiB",
  },
];

export interface TargetVerdict extends TargetSpec {
  value: number | null;
  /** null when the value could not be measured (scenario unavailable). */
  met: boolean | null;
}

export function evaluateTargets(
  inputs: TargetInputs,
  specs: readonly TargetSpec[] = TARGETS,
): TargetVerdict[] {
  return specs.map((spec) => {
    const value = inputs[spec.input] ?? null;
    let met: boolean | null = null;
    if (value !== null && Number.isFinite(value)) {
      met =
        spec.op === ">="
          ? value >= spec.threshold
          : spec.op === "<="
            ? value <= spec.threshold
            : value < spec.threshold;
    }
    return { ...spec, value, met };
  });
}
