// The dashboard's routes (issue 18): the page and its assets (offline, strict CSP, HEAD / answers),
// the admin JSON routes it reads, the GPU buttons' routes, and the guards that keep foreign web pages
// and remote callers out.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BudgetView, HistoryView } from "../../src/budget/types.ts";
import type { CassettesView } from "../../src/budget/cassettes.ts";
import { dashboardRouter } from "../../src/dashboard/router.ts";
import { errorMiddleware } from "../../src/http/errors.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const DEMO = { "x-team-id": "demo", "x-api-token": "demo-token", "content-type": "application/json" };
const EVIL = "https://evil.example";

describe("the page", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startTestGateway({ mode: "mock" });
  });
  afterAll(() => gw.close());

  it("GET / and /dashboard serve the page with a policy that allows only this gateway", async () => {
    for (const path of ["/", "/dashboard"]) {
      const res = await fetch(`${gw.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      const html = await res.text();
      expect(html).toContain("/dashboard/assets/uPlot.iife.min.js");
      expect(html).not.toMatch(/\bsrc="https?:|href="https?:/);
    }
  });

  it("HEAD / answers 200 (clients probe it)", async () => {
    const res = await fetch(`${gw.url}/`, { method: "HEAD" });
    expect(res.status).toBe(200);
  });

  it("serves uPlot from node_modules, and the page's own script and styles", async () => {
    const uplot = await fetch(`${gw.url}/dashboard/assets/uPlot.iife.min.js`);
    expect(uplot.headers.get("content-type")).toContain("javascript");
    const file = createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js");
    expect(await uplot.text()).toBe(readFileSync(file, "utf8"));
    for (const asset of ["app.js", "style.css", "uPlot.min.css"]) {
      expect((await fetch(`${gw.url}/dashboard/assets/${asset}`)).status).toBe(200);
    }
    expect((await fetch(`${gw.url}/dashboard/assets/../../config.yaml`)).status).toBe(404);
  });

  it("a foreign web page can neither read the budget nor press a GPU button", async () => {
    const created = await fetch(`${gw.url}/gpu/instances`, {
      method: "POST",
      headers: DEMO,
      body: JSON.stringify({ instance_type: "ml.t3.medium", name: "guarded" }),
    });
    expect(created.status).toBe(201);
    const read = await fetch(`${gw.url}/admin/budget`, { headers: { origin: EVIL } });
    expect(read.status).toBe(403);
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
    const stop = await fetch(`${gw.url}/admin/gpu/demo/guarded/stop`, {
      method: "POST",
      headers: { origin: EVIL, "content-type": "text/plain" },
      body: "{}",
    });
    expect(stop.status).toBe(403);
    const still = (await (await fetch(`${gw.url}/gpu/instances/guarded`, { headers: DEMO })).json()) as {
      status: string;
    };
    expect(still.status).toMatch(/^(Pending|InService)$/);
    // The page's own origin may.
    const own = await fetch(`${gw.url}/admin/gpu/demo/guarded/stop`, {
      method: "POST",
      headers: { origin: gw.url, "content-type": "application/json" },
      body: "{}",
    });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { stop_reason: string }).stop_reason).toBe("user");
  });

  it("drives a team's notebooks: start, stop, delete; unknown ones are 404", async () => {
    // A manual clock: a stopping notebook can be started again once it is Stopped (15 s later).
    const manual = await startTestGateway({ mode: "mock", mock: { clock: "manual" } });
    try {
      await fetch(`${manual.url}/gpu/instances`, {
        method: "POST",
        headers: DEMO,
        body: JSON.stringify({ instance_type: "ml.t3.medium", name: "nb" }),
      });
      const act = (path: string, method = "POST") =>
        fetch(`${manual.url}/admin/gpu/demo/${path}`, {
          method,
          headers: { "content-type": "application/json" },
          body: method === "POST" ? "{}" : null,
        });
      expect((await act("nb/stop")).status).toBe(200);
      await fetch(`${manual.url}/admin/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seconds: 20 }),
      });
      const started = await act("nb/start");
      expect(started.status).toBe(200);
      expect(((await started.json()) as { status: string }).status).toBe("Pending");
      const deleted = await act("nb", "DELETE");
      expect(deleted.status).toBe(200);
      expect(((await deleted.json()) as { status: string }).status).toBe("Deleting");
      expect((await act("missing/stop")).status).toBe(404);
      expect((await fetch(`${manual.url}/admin/gpu/nobody/nb/stop`, { method: "POST" })).status).toBe(404);
    } finally {
      await manual.close();
    }
  });

  it("GET /admin/budget lists every team with its quota, notebooks, and the alert thresholds", async () => {
    const view = (await (await fetch(`${gw.url}/admin/budget`)).json()) as BudgetView;
    expect(view).toMatchObject({ object: "budget", mode: "mock", source: "simulator", gpu: true });
    expect(view.thresholds).toEqual([50, 80, 95]);
    const demo = view.teams.find((t) => t.team_id === "demo");
    expect(demo?.remaining_quota.budget_limit).toBe(50);
    expect(demo?.instances.map((i) => i.name)).toContain("guarded");
  });
});

describe("admin guard for remote callers", () => {
  const board = {
    view: () => ({ object: "budget" }) as unknown as BudgetView,
    history: () => ({ object: "spend_history" }) as unknown as HistoryView,
  };
  function appFrom(address: string) {
    const app = express();
    app.use(
      dashboardRouter({
        board,
        cassettes: () => Promise.resolve({ object: "list", dir: "x", truncated: false, data: [] }),
        adminKey: "admin-secret",
        remoteAddress: () => address,
      }),
    );
    app.use(errorMiddleware(createLogger("silent")));
    return app;
  }

  it("answers remote callers only with X-Admin-Key; the page itself is public", async () => {
    const app = appFrom("10.0.0.7");
    for (const path of ["/admin/budget", "/admin/budget/history", "/admin/cassettes"]) {
      expect((await request(app).get(path)).status).toBe(403);
      expect((await request(app).get(path).set("x-admin-key", "wrong")).status).toBe(403);
      expect((await request(app).get(path).set("x-admin-key", "admin-secret")).status).toBe(200);
    }
    expect((await request(app).get("/")).status).toBe(200);
    expect((await request(appFrom("127.0.0.1")).get("/admin/budget")).status).toBe(200);
  });

  it("has no GPU routes when no simulator answers", async () => {
    expect((await request(appFrom("127.0.0.1")).post("/admin/gpu/demo/nb/stop")).status).toBe(404);
  });
});

describe("GET /admin/cassettes", () => {
  const dir = mkdtempSync(join(tmpdir(), "bpg-dash-cassettes-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists each cassette with its entries and what its calls would cost live", async () => {
    const gw = await startTestGateway({ mode: "record", upstream: { kind: "mock" }, recording: { dir } });
    try {
      const call = (cassette: string, content: string) =>
        fetch(`${gw.url}/prod/invoke`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-cassette": cassette },
          body: JSON.stringify({
            team_id: "demo",
            api_token: "demo-token",
            model: "us.anthropic.claude-3-haiku-20240307-v1:0",
            max_tokens: 30,
            messages: [{ role: "user", content }],
          }),
        });
      let cost = 0;
      for (const text of ["one", "two"]) {
        const answer = (await (await call("suite/a", text)).json()) as { metadata: { cost_usd: number } };
        cost += answer.metadata.cost_usd;
      }
      const view = (await (await fetch(`${gw.url}/admin/cassettes`)).json()) as CassettesView;
      expect(view.dir).not.toContain(tmpdir()); // never the server's absolute path
      const row = view.data.find((c) => c.name === "suite/a");
      expect(row).toMatchObject({ entries: 2, errors: 0, problems: 0 });
      expect(row?.live_cost_usd).toBeCloseTo(cost, 5);
    } finally {
      await gw.close();
    }
  });
});

describe("live mode: the proxy's last figure", () => {
  let proxy: Server;
  let gw: Gateway;
  beforeAll(async () => {
    proxy = createServer((req, res) => {
      req.resume().on("end", () => {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            content: [{ type: "text", text: "4" }],
            usage: { input_tokens: 14, output_tokens: 5, total_tokens: 19 },
            metadata: {
              team_id: "team_x",
              model: "us.anthropic.claude-3-haiku-20240307-v1:0",
              cost_usd: 1e-5,
              latency_ms: 5,
              remaining_quota: {
                requests_today: 5,
                tokens_today: 165,
                llm_cost: 2.15215495,
                gpu_cost: 0.5,
                total_cost: 2.65215495,
                budget_limit: 50,
                remaining_budget: 47.34784505,
                budget_usage_percent: 5.3043099,
              },
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as AddressInfo;
    gw = await startTestGateway({
      mode: "live",
      upstream: {
        url: `http://127.0.0.1:${port}/prod/invoke`,
        team_id: "team_x",
        api_token: "tok_x",
        retries: 0,
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("shows nothing before an answer, then the proxy's figures, labelled as the proxy's", async () => {
    const empty = (await (await fetch(`${gw.url}/admin/budget`)).json()) as BudgetView;
    expect(empty).toMatchObject({ source: "proxy", gpu: false, teams: [] });
    const answer = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-3.5-turbo", messages: [{ role: "user", content: "2+2?" }] }),
    });
    expect(answer.status).toBe(200);
    const view = (await (await fetch(`${gw.url}/admin/budget`)).json()) as BudgetView;
    expect(view.teams).toHaveLength(1);
    expect(view.teams[0]).toMatchObject({
      team_id: "team_x",
      source: "proxy",
      instances: [],
      remaining_quota: { llm_cost: 2.15215495, gpu_cost: 0.5, remaining_budget: 47.34784505 },
    });
    expect(view.models).toEqual([
      {
        model: "us.anthropic.claude-3-haiku-20240307-v1:0",
        requests: 1,
        input_tokens: 14,
        output_tokens: 5,
        cost_usd: 1e-5,
      },
    ]);
    const history = (await (await fetch(`${gw.url}/admin/budget/history`)).json()) as HistoryView;
    expect(history.data[0]?.points[0]?.slice(1)).toEqual([2.15215495, 0.5]);
    expect((await fetch(`${gw.url}/admin/gpu/team_x/nb/stop`, { method: "POST" })).status).toBe(404);
  });
});
