// createSimulator used directly, as /v1 and record/replay use it: the UpstreamClient contract plus what
// only shows at this seam (typed reset, abort, QuotaService).
import { describe, expect, it } from "vitest";
import { Ledger } from "../../../src/accounting/ledger.ts";
import { loadConfig } from "../../../src/config/load.ts";
import type { ConfigOverrides } from "../../../src/config/types.ts";
import { ManualClock } from "../../../src/shared/clock.ts";
import { GatewayError } from "../../../src/shared/errors.ts";
import { sequentialIds } from "../../../src/shared/ids.ts";
import { createLogger } from "../../../src/shared/logger.ts";
import { createSimulator } from "../../../src/upstream/mock/simulator.ts";
import { createTeamDirectory } from "../../../src/upstream/mock/teams.ts";
import type { Credentials, InvokeRequest, UpstreamResponse } from "../../../src/upstream/types.ts";
import { upstreamContract } from "../upstream-contract.ts";
import { HAIKU3, TEAM, TEAMS } from "./harness.ts";

/** The typed error the upstream's result carries (undefined for an answer). */
const errorOf = (response: UpstreamResponse) => (response.ok ? undefined : response.error);

const credentials: Credentials = { teamId: TEAM.team_id, apiToken: TEAM.api_token, teamField: "team_id" };

function simulator(overrides: ConfigOverrides["mock"] = {}) {
  const { config } = loadConfig({
    implicitFile: false,
    env: {},
    overrides: { mock: { teams: TEAMS, ...overrides } },
  });
  const clock = new ManualClock();
  const ledger = new Ledger(config.mock.teams, clock);
  const sim = createSimulator({
    config,
    clock,
    ids: sequentialIds(),
    budget: ledger,
    teams: createTeamDirectory(config.mock.teams),
    logger: createLogger("silent"),
  });
  return { sim, ledger };
}

const hello: InvokeRequest = {
  model: HAIKU3,
  messages: [{ role: "user", content: "Hello there, how are you?" }],
  max_tokens: 200,
};

upstreamContract("simulator", () => ({ client: simulator().sim, credentials, model: HAIKU3 }));

describe("createSimulator", () => {
  it("gives the same bytes for the same request and seed (with a fresh ledger)", async () => {
    const a = await simulator().sim.invoke(hello, { credentials, requestId: "1" });
    const b = await simulator().sim.invoke(structuredClone(hello), { credentials, requestId: "2" });
    expect(b.text()).toBe(a.text());
  });

  it("throws the typed reset error for X-Mock-Fault: reset, and charges nothing", async () => {
    const { sim, ledger } = simulator();
    const error = await sim
      .invoke(hello, { credentials, requestId: "1", fault: "reset" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("upstream_reset");
    expect((error as GatewayError).shouldRetry).toBe(true);
    expect(ledger.quota(TEAM.team_id).requests_today).toBe(0);
  });

  it("does not charge a caller that hangs up during simulated latency", async () => {
    const { sim, ledger } = simulator();
    const abort = new AbortController();
    const pending = sim.invoke(hello, {
      credentials,
      requestId: "1",
      fault: "slow:60000",
      signal: abort.signal,
    });
    abort.abort();
    await expect(pending).rejects.toMatchObject({ code: "client_closed" });
    expect(ledger.quota(TEAM.team_id).llm_cost).toBe(0);
  });

  it("maps through errorFromUpstream the way /v1 needs it", async () => {
    const { sim } = simulator();
    const throttled = await sim.invoke(hello, { credentials, requestId: "1", fault: "throttle" });
    expect(errorOf(throttled)).toMatchObject({
      status: 429,
      code: "rate_limit_exceeded",
      shouldRetry: true,
    });
    const nova = await sim.invoke(
      { ...hello, model: "us.amazon.nova-lite-v1:0", temperature: 0.3 },
      { credentials, requestId: "2" },
    );
    expect(errorOf(nova)).toMatchObject({ status: 400, code: "invalid_request_error" });
    const long = await sim.invoke(
      {
        ...hello,
        model: "mistral.mistral-small-2402-v1:0",
        messages: [{ role: "user", content: "word ".repeat(33_000) }],
      },
      { credentials, requestId: "3" },
    );
    expect(errorOf(long)).toMatchObject({ status: 400, code: "context_length_exceeded" });
    const timeout = await sim.invoke(hello, { credentials, requestId: "4", fault: "timeout" });
    expect(errorOf(timeout)).toMatchObject({ status: 504, code: "upstream_timeout" });
  });

  it("counts the response_format schema into the input tokens", async () => {
    const { sim } = simulator();
    const plain = JSON.parse((await sim.invoke(hello, { credentials, requestId: "1" })).text());
    const schema = {
      type: "object",
      properties: { greeting: { type: "string", description: "A friendly greeting for the user" } },
      required: ["greeting"],
    };
    const structured = JSON.parse(
      (await sim.invoke({ ...hello, response_format: schema }, { credentials, requestId: "2" })).text(),
    );
    expect(structured.usage.input_tokens).toBeGreaterThan(plain.usage.input_tokens + 10);
  });

  it("implements QuotaService: authenticate in constant time, quota per team", () => {
    const { sim } = simulator();
    expect(sim.authenticate(credentials)).toBe(TEAM.team_id);
    expect(sim.authenticate({ ...credentials, apiToken: "x" })).toBeUndefined();
    expect(sim.authenticate(undefined)).toBeUndefined();
    expect(sim.quota(TEAM.team_id)?.budget_limit).toBe(50);
  });
});
