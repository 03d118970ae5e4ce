// An in-test UpstreamClient double that answers like the real proxy (PROXY.md): deterministic from the
// request, metadata echoing the caller's team id, errors on request. Counts its calls.
import type {
  InvokeContext,
  InvokeRequest,
  UpstreamClient,
  UpstreamResponse,
} from "../../src/upstream/types.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

export interface FakeUpstream extends UpstreamClient {
  calls: number;
  closed: boolean;
}

export interface FakeOptions {
  /** Python-style JSON (`", "` separators, `1e-05`) like the real proxy: forces text storage. */
  pythonStyle?: boolean;
  /** Echo the api token somewhere in the answer (a misbehaving upstream): it must still never be stored. */
  leakToken?: boolean;
}

function lastUserText(request: InvokeRequest): string {
  const last = [...request.messages].reverse().find((m) => m.role === "user");
  if (last === undefined) return "";
  if (typeof last.content === "string") return last.content;
  return last.content
    .map((b) => (b.type === "text" ? b.text : b.type === "tool_result" ? String(b.content) : ""))
    .join(" ");
}

export function fakeUpstream(options: FakeOptions = {}): FakeUpstream {
  const fake: FakeUpstream = {
    calls: 0,
    closed: false,
    invoke(request: InvokeRequest, context: InvokeContext): Promise<UpstreamResponse> {
      fake.calls++;
      const team = context.credentials?.teamId;
      if (team === undefined) {
        return Promise.resolve(
          upstreamResponse(
            401,
            { "content-type": "application/json" },
            '{"error": "Unauthorized: invalid team_id or api_token"}',
          ),
        );
      }
      const text = lastUserText(request);
      if (text.includes("boom")) {
        return Promise.resolve(
          upstreamResponse(
            500,
            {
              "content-type": "application/json",
              "x-amzn-requestid": "req-1",
              "set-cookie": "session=secret",
            },
            JSON.stringify({
              error:
                "Bedrock error: An error occurred (ValidationException) when calling the InvokeModel operation: boom",
            }),
          ),
        );
      }
      const content =
        request.tools !== undefined && request.tools.length > 0
          ? [
              {
                type: "tool_use",
                id: `toolu_bdrk_${fake.calls}`,
                name: request.tools[0]?.name ?? "tool",
                input: { location: "Paris" },
              },
            ]
          : [
              {
                type: "text",
                text: `Answer #${fake.calls} to: ${text}\nSecond line.${options.leakToken === true ? ` token=${context.credentials?.apiToken}` : ""}`,
              },
            ];
      const answer = {
        content,
        usage: { input_tokens: 14, output_tokens: 5, total_tokens: 19 },
        metadata: {
          team_id: team,
          model: request.model,
          cost_usd: 1e-5,
          latency_ms: 539.97,
          remaining_quota: {
            requests_today: fake.calls,
            tokens_today: 19 * fake.calls,
            llm_cost: 2.15215495,
            gpu_cost: 0,
            total_cost: 2.15215495,
            budget_limit: 50,
            remaining_budget: 47.847845050000004,
            budget_usage_percent: 4.3043099,
          },
        },
      };
      let body = JSON.stringify(answer);
      if (options.pythonStyle === true)
        body = body
          .replaceAll('":', '": ')
          .replaceAll(',"', ', "')
          .replace('"cost_usd": 0.00001', '"cost_usd": 1e-05');
      return Promise.resolve(
        upstreamResponse(
          200,
          {
            "content-type": "application/json",
            "content-length": String(body.length),
            "x-amzn-requestid": `req-${fake.calls}`,
            authorization: "Bearer leak",
          },
          body,
        ),
      );
    },
    close() {
      fake.closed = true;
      return Promise.resolve();
    },
  };
  return fake;
}
