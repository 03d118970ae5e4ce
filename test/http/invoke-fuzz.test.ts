// Hostile bodies (STYLE: treat every body as hostile): random field values never crash the simulator
// — every answer is one of the proxy's own shapes, never the gateway's internal error.
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/upstream/mock/random.ts";
import { invokeBody, mockApp } from "../upstream/mock/harness.ts";

const VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  "",
  "x",
  "auto",
  true,
  [],
  [null],
  [{}],
  {},
  { type: "text" },
  { type: "tool", name: 5 },
  [{ role: "user" }],
  [{ role: "user", content: [{ type: "image", source: null }] }],
];
const FIELDS = [
  "model",
  "messages",
  "max_tokens",
  "system",
  "temperature",
  "tools",
  "tool_choice",
  "response_format",
  "stop_sequences",
  "top_k",
];

describe("POST /prod/invoke with hostile bodies", () => {
  const { app } = mockApp();

  it("answers every mutation in a proxy shape", async () => {
    const rng = createRng(2025);
    for (let i = 0; i < 150; i++) {
      const body = invokeBody();
      for (let k = rng.int(1, 3); k > 0; k--) body[rng.pick(FIELDS)] = rng.pick(VALUES);
      const res = await request(app).post("/prod/invoke").send(body);
      expect([200, 400, 500], JSON.stringify(body)).toContain(res.status);
      expect(res.text, JSON.stringify(body)).not.toMatch(/unexpected error/);
      if (res.status === 500) expect(res.body.error, JSON.stringify(body)).toMatch(/^Bedrock error: /);
    }
  });
});
