// `bpg quota --watch` reads GET /admin/budget, the dashboard's own route, and prints every team.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ["node", "bpg", ...args],
    {},
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out, err };
}

describe("bpg quota --watch", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      mode: "mock",
      mock: {
        clock: "manual",
        teams: [
          { team_id: "demo", api_token: "demo-token", budget_limit: 50 },
          { team_id: "lab", api_token: "lab-token", budget_limit: 2 },
        ],
      },
    });
    await fetch(`${gw.url}/gpu/instances`, {
      method: "POST",
      headers: { "x-team-id": "lab", "x-api-token": "lab-token", "content-type": "application/json" },
      body: JSON.stringify({ instance_type: "ml.g5.xlarge", name: "nb" }),
    });
    await fetch(`${gw.url}/admin/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seconds: 3600 }),
    });
  });
  afterAll(() => gw.close());

  it("prints a row per team with its spend split, running GPUs and the latest alerts, n times", async () => {
    const res = await cli(["quota", "--watch", "--count", "2", "--interval", "0.2", "--url", gw.url]);
    expect(res).toMatchObject({ code: 0, err: [] });
    const headers = res.out.filter((l) => l.startsWith("TEAM"));
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatch(/^TEAM\s+LIMIT\s+SPENT\s+LLM\s+GPU\s+REMAINING\s+USED\s+GPUS RUNNING$/);
    expect(res.out.find((l) => l.startsWith("demo"))).toMatch(/^demo\s+\$50\.00\s+\$0\.00\s+.*0\.00%\s+0$/);
    // An hour of ml.g5.xlarge ($1.41) on a $2 budget: 70.5 % used, one notebook running, the 50 % alert.
    expect(res.out.find((l) => l.startsWith("lab"))).toMatch(
      /^lab\s+\$2\.00\s+\$1\.41\s+\$0\.00\s+\$1\.41\s+\$0\.59\s+70\.50%\s+1$/,
    );
    expect(res.out.some((l) => /^alert .*team lab passed 50%/.test(l))).toBe(true);
    expect(res.out[0]).toContain("figures: the simulator's ledger");
  });

  it("without --watch still prints the caller's own quota", async () => {
    const res = await cli(["quota", "--url", gw.url, "--team", "lab", "--token", "lab-token"]);
    expect(res.code).toBe(0);
    expect(res.out.find((l) => l.startsWith("gpu_cost"))).toMatch(/\$1\.410000$/);
  });
});
