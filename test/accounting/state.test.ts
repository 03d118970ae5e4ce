import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAccounting, type Accounting } from "../../src/accounting/accounting.ts";
import { STATE_VERSION, StateFileError } from "../../src/accounting/state.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import type { Config } from "../../src/config/types.ts";
import { ManualClock } from "../../src/shared/clock.ts";

const HOUR_MS = 3_600_000;
let dir: string;
let statePath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bpg-state-"));
  statePath = join(dir, "nested", "state.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(base: ManualClock, mock: Partial<Config["mock"]> = {}): Accounting {
  return createAccounting({
    config: { mock: { ...DEFAULT_CONFIG.mock, state: statePath, ...mock } },
    clock: base,
    writeDelayMs: 5,
  });
}

describe("state file", () => {
  it("continues billing after a restart, counting the downtime exactly once", async () => {
    const base = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const first = open(base);
    first.gpu.create("demo", { instance_type: "ml.g5.xlarge", name: "nb" });
    first.budget.chargeLlm("demo", 0.125, 42);
    base.advance(HOUR_MS / 2);
    expect(first.budget.quota("demo").gpu_cost).toBe(1.41 / 2);
    await first.close();

    base.advance(HOUR_MS / 2); // the gateway is down; the instance keeps running
    const second = open(base);
    expect(second.budget.quota("demo")).toMatchObject({
      gpu_cost: 1.41,
      llm_cost: 0.125,
      requests_today: 1,
      tokens_today: 42,
    });
    expect(second.gpu.get("demo", "nb")).toMatchObject({ status: "InService", running_seconds: 3600 });
    second.gpu.stop("demo", "nb");
    await second.close();

    base.advance(10 * HOUR_MS); // stopped: costs nothing, down or up
    const third = open(base);
    expect(third.budget.quota("demo").gpu_cost).toBe(1.41);
    expect(third.gpu.get("demo", "nb")).toMatchObject({ status: "Stopped", stop_reason: "user" });
    await third.close();
  });

  it("survives a crash: state written before the crash is billed onward exactly once", async () => {
    const base = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const crashed = open(base);
    crashed.gpu.create("demo", { instance_type: "ml.t3.medium", name: "nb" });
    await crashed.flush();
    base.advance(HOUR_MS);
    crashed.budget.quota("demo"); // billed in memory, never written: the process dies here (no close)
    // What the next process finds of a dead one's lock: stale, taken over (test/server/state-lock.test.ts).
    rmSync(join(dir, "nested", "state.json.lock"));

    base.advance(HOUR_MS);
    const restarted = open(base);
    expect(restarted.budget.quota("demo").gpu_cost).toBe(0.1);
    await restarted.close();
    expect(readdirSync(join(dir, "nested"))).toEqual(["state.json"]);
  });

  it("stops instances that ran out of budget while the gateway was down", async () => {
    const base = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const teams = [{ team_id: "demo", api_token: "t", budget_limit: 1 }];
    const first = open(base, { teams });
    first.gpu.create("demo", { instance_type: "ml.p3.2xlarge", name: "big" });
    await first.close();
    base.advance(24 * HOUR_MS);
    const second = open(base, { teams });
    expect(second.budget.exhausted("demo")).toBe(true);
    expect(second.budget.quota("demo").gpu_cost).toBeLessThan(1.000_01);
    expect(second.gpu.get("demo", "big")).toMatchObject({
      status: "Stopped",
      stop_reason: "budget_exhausted",
    });
    await second.close();
  });

  it("resumes a manual clock where it stopped", async () => {
    const base = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const first = open(base, { clock: "manual" });
    first.gpu.create("demo", { instance_type: "ml.g5.xlarge", name: "nb" });
    first.admin.advanceClock(1800);
    await first.close();
    base.advance(5 * HOUR_MS); // a manual clock ignores real time
    const second = open(base, { clock: "manual" });
    expect(second.admin.clock().now).toBe("2026-01-05T09:30:00.000Z");
    second.admin.advanceClock(1800);
    expect(second.budget.quota("demo").gpu_cost).toBe(1.41);
    await second.close();
  });

  it("coalesces a burst of changes into few writes and flushes on close", async () => {
    const base = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const acc = open(base);
    for (let i = 0; i < 200; i++) acc.budget.chargeLlm("demo", 0.001, 1);
    await acc.close();
    const doc = JSON.parse(readFileSync(statePath, "utf8")) as {
      version: number;
      accounts: { demo: { requests_today: number } };
    };
    expect(doc.version).toBe(STATE_VERSION);
    expect(doc.accounts.demo.requests_today).toBe(200);
  });

  it("refuses a file of another format version with a clear error", () => {
    writeFileSync(
      join(dir, "v9.json"),
      JSON.stringify({ format: "bedrock-proxy-gateway/state", version: 9 }),
    );
    statePath = join(dir, "v9.json");
    const base = new ManualClock();
    expect(() => open(base)).toThrow(StateFileError);
    expect(() => open(base)).toThrow(/format version 9, but this gateway reads version 1/);
  });

  it("refuses a damaged file, naming the field", () => {
    statePath = join(dir, "bad.json");
    writeFileSync(
      statePath,
      JSON.stringify({
        format: "bedrock-proxy-gateway/state",
        version: 1,
        saved_at: "",
        clock: { sim_ms: 1, real_ms: 1 },
        accounts: { demo: { llm_cost: "lots" } },
        gpu: { settled_at: {}, instances: [] },
      }),
    );
    expect(() => open(new ManualClock())).toThrow(/accounts\.demo\.llm_cost should be a finite number/);
    writeFileSync(statePath, "{ not json");
    expect(() => open(new ManualClock())).toThrow(/is not valid JSON/);
  });

  it("ignores teams that are no longer configured", async () => {
    const base = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const first = open(base, {
      teams: [{ team_id: "gone", api_token: "t", budget_limit: 5 }, ...DEFAULT_CONFIG.mock.teams],
    });
    first.gpu.create("gone", { instance_type: "ml.t3.medium" });
    await first.close();
    const second = open(base);
    expect(second.ledger.teams()).toEqual(["demo"]);
    expect(second.admin.teams()).toHaveLength(1);
    await second.close();
  });
});
