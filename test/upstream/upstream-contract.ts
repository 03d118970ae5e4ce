// One contract suite for every UpstreamClient (STYLE.md #14), run by each implementation's own test file:
// the simulator (mock/simulator.test.ts), the live client over undici's MockAgent (live/contract.test.ts)
// and record/replay (cassettes/contract.test.ts).
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
    });

    it("returns refusals as responses, not exceptions: no credentials → 401", async () => {
      const { client, model } = await make();
      const res = await client.invoke(plain(model), { credentials: undefined, requestId: "req_contract_2" });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text())).toHaveProperty("error");
    });

    it("returns Bedrock rejections as 500 responses carrying the Bedrock message", async () => {
      const { client, credentials } = await make();
      const res = await client.invoke(plain(CONTRACT_UNKNOWN_MODEL), {
        credentials,
        requestId: "req_contract_3",
      });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.text()).error).toMatch(/^Bedrock error: .*ValidationException/);
    });

    it("closes cleanly", async () => {
      const { client } = await make();
      await expect(client.close()).resolves.toBeUndefined();
    });
  });
}
