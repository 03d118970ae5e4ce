// A small in-test UpstreamClient that answers like the real proxy (PROXY.md): text, tool_use blocks,
// structured-output JSON text, DeepSeek `<think>` text, empty content, and each documented error,
// picked by `X-Mock-Fault` (the simulator's own header) or by the request. Suites written against it
// can later point at the real simulator instead.
import { upstreamUnreachable } from "../../src/upstream/errors.ts";
import type {
  InvokeContentBlock,
  InvokeContext,
  InvokeRequest,
  UpstreamClient,
  UpstreamResponse,
} from "../../src/upstream/types.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

export interface RecordedCall {
  request: InvokeRequest;
  context: InvokeContext;
}

export interface UpstreamDouble extends UpstreamClient {
  readonly calls: RecordedCall[];
  /** Answer the next calls with these, in order, before falling back to the default behaviour. */
  queue(...responses: UpstreamResponse[]): void;
}

const JSON_HEADERS = { "content-type": "application/json" };

const bedrockError = (code: string, message: string): string =>
  JSON.stringify({
    error: `Bedrock error: An error occurred (${code}) when calling the InvokeModel operation: ${message}`,
  });

/** The proxy's documented failures (PROXY.md "Errors"), by X-Mock-Fault name. */
export const PROXY_ERRORS: Readonly<Record<string, UpstreamResponse>> = {
  unauthorized: upstreamResponse(
    401,
    JSON_HEADERS,
    JSON.stringify({ error: "Unauthorized: invalid team_id or api_token" }),
  ),
  forbidden: upstreamResponse(
    403,
    JSON_HEADERS,
    JSON.stringify({ error: "Model not allowed for this team" }),
  ),
  budget: upstreamResponse(
    429,
    JSON_HEADERS,
    JSON.stringify({
      error: "Budget exhausted: Quota exceeded",
      remaining_quota: { remaining_budget: -0.01 },
    }),
  ),
  malformed_request: upstreamResponse(
    400,
    JSON_HEADERS,
    JSON.stringify({ error: "Missing field: messages", message: "Missing field: messages" }),
  ),
  validation: upstreamResponse(
    500,
    JSON_HEADERS,
    bedrockError(
      "ValidationException",
      "Malformed input request: #: extraneous key [temperature] is not permitted, please reformat your input and try again.",
    ),
  ),
  context: upstreamResponse(
    500,
    JSON_HEADERS,
    bedrockError(
      "ValidationException",
      "This model's maximum context length is 131072 tokens. Please reduce the length of the prompt",
    ),
  ),
  unknown_model: upstreamResponse(
    500,
    JSON_HEADERS,
    bedrockError("ValidationException", "The provided model identifier is invalid."),
  ),
  throttle: upstreamResponse(
    500,
    JSON_HEADERS,
    bedrockError(
      "ThrottlingException",
      "Too many tokens, please wait before trying again. (reached max retries: 4)",
    ),
  ),
  "500": upstreamResponse(
    500,
    JSON_HEADERS,
    bedrockError("InternalServerException", "The system encountered an unexpected error."),
  ),
  timeout: upstreamResponse(504, JSON_HEADERS, JSON.stringify({ message: "Endpoint request timed out" })),
  too_large: upstreamResponse(413, JSON_HEADERS, JSON.stringify({ message: "Request Entity Too Large" })),
  malformed: upstreamResponse(200, JSON_HEADERS, '{"content": [{"type": "te'),
};

/** A value that satisfies a (simple) JSON schema: enough for zod- and Pydantic-made schemas. */
export function sampleFromSchema(schema: Record<string, unknown>, depth = 0): unknown {
  if (depth > 8) return null;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ("const" in schema) return schema.const;
  const anyOf = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (anyOf?.[0] !== undefined) return sampleFromSchema(anyOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleFromSchema(v, depth + 1)]));
    }
    case "array":
      return schema.items === undefined
        ? []
        : [sampleFromSchema(schema.items as Record<string, unknown>, depth + 1)];
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 42;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return "sample";
  }
}

function lastUser(request: InvokeRequest): InvokeRequest["messages"][number] | undefined {
  return request.messages.filter((m) => m.role === "user").at(-1);
}

function textOf(content: string | InvokeContentBlock[]): string {
  return typeof content === "string"
    ? content
    : content.map((b) => (b.type === "text" ? b.text : "")).join(" ");
}

function answerContent(request: InvokeRequest, n: number): InvokeContentBlock[] {
  const user = lastUser(request);
  const text = user === undefined ? "" : textOf(user.content);
  const hasResults =
    typeof user?.content !== "string" && (user?.content ?? []).some((b) => b.type === "tool_result");
  if (/\bempty\b/i.test(text)) return [];
  const format = request.response_format as
    { json_schema?: { schema?: Record<string, unknown> } } | undefined;
  if (format?.json_schema !== undefined) {
    return [
      {
        type: "text",
        text: JSON.stringify(sampleFromSchema(format.json_schema.schema ?? { type: "object" })),
      },
    ];
  }
  if (request.tools !== undefined && !hasResults && !/none/.test(JSON.stringify(request.tool_choice ?? ""))) {
    const tools = /parallel/i.test(text) ? request.tools : request.tools.slice(0, 1);
    return [
      { type: "text", text: "Let me check." },
      ...tools.map((t, i): InvokeContentBlock => ({
        type: "tool_use",
        id: `toolu_bdrk_01Test${n}x${i}`,
        name: t.name,
        input: sampleFromSchema(t.input_schema) as Record<string, unknown>,
      })),
    ];
  }
  if (hasResults) {
    const results = (user?.content as InvokeContentBlock[]).flatMap((b) =>
      b.type === "tool_result" ? [String(b.content)] : [],
    );
    return [{ type: "text", text: `The tools said: ${results.join("; ")}` }];
  }
  if (request.model.includes("deepseek"))
    return [{ type: "text", text: "<think>The user wants a reply.</think>\n\nHere is the answer." }];
  return [{ type: "text", text: `You said: ${text.slice(0, 200)}` }];
}

export function createUpstreamDouble(): UpstreamDouble {
  const calls: RecordedCall[] = [];
  const queued: UpstreamResponse[] = [];
  let spent = 0;
  return {
    calls,
    queue: (...responses) => void queued.push(...responses),
    async invoke(request, context) {
      calls.push({ request, context });
      const next = queued.shift();
      if (next !== undefined) return next;
      if (context.credentials === undefined) return PROXY_ERRORS.unauthorized!;
      if (context.fault === "reset") throw upstreamUnreachable("ECONNRESET");
      const fault = context.fault === undefined ? undefined : PROXY_ERRORS[context.fault];
      if (fault !== undefined) return fault;
      const content = answerContent(request, calls.length);
      const input = JSON.stringify(request.messages).length >> 2;
      const output = Math.min(request.max_tokens, (5 + JSON.stringify(content).length) >> 3);
      const cost = Math.round((input * 3e-6 + output * 15e-6) * 1e6) / 1e6;
      spent += cost;
      const body = {
        content,
        usage: { input_tokens: input, output_tokens: output, total_tokens: input + output },
        metadata: {
          team_id: context.credentials.teamId,
          model: request.model,
          cost_usd: cost,
          latency_ms: 12.5,
          remaining_quota: {
            requests_today: calls.length,
            tokens_today: 100,
            llm_cost: spent,
            gpu_cost: 0,
            total_cost: spent,
            budget_limit: 50,
            remaining_budget: 50 - spent,
            budget_usage_percent: (spent / 50) * 100,
          },
        },
      };
      return upstreamResponse(200, JSON_HEADERS, JSON.stringify(body));
    },
    close: () => Promise.resolve(),
  };
}
