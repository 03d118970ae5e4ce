import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createAccounting } from "../../src/accounting/accounting.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import type { Config } from "../../src/config/types.ts";
import { adminRouter, isLoopback } from "../../src/http/admin.ts";
import { errorMiddleware } from "../../src/http/errors.ts";
import { createApp } from "../../src/server/app.ts";
import { createSurfaces } from "../../src/server/surfaces.ts";
import { createUpstream } from "../../src/server/upstream.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { sequentialIds } from "../../src/shared/ids.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { createMetrics } from "../../src/shared/metrics.ts";

const config: Config = {
  ...DEFAULT_CONFIG,
  mock: {
    ...DEFAULT_CONFIG.mock,
    clock: "manual",
    teams: [
      { team_id: "alpha", api_token: "a-token", budget_limit: 50 },
      { team_id: "beta", api_token: "b-token", budget_limit: 50 },
    ],
  },
};
const ALPHA = { "x-team-id": "alpha", "x-api-token": "a-token" };
const BETA = { authorization: "Bearer beta:b-token" };

function gateway(overrides: Partial<Config> = {}) {
  const deps = {
    config: { ...config, ...overrides },
    clock: new ManualClock(Date.UTC(2026, 0, 5, 9)),
    ids: sequentialIds(),
    logger: createLogger("silent"),
    metrics: createMetrics(),
  };
  const stack = createUpstream(deps);
  const surfaces = createSurfaces({ ...deps, stack });
  return { app: createApp({ ...deps, upstream: stack.upstream, ...surfaces }), stack };
}

describe("server.api_keys on the team routes", () => {
  it("/gpu and /quota want a gateway key like /v1: a budget must not be spent without one", async () => {
    const { app } = gateway({ server: { ...config.server, api_keys: ["sk-good"] } });
    const refused = await request(app)
      .post("/gpu/instances")
      .set(ALPHA)
      .send({ instance_type: "ml.t3.medium", name: "nb" });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("invalid_api_key");
    expect((await request(app).get("/quota").set(ALPHA)).status).toBe(401);
    expect(
      (await request(app).get("/gpu/instances").set(ALPHA).set("authorization", "Bearer sk-bad")).status,
    ).toBe(401);
    const key = { ...ALPHA, authorization: "Bearer sk-good" };
    expect(
      (await request(app).post("/gpu/instances").set(key).send({ instance_type: "ml.t3.medium", name: "nb" }))
        .status,
    ).toBe(201);
    expect((await request(app).get("/gpu/instances").set(key)).body.data).toHaveLength(1);
    expect((await request(app).get("/quota").set(key)).status).toBe(200);
  });
});

describe("/gpu routes", () => {
  it("serve the guide's instance types", async () => {
    const { app } = gateway();
    const res = await request(app).get("/gpu/instance-types").expect(200);
    expect(res.body.data.map((t: { instance_type: string }) => t.instance_type)).toEqual([
      "ml.t3.medium",
      "ml.t3.xlarge",
      "ml.g4dn.xlarge",
      "ml.g5.xlarge",
      "ml.p3.2xlarge",
    ]);
    expect(res.body.data[3]).toEqual({
      instance_type: "ml.g5.xlarge",
      gpu: "1x A10G",
      vram_gb: 24,
      vcpus: 4,
      ram_gb: 16,
      usd_per_hour: 1.41,
      best_for: "Best price/performance",
    });
  });

  it("create, bill, stop, start and delete an instance", async () => {
    const { app } = gateway();
    const created = await request(app)
      .post("/gpu/instances")
      .set(ALPHA)
      .send({ instance_type: "ml.g5.xlarge", name: "nb" })
      .expect(201);
    expect(created.body).toMatchObject({ name: "nb", status: "Pending", cost_usd: 0 });
    await request(app).post("/admin/clock/advance").send({ seconds: 3600 }).expect(200);
    const got = await request(app).get("/gpu/instances/nb").set(ALPHA).expect(200);
    expect(got.body).toMatchObject({ status: "InService", running_seconds: 3600, cost_usd: 1.41 });
    await request(app).post("/gpu/instances/nb/stop").set(ALPHA).expect(200);
    await request(app).post("/admin/clock/advance").send({ seconds: 60 }).expect(200);
    const teams = await request(app).get("/admin/teams").expect(200);
    expect(teams.body.data[0]).toMatchObject({
      team_id: "alpha",
      remaining_quota: { gpu_cost: 1.41, total_cost: 1.41 },
    });
    expect(teams.body.data[0].instances[0]).toMatchObject({ name: "nb", status: "Stopped" });
    await request(app).post("/gpu/instances/nb/start").set(ALPHA).expect(200);
    const deleted = await request(app).delete("/gpu/instances/nb").set(ALPHA).expect(200);
    expect(deleted.body.status).toBe("Deleting");
    const list = await request(app).get("/gpu/instances").set(ALPHA).expect(200);
    expect(list.body).toMatchObject({ object: "list", data: [{ name: "nb", status: "Deleting" }] });
  });

  it("answer bad input with clear OpenAI-style 4xx errors and change nothing", async () => {
    const { app, stack } = gateway();
    await request(app)
      .post("/gpu/instances")
      .set(ALPHA)
      .send({ instance_type: "ml.t3.medium", name: "nb" })
      .expect(201);
    await request(app).post("/gpu/instances/nb/stop").set(ALPHA).expect(200);
    const accounting = stack.accounting;
    if (accounting === undefined) throw new Error("mock mode has accounting");
    const snapshot = (): string => {
      for (const team of accounting.ledger.teams()) accounting.budget.quota(team); // settle: accrual is not a change
      return JSON.stringify([accounting.ledger.toJSON(), accounting.gpu.toJSON()]);
    };
    const before = snapshot();

    const unknownType = await request(app)
      .post("/gpu/instances")
      .set(ALPHA)
      .send({ instance_type: "ml.p4d.24xlarge" })
      .expect(400);
    expect(unknownType.body.error).toMatchObject({
      type: "invalid_request_error",
      param: "instance_type",
      code: "invalid_instance_type",
    });
    expect(unknownType.body.error.message).toContain("ml.g5.xlarge");
    const taken = await request(app)
      .post("/gpu/instances")
      .set(ALPHA)
      .send({ instance_type: "ml.t3.medium", name: "nb" })
      .expect(409);
    expect(taken.body.error).toMatchObject({ param: "name", code: "name_taken" });
    const missing = await request(app).post("/gpu/instances/ghost/stop").set(ALPHA).expect(404);
    expect(missing.body.error).toMatchObject({ code: "instance_not_found", param: "name" });
    const otherTeam = await request(app).delete("/gpu/instances/nb").set(BETA).expect(404);
    expect(otherTeam.body.error.code).toBe("instance_not_found");
    const stopped = await request(app).post("/gpu/instances/nb/stop").set(ALPHA).expect(409);
    expect(stopped.body.error.message).toMatch(
      /is Stopping; only a Pending or InService instance can be stopped/,
    );
    const badToken = await request(app)
      .get("/gpu/instances")
      .set({ "x-team-id": "alpha", "x-api-token": "nope" })
      .expect(401);
    expect(badToken.body.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
    await request(app)
      .post("/gpu/instances")
      .set(ALPHA)
      .set("content-type", "application/json")
      .send("{oops")
      .expect(400);
    await request(app).post("/admin/clock/advance").send({ seconds: "soon" }).expect(400);

    expect(snapshot()).toBe(before);
  });

  it("without credentials act for the first simulated team (like /v1)", async () => {
    const { app } = gateway();
    await request(app).post("/gpu/instances").send({ instance_type: "ml.t3.medium", name: "x" }).expect(201);
    await request(app).get("/gpu/instances/x").set(ALPHA).expect(200);
  });
});

describe("/admin routes", () => {
  function adminApp(adminKey: string | null, address: string) {
    const acc = createAccounting({ config, clock: new ManualClock() });
    const app = express();
    app.use(express.json());
    app.use(adminRouter({ admin: acc.admin, adminKey, remoteAddress: () => address }));
    app.use(errorMiddleware(createLogger("silent")));
    return app;
  }

  it("refuse non-loopback callers without the admin key", async () => {
    const res = await request(adminApp(null, "203.0.113.9")).get("/admin/teams").expect(403);
    expect(res.body.error).toMatchObject({ type: "permission_error", code: "admin_forbidden" });
    await request(adminApp("s3cret", "203.0.113.9"))
      .post("/admin/reset")
      .set("x-admin-key", "wrong")
      .expect(403);
    await request(adminApp("s3cret", "203.0.113.9")).post("/admin/reset").expect(403);
  });

  it("accept the admin key from anywhere, and loopback without it", async () => {
    await request(adminApp("s3cret", "203.0.113.9"))
      .get("/admin/teams")
      .set("x-admin-key", "s3cret")
      .expect(200);
    await request(adminApp(null, "::ffff:127.0.0.1")).get("/admin/teams").expect(200);
    const reset = await request(adminApp(null, "::1"))
      .post("/admin/reset")
      .send({ team_id: "beta" })
      .expect(200);
    expect(reset.body).toEqual({ reset: ["beta"] });
    const all = await request(adminApp(null, "127.0.0.1")).post("/admin/reset").expect(200);
    expect(all.body).toEqual({ reset: ["alpha", "beta"] });
    await request(adminApp(null, "127.0.0.1")).post("/admin/reset").send({ team_id: "zeta" }).expect(404);
    await request(adminApp(null, "127.0.0.1")).post("/admin/reset").send({ team_id: 7 }).expect(400);
  });

  it("recognise loopback addresses only", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"].every(isLoopback)).toBe(true);
    expect(["10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "1270.0.0.1", undefined].some(isLoopback)).toBe(false);
  });
});
