// The /prod/invoke route with a stand-in UpstreamClient: what any mode's upstream receives, and that
// its answer is passed on byte for byte.
import request from "supertest";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import { invokePreflightRouter, invokeRoute } from "../../src/http/invoke.ts";
import { createApp } from "../../src/server/app.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { sequentialIds } from "../../src/shared/ids.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { createMetrics } from "../../src/shared/metrics.ts";
import type {
  InvokeContext,
  InvokeRequest,
  UpstreamClient,
  UpstreamResponse,
} from "../../src/upstream/types.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

function appWith(answer: UpstreamResponse) {
  const seen: { request?: InvokeRequest; context?: InvokeContext } = {};
  const upstream: UpstreamClient = {
    invoke(req, ctx) {
      seen.request = req;
      seen.context = ctx;
      return Promise.resolve(answer);
    },
    close: () => Promise.resolve(),
  };
  const app = createApp({
    config: DEFAULT_CONFIG,
    upstream,
    logger: createLogger("silent"),
    metrics: createMetrics(),
    ids: sequentialIds(),
    clock: new ManualClock(),
    routers: [invokePreflightRouter()],
    routes: [invokeRoute({ upstream })],
  });
  return { app, seen };
}

describe("invokeRoute", () => {
  it("strips credentials from the body and hands them over in the context, with fault and cassette", async () => {
    const { app, seen } = appWith(upstreamResponse(200, { "content-type": "application/json" }, "{}"));
    await request(app)
      .post("/prod/invoke")
      .set("X-Mock-Fault", "throttle")
      .set("X-Cassette", "demo/one")
      .send({ team_id: "t1", api_token: "secret", model: "m", messages: [], max_tokens: 5, custom_field: 1 });
    expect(seen.request).toEqual({ model: "m", messages: [], max_tokens: 5, custom_field: 1 });
    expect(seen.context).toMatchObject({
      credentials: { teamId: "t1", apiToken: "secret", teamField: "team_id" },
      fault: "throttle",
      cassette: "demo/one",
    });
    expect(seen.context?.requestId).toBeTruthy();
  });

  it("passes participant_id through as the team and says so", async () => {
    const { app, seen } = appWith(upstreamResponse(200, {}, "{}"));
    await request(app)
      .post("/invoke")
      .set("x-api-key", "k")
      .send({ participant_id: "p1", model: "m", messages: [], max_tokens: 5 });
    expect(seen.context?.credentials).toEqual({ teamId: "p1", apiToken: "k", teamField: "participant_id" });
    expect(seen.request).not.toHaveProperty("participant_id");
  });

  it("answers with the upstream's status, headers and body byte for byte", async () => {
    const body = '{"error": "Bedrock error: spaced  out",  "x": 1.50}';
    const { app } = appWith(
      upstreamResponse(
        500,
        { "content-type": "application/json", "x-amzn-RequestId": "abc-123", "set-cookie": "no" },
        body,
      ),
    );
    const res = await request(app).post("/prod/invoke").send({ model: "m" });
    expect(res.status).toBe(500);
    expect(res.text).toBe(body);
    expect(res.headers["x-amzn-requestid"]).toBe("abc-123");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers["access-control-allow-origin"]).toBe("*");
  });

  it("answers 400 in the proxy's shape for a body that is not an object", async () => {
    const { app, seen } = appWith(upstreamResponse(200, {}, "{}"));
    const res = await request(app).post("/prod/invoke").set("content-type", "application/json").send("[1,2]");
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(res.body.message);
    expect(seen.request).toBeUndefined();
  });
});
