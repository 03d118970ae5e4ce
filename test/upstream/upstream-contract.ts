// One contract suite for every UpstreamClient (STYLE.md #14), run by each implementation's own test file:
// the simulator (mock/simulator.test.ts), the live client over undici's MockAgent (live/contract.test.ts)
// and record/replay (cassettes/contract.test.ts). Every result is checked as upstream/result.ts
// classifies it (`ok`, the typed answer or error). `classificationContract` is the per-status-class table
// for a client that relays whatever its upstream sends (the live client over MockAgent).
import { describe, expect, it } from "vitest";
import type { Credentials, InvokeRequest, UpstreamClient } from "../../src/upstream/types.ts";

export interface ContractSubject {
  client: UpstreamClient;
  /** Credentials the client accepts. */
  credentials: Credentials;
  /** A model id the client answers for. */
  model: string;
}

/** The request every check sends (record/replay records it first). */
export const contractRequest = (model: string): InvokeRequest => ({
  model,
  messages: [{ role: "user", content: "Say hello in one sentence." }],
  max_tokens: 64,
});

/** The model the Bedrock-rejection check asks for. */
export const CONTRACT_UNKNOWN_MODEL = "us.example.not-a-model-v1:0";

export function upstreamContract(name: string, make: () => ContractSubject | Promise<ContractSubject>): void {
  describe(`UpstreamClient contract: ${name}`, () => {
    const plain = contractRequest;

    it("answers 200 with exactly content, usage and metadata, as JSON text", async () => {
      const { client, credentials, model } = await make();
      const res = await client.invoke(plain(model), { credentials, requestId: "req_contract_1" });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      const body = JSON.parse(res.text()) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(["content", "usage", "metadata"]);
      expect(Object.keys(body.usage as object)).toEqual(["input_tokens", "output_tokens", "total_tokens"]);
      expect(Object.keys((body.metadata as { remaining_quota: object }).remaining_quota)).toHaveLength(8);
      // The typed answer is what the text says (classified once, by the factory).
      expect(res.ok).toBe(true);
      if (res.ok) expect(res.answer).toEqual(body);
    });

    it("returns refusals as responses, not exceptions: no credentials → 401", async () => {
      const { client, model } = await make();
      const res = await client.invoke(plain(model), { credentials: undefined, requestId: "req_contract_2" });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text())).toHaveProperty("error");
      expect(res).toMatchObject({ ok: false, error: { status: 401, code: "invalid_api_key" } });
    });

    it("returns Bedrock rejections as 500 responses carrying the Bedrock message", async () => {
      const { client, credentials } = await make();
      const res = await client.invoke(plain(CONTRACT_UNKNOWN_MODEL), {
        credentials,
        requestId: "req_contract_3",
      });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.text()).error).toMatch(/^Bedrock error: .*ValidationException/);
      expect(res).toMatchObject({
        ok: false,
        error: { status: 404, code: "model_not_found", shouldRetry: false },
      });
    });

    it("closes cleanly", async () => {
      const { client } = await make();
      await expect(client.close()).resolves.toBeUndefined();
    });
  });
}

/** What the relaying client's upstream sends for one row of the classification table. */
export interface UpstreamAnswerSpec {
  status: number;
  headers?: Record<string, string>;
  text: string;
}

const bedrock = (code: string, message: string): string =>
  JSON.stringify({
    error: `Bedrock error: An error occurred (${code}) when calling the InvokeModel operation: ${message}`,
  });

/**
 * Each status class the proxy (or what stands in front of it) answers with → the gateway's error
 * (CONTRACT §3): [row, upstream status, upstream body, gateway status, code, retryable].
 */
const CLASSIFICATION: [string, number, string, number, string, boolean][] = [
  ["2xx, not JSON", 200, "<html>oops</html>", 502, "upstream_malformed", true],
  ["2xx, no usage", 200, '{"content": []}', 502, "upstream_malformed", true],
  ["3xx", 302, "", 502, "upstream_error", false],
  ["400", 400, '{"error": "Missing field: messages"}', 400, "invalid_request_error", false],
  ["401", 401, '{"error": "Unauthorized: invalid team_id or api_token"}', 401, "invalid_api_key", false],
  ["403", 403, '{"error": "Model not allowed: m"}', 403, "model_not_allowed", false],
  ["413", 413, '{"message": "Request Entity Too Large"}', 413, "request_too_large", false],
  ["429", 429, '{"error": "Budget exhausted: Quota exceeded"}', 429, "insufficient_quota", false],
  [
    "500 throttling",
    500,
    bedrock("ThrottlingException", "Too many tokens"),
    429,
    "rate_limit_exceeded",
    true,
  ],
  [
    "500 validation",
    500,
    bedrock("ValidationException", "Malformed input request"),
    400,
    "invalid_request_error",
    false,
  ],
  [
    "500 context",
    500,
    bedrock("ValidationException", "Input Tokens Exceeded"),
    400,
    "context_length_exceeded",
    false,
  ],
  [
    "500 unknown model",
    500,
    bedrock("ValidationException", "model identifier is invalid"),
    404,
    "model_not_found",
    false,
  ],
  ["500 internal", 500, bedrock("InternalServerException", "unexpected"), 503, "upstream_unavailable", true],
  ["500 other", 500, '{"error": "Internal server error"}', 502, "upstream_error", false],
  ["502", 502, "<html><body>Bad Gateway</body></html>", 503, "upstream_unavailable", true],
  ["503", 503, '{"message": "Service Unavailable"}', 503, "upstream_unavailable", true],
  ["504", 504, '{"message": "Endpoint request timed out"}', 504, "upstream_timeout", true],
];

/**
 * The classification table for a client that relays its upstream's answers: `make(spec)` gives a client
 * whose upstream answers `spec`. Each row must come back as a failed result with the right typed error,
 * its status and text untouched (the /prod/invoke surface passes them on).
 */
export function classificationContract(
  name: string,
  make: (spec: UpstreamAnswerSpec) => ContractSubject | Promise<ContractSubject>,
): void {
  describe(`UpstreamClient error classification: ${name}`, () => {
    it.each(CLASSIFICATION)("%s → the typed error", async (_, status, text, mapped, code, shouldRetry) => {
      const spec = { status, text };
      const error = { status: mapped, code, shouldRetry };
      const { client, credentials, model } = await make(spec);
      const res = await client.invoke(contractRequest(model), { credentials, requestId: "req_classify" });
      expect(res).toMatchObject({ ok: false, status: spec.status, error });
      expect(res.text()).toBe(spec.text);
      await client.close();
    });

    it("keeps the Retry-After of a throttled answer on the error", async () => {
      const { client, credentials, model } = await make({
        status: 500,
        headers: { "retry-after": "7" },
        text: bedrock("ThrottlingException", "Too many requests"),
      });
      const res = await client.invoke(contractRequest(model), { credentials, requestId: "req_classify" });
      expect(res).toMatchObject({
        ok: false,
        headers: { "retry-after": "7" },
        error: { headers: { "retry-after": "7" } },
      });
      await client.close();
    });
  });
}
