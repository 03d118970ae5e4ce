// A stand-in for the real proxy on 127.0.0.1 (no outside network) for live-mode tests: it records every
// invoke body and its headers, and answers what the test's `answer` says (a recorded-shape success by
// default). `liveUpstream(proxy)` is the gateway's upstream config pointing at it.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedCall {
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface ProxyAnswer {
  status?: number;
  body: unknown;
}

export interface StandInProxy {
  url: string;
  received: ReceivedCall[];
  close(): Promise<void>;
}

/** A proxy success as PROXY.md shows it (`metadata` merged over the default's). */
export function proxySuccess(
  options: { content?: unknown[]; usage?: Record<string, number>; metadata?: Record<string, unknown> } = {},
): unknown {
  const { content = [{ type: "text", text: "4" }], metadata = {} } = options;
  return {
    content,
    usage: options.usage ?? { input_tokens: 14, output_tokens: 5, total_tokens: 19 },
    metadata: {
      team_id: "team_x",
      model: "us.anthropic.claude-3-haiku-20240307-v1:0",
      cost_usd: 1e-5,
      latency_ms: 5,
      remaining_quota: {
        requests_today: 1,
        tokens_today: 19,
        llm_cost: 1e-5,
        gpu_cost: 0,
        total_cost: 1e-5,
        budget_limit: 50,
        remaining_budget: 49.99999,
        budget_usage_percent: 0.00002,
      },
      ...metadata,
    },
  };
}

export async function startStandInProxy(
  answer: (call: ReceivedCall) => ProxyAnswer = () => ({ body: proxySuccess() }),
): Promise<StandInProxy> {
  const received: ReceivedCall[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      const call = { body: JSON.parse(text) as Record<string, unknown>, headers: req.headers };
      received.push(call);
      const { status = 200, body } = answer(call);
      res.statusCode = status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/prod/invoke`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The gateway's `upstream` config for live mode against `proxy`, team `team_x`/`tok_x`. */
export function liveUpstream(proxy: StandInProxy, retries = 0) {
  return {
    kind: "live" as const,
    url: proxy.url,
    team_id: "team_x",
    api_token: "tok_x",
    timeout_ms: 5_000,
    retries,
  };
}
