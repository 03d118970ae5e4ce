// The stored responses: bounded per team (entries and bytes), kept apart per team, and kept in the
// simulator's state file across a restart when mock.state is a file.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, describe, expect, test } from "vitest";
import { createResponseStore, type StoredResponse } from "../../../src/faces/responses/store.ts";
import { parseResponseCreateParams } from "../../../src/faces/responses/parse.ts";
import { pendingResponse } from "../../../src/faces/responses/response.ts";
import { startTestGateway } from "../../helpers/gateway.ts";

const params = parseResponseCreateParams({ model: "gpt-4o", input: "hi" });
const entry = (token: string, text = "hi"): StoredResponse => ({
  response: pendingResponse(params, { token, createdAt: 1 }),
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
});

describe("createResponseStore", () => {
  test("at most maxPerTeam responses per team, least recently used out first; teams apart", () => {
    let changes = 0;
    const store = createResponseStore({ maxPerTeam: 2, onChange: () => changes++ });
    store.put("a", entry("one"));
    store.put("a", entry("two"));
    store.get("a", "resp_one"); // used: "two" is now the least recent
    store.put("a", entry("three"));
    expect(store.get("a", "resp_one")).toBeDefined();
    expect(store.get("a", "resp_two")).toBeUndefined();
    expect(store.get("b", "resp_one")).toBeUndefined();
    expect(store.delete("a", "resp_one")).toBe(true);
    expect(store.delete("a", "resp_one")).toBe(false);
    expect(changes).toBe(4);
  });

  test("bytes per team are bounded: an entry larger than the budget is not kept", () => {
    const store = createResponseStore({ maxBytesPerTeam: 4096 });
    store.put("a", entry("small"));
    store.put("a", entry("huge", "x".repeat(10_000)));
    expect(store.get("a", "resp_small")).toBeDefined();
    expect(store.get("a", "resp_huge")).toBeUndefined();
  });

  test("toJSON → restore keeps entries and their recency; junk in a saved file is skipped", () => {
    const store = createResponseStore({ maxPerTeam: 2 });
    store.put("a", entry("one"));
    store.put("a", entry("two"));
    store.get("a", "resp_one");
    const copy = createResponseStore({ maxPerTeam: 2 });
    copy.restore(JSON.parse(JSON.stringify(store.toJSON())));
    copy.put("a", entry("three")); // evicts the least recent: "two"
    expect(copy.get("a", "resp_one")).toBeDefined();
    expect(copy.get("a", "resp_two")).toBeUndefined();
    const tolerant = createResponseStore();
    tolerant.restore({ teams: { a: [null, { response: "x" }, entry("ok")], b: "nope" } });
    expect(tolerant.get("a", "resp_ok")).toBeDefined();
  });
});

describe("the state file", () => {
  const dir = mkdtempSync(join(tmpdir(), "bpg-responses-"));
  const state = join(dir, "state.json");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("stored responses survive a restart; previous_response_id still continues them", async () => {
    const first = await startTestGateway({ mode: "mock", mock: { state } as never });
    const sdk = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: "sk-anything", maxRetries: 0 });
    const kept = await sdk(first.url).responses.create({ model: "gpt-4o-mini", input: "Remember me" });
    await sdk(first.url).responses.create({ model: "gpt-4o-mini", input: "Forget me", store: false });
    await first.close();
    const saved = JSON.parse(readFileSync(state, "utf8")) as {
      sections: { responses: { teams: Record<string, unknown[]> } };
    };
    expect(saved.sections.responses.teams.demo).toHaveLength(1);

    const second = await startTestGateway({ mode: "mock", mock: { state } as never });
    try {
      const again = await sdk(second.url).responses.retrieve(kept.id);
      expect(again.output_text).toBe(kept.output_text);
      const next = await sdk(second.url).responses.create({
        model: "gpt-4o-mini",
        previous_response_id: kept.id,
        input: "Still there?",
      });
      expect(next.previous_response_id).toBe(kept.id);
    } finally {
      await second.close();
    }
  });
});
