// Spend history (issue 18): a bounded series per team, and GET /admin/budget/history persisted with
// mock.state across a restart of the gateway.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SpendHistory } from "../../src/accounting/history.ts";
import type { HistoryView } from "../../src/budget/types.ts";
import { startTestGateway } from "../helpers/gateway.ts";

/** How long an awaited event may take on a loaded machine (a bound, not a measurement). */
const WAIT = { timeout: 15_000 };

const q = (llm: number, gpu = 0) => ({ llm_cost: llm, gpu_cost: gpu });

describe("SpendHistory", () => {
  it("keeps at most maxPoints per team, spanning the whole history, first and last kept", () => {
    const history = new SpendHistory({ maxPoints: 10, minSpacingMs: 0 });
    for (let i = 1; i <= 1000; i++) history.record("demo", q(i), i * 1000);
    const series = history.series("demo");
    expect(series.length).toBeLessThanOrEqual(10);
    expect(series.length).toBeGreaterThanOrEqual(5);
    expect(series[0]).toEqual([1000, 1, 0]);
    expect(series.at(-1)).toEqual([1_000_000, 1000, 0]);
    const times = series.map((p) => p[0]);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("skips unchanged figures and folds points closer than minSpacingMs into one", () => {
    const history = new SpendHistory({ minSpacingMs: 1000 });
    expect(history.record("demo", q(0), 0)).toBe(true);
    expect(history.record("demo", q(0), 500)).toBe(false);
    history.record("demo", q(1), 5000);
    history.record("demo", q(2), 5100);
    history.record("demo", q(3), 5200);
    expect(history.series("demo")).toEqual([
      [0, 0, 0],
      [5000, 1, 0],
      [5200, 3, 0],
    ]);
  });

  it("bounds the teams it tracks and restores only the teams asked for", () => {
    const history = new SpendHistory({ maxTeams: 2 });
    history.record("a", q(1), 0);
    history.record("b", q(1), 0);
    history.record("c", q(1), 0);
    expect(history.teams()).toEqual(["b", "c"]);
    const restored = new SpendHistory({ maxPoints: 4 });
    restored.restore(
      { b: Array.from({ length: 9 }, (_, i) => [i, i, 0] as [number, number, number]), gone: [[0, 1, 0]] },
      (team) => team !== "gone",
    );
    expect(restored.teams()).toEqual(["b"]);
    expect(restored.series("b").length).toBeLessThanOrEqual(4);
    expect(restored.series("b").at(-1)).toEqual([8, 8, 0]);
  });
});

describe("GET /admin/budget/history with mock.state", () => {
  const dir = mkdtempSync(join(tmpdir(), "bpg-history-"));
  const state = join(dir, "state.json");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const chat = (url: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] }),
    });
  const historyOf = async (url: string): Promise<HistoryView> =>
    (await (await fetch(`${url}/admin/budget/history?team=demo`)).json()) as HistoryView;

  it("survives a restart, and the restarted gateway goes on adding to it", async () => {
    const first = await startTestGateway({ mode: "mock", mock: { state, clock: "manual" } });
    expect((await chat(first.url)).status).toBe(200);
    await fetch(`${first.url}/admin/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seconds: 60 }),
    });
    expect((await chat(first.url)).status).toBe(200);
    const before = await historyOf(first.url);
    await first.close();

    const [series] = before.data;
    expect(before.columns).toEqual(["t_ms", "llm_cost", "gpu_cost"]);
    expect(series?.team_id).toBe("demo");
    expect(series?.budget_limit).toBe(50);
    // The start (zero), then one point per call a minute apart.
    expect(series?.points.length).toBe(3);
    expect(series?.points[0]?.[1]).toBe(0);
    const saved = JSON.parse(readFileSync(state, "utf8")) as { history: Record<string, unknown[]> };
    expect(saved.history.demo).toEqual(series?.points);

    const second = await startTestGateway({ mode: "mock", mock: { state, clock: "manual" } });
    try {
      expect((await historyOf(second.url)).data[0]?.points).toEqual(series?.points);
      await fetch(`${second.url}/admin/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seconds: 60 }),
      });
      expect((await chat(second.url)).status).toBe(200);
      await expect
        .poll(async () => (await historyOf(second.url)).data[0]?.points.length, WAIT)
        .toBe((series?.points.length ?? 0) + 1);
    } finally {
      await second.close();
    }
  });

  it("refuses a damaged history in the state file, naming where", async () => {
    const bad = join(dir, "bad.json");
    const doc = JSON.parse(readFileSync(state, "utf8")) as Record<string, unknown>;
    doc.history = { demo: [[0, "lots", 0]] };
    const { writeFileSync } = await import("node:fs");
    writeFileSync(bad, JSON.stringify(doc));
    await expect(startTestGateway({ mode: "mock", mock: { state: bad } })).rejects.toThrow(
      /history\.demo\[0\]\[1\] should be a finite number/,
    );
  });
});
