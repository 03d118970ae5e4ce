import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { table } from "../../src/cli/table.ts";
import { startGateway, type Gateway } from "../../src/server/gateway.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { runCliInProcess } from "../helpers/cli.ts";

const cli = runCliInProcess;

describe("bpg gpu", () => {
  let gw: Gateway;
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  beforeAll(async () => {
    gw = await startGateway({ port: 0, clock, server: { log_level: "silent" } });
  });
  afterAll(() => gw.close());

  it("starts, lists and stops instances with readable output", async () => {
    const started = await cli(["gpu", "start", "ml.g5.xlarge", "--name", "nb", "--url", gw.url]);
    expect(started).toMatchObject({ code: 0, err: [] });
    expect(started.out[0]).toContain("Started nb (ml.g5.xlarge, $1.41/hour)");
    clock.advance(90 * 60_000);
    const listed = await cli(["gpu", "list", "--url", gw.url, "--team", "demo", "--token", "demo-token"]);
    expect(listed.code).toBe(0);
    expect(listed.out).toEqual([
      "NAME  TYPE          STATUS     $/HOUR  RUNNING  COST",
      "nb    ml.g5.xlarge  InService  $1.41   1h30m    $2.12",
    ]);
    const stopped = await cli(["gpu", "stop", "nb", "--url", gw.url]);
    expect(stopped.out).toEqual(["Stopping nb: ran 1h30m, cost $2.12 so far."]);
    clock.advance(60_000);
    const restarted = await cli(["gpu", "start", "ml.g5.xlarge", "--name", "nb", "--url", gw.url]);
    expect(restarted.code).toBe(0);
    const types = await cli(["gpu", "types", "--url", gw.url]);
    expect(types.out[0]).toMatch(/^TYPE\s+GPU\s+VRAM\s+CPU\s+RAM\s+\$\/HOUR$/);
    expect(types.out).toHaveLength(6);
  });

  it("exits non-zero with a one-line reason", async () => {
    const unknown = await cli(["gpu", "start", "ml.x1", "--url", gw.url]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toHaveLength(1);
    expect(unknown.err[0]).toMatch(
      /^bpg: POST \/gpu\/instances: HTTP 400: Unknown instance_type "ml.x1". Valid types: ml.t3.medium/,
    );
    const missing = await cli(["gpu", "stop", "ghost", "--url", gw.url]);
    expect(missing).toMatchObject({
      code: 1,
      err: [expect.stringContaining('HTTP 404: No GPU instance named "ghost"')],
    });
    const wrongTeam = await cli(["gpu", "list", "--url", gw.url, "--team", "demo", "--token", "bad"]);
    expect(wrongTeam).toMatchObject({ code: 1, err: [expect.stringContaining("HTTP 401")] });
    const down = await cli(["gpu", "list", "--url", "http://127.0.0.1:9"]);
    expect(down).toMatchObject({
      code: 1,
      err: [expect.stringMatching(/^bpg: cannot reach the gateway at http:\/\/127\.0\.0\.1:9 /)],
    });
  });
});

describe("bpg quota", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          requests_today: 3,
          tokens_today: 120,
          llm_cost: 0.0042,
          gpu_cost: 1.41,
          total_cost: 1.4142,
          budget_limit: 50,
          remaining_budget: 48.5858,
          budget_usage_percent: 2.8284,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("prints the remaining_quota as a table", async () => {
    const res = await cli(["quota", "--url", url]);
    expect(res.code).toBe(0);
    // Every money value at one precision (the ledger's micro-dollars), right-aligned.
    expect(res.out).toEqual([
      "requests_today                 3",
      "tokens_today                 120",
      "llm_cost               $0.004200",
      "gpu_cost               $1.410000",
      "total_cost             $1.414200",
      "budget_limit          $50.000000",
      "remaining_budget      $48.585800",
      "budget_usage_percent       2.83%",
    ]);
  });
});

describe("table", () => {
  it("right-aligns numeric columns", () => {
    expect(
      table(
        ["A", "N"],
        [
          ["x", 5],
          ["yy", 10],
        ],
      ),
    ).toEqual(["A    N", "x    5", "yy  10"]);
  });
});

describe("bpg gpu against a gateway with server.api_keys", () => {
  it("sends the configured key (BPG_API_KEYS), without which the gateway refuses", async () => {
    const gw = await startGateway({ port: 0, server: { log_level: "silent", api_keys: ["sk-cli"] } });
    try {
      const refused = await cli(["gpu", "list", "--url", gw.url]);
      expect(refused.code).toBe(1);
      expect(refused.err[0]).toContain("HTTP 401");
      const listed = await cli(["gpu", "list", "--url", gw.url], { BPG_API_KEYS: "sk-cli" });
      expect(listed).toMatchObject({ code: 0, err: [] });
    } finally {
      await gw.close();
    }
  });
});
