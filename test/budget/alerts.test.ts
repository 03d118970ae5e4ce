// Budget alerts (issue 18): each threshold of budget_usage_percent gives one warning log line and one
// webhook POST per team; none when alerts are disabled; a failing webhook is logged and blocks nothing.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BudgetAlerts, type BudgetAlert } from "../../src/budget/alerts.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import type { RemainingQuota } from "../../src/shared/remaining-quota.ts";
import type { BudgetView } from "../../src/budget/types.ts";
import { captureLog, startTestGateway } from "../helpers/gateway.ts";

/** How long an awaited event may take on a loaded machine (a bound, not a measurement). */
const WAIT = { timeout: 15_000 };

function quota(percent: number, limit = 50): RemainingQuota {
  const total = (percent / 100) * limit;
  return {
    requests_today: 1,
    tokens_today: 10,
    llm_cost: total,
    gpu_cost: 0,
    total_cost: total,
    budget_limit: limit,
    remaining_budget: limit - total,
    budget_usage_percent: percent,
  };
}

function alertsWith(config: Partial<typeof DEFAULT_CONFIG.alerts> = {}) {
  const { logger, log } = captureLog("warn");
  const posts: { url: string; body: BudgetAlert }[] = [];
  const alerts = new BudgetAlerts({
    config: { ...DEFAULT_CONFIG.alerts, webhook_url: "http://127.0.0.1:9/hook/secret-token", ...config },
    clock: new ManualClock(),
    logger,
    source: "simulator",
    post: (url, body) => {
      posts.push({ url, body: JSON.parse(body) as BudgetAlert });
      return Promise.resolve(204);
    },
  });
  const warnings = () => log.lines.filter((l) => l.includes("budget alert:"));
  return { alerts, posts, warnings, log };
}

describe("BudgetAlerts", () => {
  it("alerts once per threshold and team: one log line and one POST each", async () => {
    const { alerts, posts, warnings } = alertsWith();
    for (const p of [10, 49.9, 50, 55, 79, 81, 90, 96, 99, 100]) alerts.observe("demo", quota(p));
    alerts.observe("other", quota(60));
    await alerts.settled();
    expect(posts.map((p) => [p.body.team_id, p.body.threshold_percent])).toEqual([
      ["demo", 50],
      ["demo", 80],
      ["demo", 95],
      ["other", 50],
    ]);
    expect(warnings()).toHaveLength(4);
    expect(warnings()[0]).toContain('"level":40');
    expect(posts[0]?.body).toMatchObject({
      type: "budget_alert",
      team_id: "demo",
      threshold_percent: 50,
      budget_usage_percent: 50,
      budget_limit: 50,
      remaining_budget: 25,
      source: "simulator",
    });
    expect(alerts.recent()).toHaveLength(4);
  });

  it("reports every threshold one jump passes, and re-arms after a reset", async () => {
    const { alerts, posts } = alertsWith();
    alerts.observe("demo", quota(97));
    alerts.observe("demo", quota(0)); // POST /admin/reset
    alerts.observe("demo", quota(51));
    await alerts.settled();
    expect(posts.map((p) => p.body.threshold_percent)).toEqual([50, 80, 95, 50]);
  });

  it("says nothing about thresholds passed before start-up (silent), only about new ones", async () => {
    const { alerts, posts } = alertsWith();
    alerts.observe("demo", quota(85), true);
    alerts.observe("demo", quota(86));
    alerts.observe("demo", quota(96));
    await alerts.settled();
    expect(posts.map((p) => p.body.threshold_percent)).toEqual([95]);
  });

  it("sends nothing and logs nothing when disabled", async () => {
    const { alerts, posts, warnings } = alertsWith({ enabled: false });
    alerts.observe("demo", quota(100));
    await alerts.settled();
    expect(posts).toEqual([]);
    expect(warnings()).toEqual([]);
    expect(alerts.recent()).toEqual([]);
  });

  it("logs without posting when no webhook is set", async () => {
    const { alerts, posts, warnings } = alertsWith({ webhook_url: null });
    alerts.observe("demo", quota(50));
    await alerts.settled();
    expect(posts).toEqual([]);
    expect(warnings()).toHaveLength(1);
  });
});

describe("alerts through a gateway", () => {
  let hook: Server;
  let hookUrl: string;
  const received: BudgetAlert[] = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let text = "";
      req.on("data", (d: Buffer) => (text += d.toString()));
      req.on("end", () => {
        received.push(JSON.parse(text) as BudgetAlert);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`;
  });
  afterAll(() => new Promise<void>((resolve) => hook.close(() => resolve())));

  // A GPU notebook spends by the hour: with a manual clock, time decides the usage exactly.
  async function gatewayAt(webhook: string) {
    const { logger, log } = captureLog("warn");
    const gw = await startTestGateway({
      mode: "mock",
      logger,
      mock: { clock: "manual", teams: [{ team_id: "demo", api_token: "demo-token", budget_limit: 1 }] },
      alerts: { webhook_url: webhook },
    });
    const demo = { "x-team-id": "demo", "x-api-token": "demo-token", "content-type": "application/json" };
    const created = await fetch(`${gw.url}/gpu/instances`, {
      method: "POST",
      headers: demo,
      body: JSON.stringify({ instance_type: "ml.g5.xlarge", name: "nb" }), // $1.41/h on a $1 budget
    });
    expect(created.status).toBe(201);
    const advance = (seconds: number) =>
      fetch(`${gw.url}/admin/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seconds }),
      });
    const view = async () => (await (await fetch(`${gw.url}/admin/budget`)).json()) as BudgetView;
    return { gw, log, advance, view };
  }

  it("POSTs one JSON event per threshold to alerts.webhook_url and shows it on /admin/budget", async () => {
    const { gw, log, advance, view } = await gatewayAt(hookUrl);
    try {
      await advance(1800); // 0.705 of $1: passes 50 %
      await expect.poll(() => received.length, WAIT).toBe(1);
      await advance(600); // 0.94: passes 80 %
      await advance(60);
      await expect.poll(() => received.length, WAIT).toBe(2);
      await advance(3600); // the budget runs out; the notebook is stopped: passes 95 %
      await expect.poll(() => received.length, WAIT).toBe(3);
      expect(received.map((a) => a.threshold_percent)).toEqual([50, 80, 95]);
      expect(received.every((a) => a.team_id === "demo" && a.source === "simulator")).toBe(true);
      const alerts = (await view()).alerts;
      expect(alerts.map((a) => a.threshold_percent)).toEqual([50, 80, 95]);
      expect(log.lines.filter((l) => l.includes("budget alert:"))).toHaveLength(3);
    } finally {
      await gw.close();
    }
  });

  it("logs a failing webhook and goes on answering", async () => {
    const { gw, log, advance, view } = await gatewayAt("http://127.0.0.1:9/unreachable/secret-part");
    try {
      const answered = await advance(1800);
      expect(answered.status).toBe(200);
      await expect
        .poll(() => log.lines.some((l) => l.includes("budget alert webhook failed")), WAIT)
        .toBe(true);
      const line = log.lines.find((l) => l.includes("budget alert webhook failed")) ?? "";
      expect(line).toContain("http://127.0.0.1:9");
      expect(line).not.toContain("secret-part");
      expect((await view()).alerts).toHaveLength(1);
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});
