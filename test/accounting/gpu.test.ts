import { describe, expect, it } from "vitest";
import { createAccounting, type Accounting } from "../../src/accounting/accounting.ts";
import { Ledger } from "../../src/accounting/ledger.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import type { Config, MockTeamConfig } from "../../src/config/types.ts";
import { GatewayError } from "../../src/shared/errors.ts";
import { ManualClock } from "../../src/shared/clock.ts";

const HOUR = 3600;
const teams: MockTeamConfig[] = [
  { team_id: "alpha", api_token: "a-token", budget_limit: 50 },
  { team_id: "beta", api_token: "b-token", budget_limit: 1 },
];

function setup(mock: Partial<Config["mock"]> = {}): Accounting {
  return createAccounting({
    config: { mock: { ...DEFAULT_CONFIG.mock, teams, clock: "manual", ...mock } },
    clock: new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0)),
  });
}
const advance = (acc: Accounting, seconds: number): void => void acc.admin.advanceClock(seconds);

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("GPU billing on a manual clock", () => {
  it("bills exactly 1.41 for one hour of ml.g5.xlarge", () => {
    const acc = setup();
    acc.gpu.create("alpha", { instance_type: "ml.g5.xlarge", name: "nb" });
    advance(acc, HOUR);
    expect(acc.budget.quota("alpha").gpu_cost).toBe(1.41);
    const view = acc.gpu.get("alpha", "nb");
    expect(view).toMatchObject({ status: "InService", running_seconds: 3600, cost_usd: 1.41 });
    const q = acc.budget.quota("alpha");
    expect(q.total_cost).toBe(1.41);
    expect(q.remaining_budget).toBe(50 - 1.41);
    expect(q.budget_usage_percent).toBe((1.41 / 50) * 100);
  });

  it("bills nothing for stopped or deleted time", () => {
    const acc = setup();
    acc.gpu.create("alpha", { instance_type: "ml.g5.xlarge", name: "nb" });
    advance(acc, HOUR);
    expect(acc.gpu.stop("alpha", "nb").status).toBe("Stopping");
    advance(acc, 5 * HOUR);
    expect(acc.gpu.get("alpha", "nb").status).toBe("Stopped");
    expect(acc.budget.quota("alpha").gpu_cost).toBe(1.41);
    acc.gpu.delete("alpha", "nb");
    advance(acc, HOUR);
    expect(acc.gpu.list("alpha")).toEqual([]);
    expect(acc.budget.quota("alpha").gpu_cost).toBe(1.41);
  });

  it("bills partial hours per second: 90 s of ml.t3.medium", () => {
    const acc = setup();
    acc.gpu.create("alpha", { instance_type: "ml.t3.medium" });
    advance(acc, 90);
    expect(acc.budget.quota("alpha").gpu_cost).toBe((0.05 * 90) / 3600);
  });

  it("gives the same total however often billing is settled", () => {
    const acc = setup();
    acc.gpu.create("alpha", { instance_type: "ml.g4dn.xlarge", name: "a" });
    acc.gpu.create("alpha", { instance_type: "ml.g4dn.xlarge", name: "b" });
    for (let i = 0; i < 120; i++) {
      advance(acc, 30);
      acc.budget.quota("alpha");
    }
    expect(acc.budget.quota("alpha").gpu_cost).toBe(0.74 * 2);
  });

  it("moves through Pending, InService, Stopping, Stopped and Deleting on the clock", () => {
    const acc = setup();
    expect(acc.gpu.create("alpha", { instance_type: "ml.t3.medium", name: "n" }).status).toBe("Pending");
    advance(acc, 30);
    expect(acc.gpu.get("alpha", "n").status).toBe("InService");
    acc.gpu.stop("alpha", "n");
    expect(acc.gpu.get("alpha", "n").status).toBe("Stopping");
    advance(acc, 15);
    expect(acc.gpu.get("alpha", "n").status).toBe("Stopped");
    expect(acc.gpu.start("alpha", "n").status).toBe("Pending");
    expect(acc.gpu.delete("alpha", "n").status).toBe("Deleting");
    advance(acc, 10);
    expect(acc.gpu.list("alpha")).toEqual([]);
    // The name is free again once the instance is gone.
    expect(acc.gpu.create("alpha", { instance_type: "ml.t3.medium", name: "n" }).status).toBe("Pending");
  });

  it("stops running instances at the moment GPU time exhausts the budget", () => {
    const acc = setup();
    acc.gpu.create("beta", { instance_type: "ml.p3.2xlarge", name: "big" });
    acc.gpu.create("beta", { instance_type: "ml.t3.medium", name: "small" });
    expect(acc.budget.exhausted("beta")).toBe(false);
    advance(acc, 10 * HOUR);
    expect(acc.budget.exhausted("beta")).toBe(true);
    const q = acc.budget.quota("beta");
    // Billed to the first millisecond at which the budget is gone: a hair over 1, never 10 hours' worth.
    expect(q.gpu_cost).toBeGreaterThanOrEqual(1);
    expect(q.gpu_cost).toBeLessThan(1 + ((3.83 + 0.05) / 3_600_000) * 2);
    expect(q.remaining_budget).toBeLessThanOrEqual(0);
    for (const view of acc.gpu.list("beta")) {
      expect(view).toMatchObject({ status: "Stopped", stop_reason: "budget_exhausted" });
    }
    const stoppedAt = Date.parse(acc.gpu.get("beta", "big").status_since);
    const startedAt = Date.parse(acc.gpu.get("beta", "big").created_at);
    expect(stoppedAt - startedAt).toBe(Math.ceil(3_600_000 / (3.83 + 0.05)));
    // Nothing more accrues, and nothing can start again.
    advance(acc, HOUR);
    expect(acc.budget.quota("beta").gpu_cost).toBe(q.gpu_cost);
    expect(errorOf(() => acc.gpu.start("beta", "big")).status).toBe(429);
    expect(errorOf(() => acc.gpu.create("beta", { instance_type: "ml.t3.medium" })).status).toBe(429);
  });

  it("stops instances when an LLM charge uses up the budget", () => {
    const acc = setup();
    acc.gpu.create("beta", { instance_type: "ml.t3.medium", name: "n" });
    advance(acc, 60);
    acc.budget.chargeLlm("beta", 5, 100);
    advance(acc, HOUR);
    const view = acc.gpu.get("beta", "n");
    expect(view).toMatchObject({ status: "Stopped", stop_reason: "budget_exhausted", running_seconds: 60 });
    expect(acc.budget.quota("beta").gpu_cost).toBe((0.05 * 60_000) / 3_600_000);
  });

  it("keeps teams apart", () => {
    const acc = setup();
    acc.gpu.create("alpha", { instance_type: "ml.g5.xlarge", name: "nb" });
    advance(acc, HOUR);
    expect(acc.budget.quota("beta").gpu_cost).toBe(0);
    expect(errorOf(() => acc.gpu.get("beta", "nb")).status).toBe(404);
    expect(errorOf(() => acc.gpu.stop("beta", "nb")).status).toBe(404);
    expect(acc.gpu.get("alpha", "nb").status).toBe("InService");
  });

  it("admin reset clears one team's money and instances, and accrual starts afresh", () => {
    const acc = setup();
    acc.gpu.create("alpha", { instance_type: "ml.g5.xlarge", name: "nb" });
    acc.gpu.create("beta", { instance_type: "ml.t3.medium", name: "nb" });
    advance(acc, HOUR);
    acc.budget.chargeLlm("alpha", 0.5, 10);
    expect(acc.admin.reset("alpha")).toEqual(["alpha"]);
    expect(acc.budget.quota("alpha")).toMatchObject({ llm_cost: 0, gpu_cost: 0, requests_today: 0 });
    expect(acc.gpu.list("alpha")).toEqual([]);
    expect(acc.budget.quota("beta").gpu_cost).toBe(0.05);
    expect(errorOf(() => acc.admin.reset("nobody")).status).toBe(404);
    expect(acc.admin.reset(undefined)).toEqual(["alpha", "beta"]);
    expect(acc.budget.quota("beta").gpu_cost).toBe(0);
  });

  it("a ledger reset after settling discards the GPU time accrued before it", () => {
    const acc = setup();
    acc.gpu.create("alpha", { instance_type: "ml.g5.xlarge", name: "nb" });
    advance(acc, HOUR);
    acc.gpu.settle("alpha"); // the ledger calls nobody: whoever resets it settles first
    acc.ledger.reset("alpha");
    advance(acc, HOUR);
    expect(acc.budget.quota("alpha").gpu_cost).toBe(1.41);
  });
});

describe("bad input changes nothing", () => {
  // Settle billing to now first: accrual is not a change, only what the bad request might have done is.
  const state = (acc: Accounting): string => {
    for (const team of acc.ledger.teams()) acc.budget.quota(team);
    return JSON.stringify({ l: acc.ledger.toJSON(), g: acc.gpu.toJSON() });
  };

  it.each([
    [
      "unknown type",
      (a: Accounting) => a.gpu.create("alpha", { instance_type: "ml.g9.huge" }),
      400,
      "instance_type",
    ],
    ["missing type", (a: Accounting) => a.gpu.create("alpha", {}), 400, "instance_type"],
    ["not an object", (a: Accounting) => a.gpu.create("alpha", ["ml.t3.medium"]), 400, null],
    [
      "unknown field",
      (a: Accounting) => a.gpu.create("alpha", { instance_type: "ml.t3.medium", gpus: 2 }),
      400,
      "gpus",
    ],
    [
      "bad name",
      (a: Accounting) => a.gpu.create("alpha", { instance_type: "ml.t3.medium", name: "no spaces" }),
      400,
      "name",
    ],
    [
      "taken name",
      (a: Accounting) => a.gpu.create("alpha", { instance_type: "ml.t3.medium", name: "nb" }),
      409,
      "name",
    ],
    ["unknown instance", (a: Accounting) => a.gpu.stop("alpha", "ghost"), 404, "name"],
    ["other team's instance", (a: Accounting) => a.gpu.delete("beta", "nb"), 404, "name"],
    ["stop of a stopped instance", (a: Accounting) => a.gpu.stop("alpha", "off"), 409, "name"],
    ["start of a running instance", (a: Accounting) => a.gpu.start("alpha", "nb"), 409, "name"],
    ["negative clock step", (a: Accounting) => a.admin.advanceClock(-5), 400, "seconds"],
    ["clock step as a string", (a: Accounting) => a.admin.advanceClock("60"), 400, "seconds"],
  ] as const)("%s", (_what, act, status, param) => {
    const acc = setup();
    acc.gpu.create("alpha", { instance_type: "ml.g5.xlarge", name: "nb" });
    acc.gpu.create("alpha", { instance_type: "ml.t3.medium", name: "off" });
    acc.gpu.stop("alpha", "off");
    advance(acc, 60);
    const before = state(acc);
    const error = errorOf(() => act(acc));
    expect(error.status).toBe(status);
    expect(error.param).toBe(param);
    expect(state(acc)).toBe(before);
  });

  it("lists the valid types when the type is unknown", () => {
    const error = errorOf(() => setup().gpu.create("alpha", { instance_type: "p3" }));
    expect(error.message).toContain(
      "ml.t3.medium, ml.t3.xlarge, ml.g4dn.xlarge, ml.g5.xlarge, ml.p3.2xlarge",
    );
  });

  it("a real clock refuses to be advanced", () => {
    const error = errorOf(() => setup({ clock: "real" }).admin.advanceClock(60));
    expect(error).toMatchObject({ status: 409, code: "clock_not_manual" });
  });
});

describe("clock", () => {
  it("time_scale speeds up a real clock", () => {
    const base = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const acc = createAccounting({
      config: { mock: { ...DEFAULT_CONFIG.mock, teams, time_scale: 3600 } },
      clock: base,
    });
    acc.gpu.create("alpha", { instance_type: "ml.g5.xlarge", name: "nb" });
    base.advance(1000);
    expect(acc.budget.quota("alpha").gpu_cost).toBe(1.41);
  });
});

describe("daily counters", () => {
  it("reset at UTC midnight while money counters stay", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 23, 59, 0));
    const ledger = new Ledger(teams, clock);
    ledger.chargeLlm("alpha", 0.25, 100);
    expect(ledger.quota("alpha")).toMatchObject({ requests_today: 1, tokens_today: 100, llm_cost: 0.25 });
    clock.advance(59_000);
    expect(ledger.quota("alpha").requests_today).toBe(1);
    clock.advance(1_000);
    expect(ledger.quota("alpha")).toMatchObject({
      requests_today: 0,
      tokens_today: 0,
      llm_cost: 0.25,
      total_cost: 0.25,
    });
  });
});
