// Over a real socket: two gateways, one after the other, on the same state file, with a base clock the
// test controls. The instance keeps running while no gateway is up, and that time is billed once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import { ManualClock } from "../../src/shared/clock.ts";

const HOUR_MS = 3_600_000;
const TEAM = { "x-team-id": "demo", "x-api-token": "demo-token", "content-type": "application/json" };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bpg-gw-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function start(clock: ManualClock): Promise<Gateway> {
  return startGateway({
    port: 0,
    clock,
    server: { log_level: "silent" },
    mock: { state: join(dir, "state.json") },
  });
}

async function json(
  gw: Gateway,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: TEAM,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("GPU billing across gateway restarts", () => {
  it("continues from the state file and bills the downtime exactly once", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const first = await start(clock);
    expect(
      (await json(first, "POST", "/gpu/instances", { instance_type: "ml.g5.xlarge", name: "nb" })).status,
    ).toBe(201);
    clock.advance(HOUR_MS / 2);
    await first.close();

    clock.advance(HOUR_MS / 2);
    const second = await start(clock);
    try {
      const teams = await json(second, "GET", "/admin/teams");
      expect(teams.body.data).toMatchObject([
        { team_id: "demo", remaining_quota: { gpu_cost: 1.41, remaining_budget: 50 - 1.41 } },
      ]);
      expect((await json(second, "POST", "/gpu/instances/nb/stop")).body).toMatchObject({
        running_seconds: 3600,
        cost_usd: 1.41,
      });
      clock.advance(HOUR_MS);
      const again = await json(second, "POST", "/gpu/instances/nb/stop");
      expect(again.status).toBe(409);
      expect((again.body.error as { message: string }).message).toContain(
        "only a Pending or InService instance can be stopped",
      );
    } finally {
      await second.close();
    }

    const third = await start(clock);
    try {
      expect((await json(third, "GET", "/gpu/instances/nb")).body).toMatchObject({
        status: "Stopped",
        cost_usd: 1.41,
      });
    } finally {
      await third.close();
    }
  });

  it("refuses to start on a state file of an unknown version", async () => {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      join(dir, "state.json"),
      JSON.stringify({ format: "bedrock-proxy-gateway/state", version: 2 }),
    );
    await expect(start(new ManualClock())).rejects.toThrow(
      /format version 2, but this gateway reads version 1/,
    );
  });
});
