// The live client runs the same UpstreamClient contract as the simulator and record/replay (STYLE.md
// #14), over undici's MockAgent: a stand-in for the proxy that answers as PROXY.md documents — 401
// without credentials, Bedrock's ValidationException for an unknown model, else a recorded success —
// and the per-status-class error classification table (classificationContract).
import { MockAgent } from "undici";
import { afterAll } from "vitest";
import { createLogger } from "../../../src/shared/logger.ts";
import { createLiveClient } from "../../../src/upstream/live/client.ts";
import {
  CONTRACT_UNKNOWN_MODEL,
  classificationContract,
  upstreamContract,
  type ContractSubject,
  type UpstreamAnswerSpec,
} from "../upstream-contract.ts";
import { PROXY_ERRORS } from "../../helpers/upstream-double.ts";

const ORIGIN = "https://proxy.example.test";
const MODEL = "us.anthropic.claude-3-haiku-20240307-v1:0";
const SUCCESS = {
  content: [{ type: "text", text: "Hello!" }],
  usage: { input_tokens: 14, output_tokens: 5, total_tokens: 19 },
  metadata: {
    team_id: "team_1",
    model: MODEL,
    cost_usd: 1e-5,
    latency_ms: 539.97,
    remaining_quota: {
      requests_today: 5,
      tokens_today: 165,
      llm_cost: 2.15215495,
      gpu_cost: 0,
      total_cost: 2.15215495,
      budget_limit: 50,
      remaining_budget: 47.84784505,
      budget_usage_percent: 4.3043099,
    },
  },
};

const agents: MockAgent[] = [];
afterAll(() => Promise.all(agents.map((a) => a.close())));

/** The invoke route of a fresh MockAgent (network disabled), closed after the file. */
function invokeRoute() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  return { agent, route: agent.get(ORIGIN).intercept({ path: "/prod/invoke", method: "POST" }) };
}

/** The live client over `agent`, with credentials the stand-ins accept. */
function subject(agent: MockAgent): ContractSubject {
  return {
    client: createLiveClient({
      url: `${ORIGIN}/prod/invoke`,
      timeoutMs: 1_000,
      logger: createLogger("silent"),
      dispatcher: agent,
    }),
    credentials: { teamId: "team_1", apiToken: "tok_secret", teamField: "team_id" },
    model: MODEL,
  };
}

/** Answers as the proxy documents it: 401 without credentials, the unknown-model rejection, else SUCCESS. */
function proxyStandIn(): MockAgent {
  const { agent, route } = invokeRoute();
  route
    .reply((options) => {
      const body = JSON.parse(String(options.body)) as { model?: string; api_token?: string };
      const json = { "content-type": "application/json" };
      const refusal =
        body.api_token === undefined
          ? PROXY_ERRORS.unauthorized!
          : body.model === CONTRACT_UNKNOWN_MODEL
            ? PROXY_ERRORS.unknown_model!
            : undefined;
      if (refusal !== undefined)
        return { statusCode: refusal.status, data: refusal.text(), responseOptions: { headers: json } };
      return { statusCode: 200, data: JSON.stringify(SUCCESS), responseOptions: { headers: json } };
    })
    .persist();
  return agent;
}

/** Answers every call with `spec`. */
function answering(spec: UpstreamAnswerSpec): MockAgent {
  const { agent, route } = invokeRoute();
  route
    .reply(spec.status, spec.text, { headers: { "content-type": "application/json", ...spec.headers } })
    .persist();
  return agent;
}

upstreamContract("live client (over MockAgent)", () => subject(proxyStandIn()));
classificationContract("live client (over MockAgent)", (spec) => subject(answering(spec)));
