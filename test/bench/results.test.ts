import { describe, expect, it } from "vitest";
import {
  evaluateTargets,
  summarize,
  targetInputs,
  TARGETS,
  type RoundMeasure,
  type ScenarioId,
  type ScenarioResult,
} from "../../bench/lib/results.ts";
import { renderMarkdown, type Report } from "../../bench/lib/report.ts";
import { COMPLETION_JSON, proxyResponseJson } from "../../bench/lib/payloads.ts";

const MiB = 1024 * 1024;

function measure(round: number, rps: number, p50Us: number, extra: Partial<RoundMeasure> = {}): RoundMeasure {
  return {
    round,
    rps,
    requests: rps,
    non2xx: 0,
    errors: 0,
    p50Us,
    p99Us: p50Us * 3,
    ttfbP50Us: null,
    cpuUsPerRequest: 20,
    rssAfterBytes: 100 * MiB,
    ...extra,
  };
}

function scenario(
  id: ScenarioId,
  rounds: RoundMeasure[],
  extra: Partial<ScenarioResult> = {},
): ScenarioResult {
  return {
    id,
    title: id,
    status: "ok",
    startupMs: 300,
    firstRequestMs: 5,
    rssIdleBytes: 60 * MiB,
    peakRssBytes: 120 * MiB,
    rounds,
    ...extra,
  };
}

const A = scenario("A", [measure(1, 40_000, 50), measure(2, 30_000, 60), measure(3, 50_000, 40)]);
const E = scenario("E", [measure(1, 10_000, 200), measure(2, 9_000, 220), measure(3, 11_000, 190)]);

describe("summarize", () => {
  it("takes ratios to A and E within each round, then the median", () => {
    // Per round: 20k/40k = 0.5, 18k/30k = 0.6, 35k/50k = 0.7 → 0.6 (the ratio of the medians would be 0.5).
    const mock = scenario("mock", [measure(1, 20_000, 100), measure(2, 18_000, 90), measure(3, 35_000, 80)]);
    const [, , m] = summarize([A, E, mock]);
    expect(m?.ratioToA).toBeCloseTo(0.6);
    expect(m?.ratioToE).toBeCloseTo(2);
    expect(m?.rps).toBe(20_000);
    // p50 minus A's p50 of the same round: 50, 30, 40 → 40.
    expect(m?.addedP50UsOverA).toBe(40);
  });

  it("leaves an unavailable scenario without figures, and ratios null without A", () => {
    const gone = scenario("invoke", [], { status: "unavailable", reason: "404" });
    const [s] = summarize([gone]);
    expect(s?.rps).toBeNull();
    expect(s?.ratioToA).toBeNull();
    const [alone] = summarize([scenario("mock", [measure(1, 1, 1)])]);
    expect(alone?.ratioToA).toBeNull();
  });
});

describe("targets", () => {
  it("judges each target by its operator and threshold, and leaves unmeasured ones undecided", () => {
    const verdicts = evaluateTargets(
      { "mock.ratioToA": 0.35, "live.addedP50UsOverA": 250, "replay.cassetteLoadMs": 1000 },
      TARGETS,
    );
    const by = (input: string) => verdicts.find((v) => v.input === input);
    expect(by("mock.ratioToA")?.met).toBe(true); // >= is inclusive
    expect(by("live.addedP50UsOverA")?.met).toBe(false);
    expect(by("replay.cassetteLoadMs")?.met).toBe(false); // < is strict
    expect(by("invoke.ratioToA")?.met).toBeNull();
    expect(verdicts).toHaveLength(TARGETS.length);
  });

  it("derives the inputs from the scenarios: replay pairing, cassette load, worst gateway memory", () => {
    const small = scenario("replay-10", [measure(1, 20_000, 50), measure(2, 20_000, 50)], {
      startupMs: 300,
      firstRequestMs: 5,
    });
    const big = scenario("replay-10k", [measure(1, 19_000, 50), measure(2, 21_000, 50)], {
      startupMs: 700,
      firstRequestMs: 105,
      rssIdleBytes: 95 * MiB,
      peakRssBytes: 210 * MiB,
    });
    const results = [A, E, small, big];
    const inputs = targetInputs(results, summarize(results));
    expect(inputs["replay.ratio10kTo10"]).toBeCloseTo(1); // median of 0.95 and 1.05
    expect(inputs["replay.cassetteLoadMs"]).toBe(500);
    expect(inputs["gateway.maxRssIdleMiB"]).toBe(95); // baselines A and E do not count
    expect(inputs["gateway.maxRssAfterLoadMiB"]).toBe(210);
    expect(inputs["mock.ratioToA"]).toBeNull();
  });

  it("judges /v1/responses by its CPU per request over mock's, paired by round (issue 15)", () => {
    const mock = scenario("mock", [
      measure(1, 20_000, 100, { cpuUsPerRequest: 50 }),
      measure(2, 20_000, 100, { cpuUsPerRequest: 100 }),
    ]);
    const cheap = scenario("responses", [
      measure(1, 19_000, 100, { cpuUsPerRequest: 55 }),
      measure(2, 19_000, 100, { cpuUsPerRequest: 105 }),
    ]);
    const inputs = targetInputs([A, mock, cheap], summarize([A, mock, cheap]));
    expect(inputs["responses.cpuToMock"]).toBeCloseTo(1.075); // median of 1.1 and 1.05
    const verdict = evaluateTargets(inputs).find((t) => t.input === "responses.cpuToMock");
    expect(verdict?.met).toBe(true);
    const dear = scenario("responses", [
      measure(1, 15_000, 100, { cpuUsPerRequest: 70 }),
      measure(2, 15_000, 100, { cpuUsPerRequest: 130 }),
    ]);
    const worse = evaluateTargets(targetInputs([A, mock, dear], summarize([A, mock, dear])));
    expect(worse.find((t) => t.input === "responses.cpuToMock")?.met).toBe(false);
    expect(targetInputs([A, mock], summarize([A, mock]))["responses.cpuToMock"]).toBeNull();
  });
});

describe("the Anthropic face's CPU target (issue 20)", () => {
  it("pairs /v1/messages with mock /v1/chat/completions round by round", () => {
    const cpu = (round: number, us: number) => measure(round, 10_000, 100, { cpuUsPerRequest: us });
    const mock = scenario("mock", [cpu(1, 100), cpu(2, 200), cpu(3, 100)]);
    const messages = scenario("messages", [cpu(1, 110), cpu(2, 260), cpu(3, 100)]);
    const inputs = targetInputs([A, mock, messages], summarize([A, mock, messages]));
    expect(inputs["messages.cpuRatioToMock"]).toBeCloseTo(1.1); // median of 1.1, 1.3, 1.0
    const verdict = evaluateTargets(inputs).find((t) => t.input === "messages.cpuRatioToMock");
    expect(verdict?.met).toBe(true);
    expect(targetInputs([A, mock], summarize([A, mock]))["messages.cpuRatioToMock"]).toBeNull();
  });
});

describe("payloads and report", () => {
  it("baseline A answers about 600 bytes and the fake proxy has PROXY.md's three keys", () => {
    expect(COMPLETION_JSON.length).toBeGreaterThan(500);
    expect(COMPLETION_JSON.length).toBeLessThan(700);
    const proxy = JSON.parse(proxyResponseJson("m")) as Record<string, { remaining_quota?: object }>;
    expect(Object.keys(proxy)).toEqual(["content", "usage", "metadata"]);
    expect(Object.keys(proxy.metadata?.remaining_quota ?? {})).toHaveLength(8);
  });

  it("renders the machine, every scenario and every target", () => {
    const results = [A, E, scenario("mock", [], { status: "unavailable", reason: "HTTP 404 | not yet" })];
    const summaries = summarize(results);
    const report: Report = {
      version: 1,
      date: "2026-01-01T00:00:00.000Z",
      machine: {
        cpus: 2,
        cpuModel: "Test CPU",
        node: "v24.0.0",
        platform: "linux",
        totalMemMiB: 1024,
        loadAverage: [0.5, 1.25],
      },
      settings: { rounds: 3 },
      scenarios: results,
      summaries,
      targets: evaluateTargets(targetInputs(results, summaries)),
      notes: ["a note"],
    };
    const md = renderMarkdown(report);
    expect(md).toContain("2 cores (Test CPU) · Node v24.0.0");
    expect(md).toContain("load average 0.5 → 1.3");
    expect(md).toContain("| **A** A | ok | 40,000 | 1.00 | 4.00 |");
    expect(md).toContain("| **mock** mock | unavailable |");
    expect(md).toContain("HTTP 404 / not yet");
    for (const t of TARGETS) expect(md).toContain(t.label);
  });
});
