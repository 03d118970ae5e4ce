// The Python `openai` SDK's Responses API against a mock-mode gateway over a real socket:
// responses.create (text, then a continuation by previous_response_id) and responses.parse with a
// Pydantic model, from the shared test venv (test/helpers/python.ts).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../../src/server/gateway.ts";
import { startTestGateway } from "../../helpers/gateway.ts";
import { pythonClients, runPython } from "../../helpers/python.ts";

const py = pythonClients();
let gw: Gateway;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock", upstream: { retries: 0 } as never });
});
afterAll(() => gw.close());

const run = (code: string): Promise<string> =>
  runPython(py.python!, code, { OPENAI_BASE_URL: `${gw.url}/v1`, OPENAI_API_KEY: "sk-anything" });

describe.skipIf(py.skip !== undefined)("python openai", () => {
  test("responses.create, then previous_response_id", async () => {
    const out = await run(`
import json
from openai import OpenAI
client = OpenAI(max_retries=0)
first = client.responses.create(model="gpt-4o-mini", instructions="Be brief.", input="Hello there")
second = client.responses.create(model="gpt-4o-mini", previous_response_id=first.id, input="And again?")
print(json.dumps({"id": first.id, "status": first.status, "text": first.output_text,
                  "usage": first.usage.total_tokens, "prev": second.previous_response_id,
                  "bedrock": first.model_extra["bedrock"]["team_id"]}))
`);
    const result = JSON.parse(out) as Record<string, unknown>;
    expect(result.id).toMatch(/^resp_/);
    expect(result.status).toBe("completed");
    expect(String(result.text).length).toBeGreaterThan(0);
    expect(result.usage).toBeGreaterThan(0);
    expect(result.prev).toBe(result.id);
    expect(result.bedrock).toBe("demo");
  });

  test("responses.parse with a Pydantic model", async () => {
    const out = await run(`
import json
from openai import OpenAI
from pydantic import BaseModel
class Person(BaseModel):
    name: str
    age: int
    city: str
client = OpenAI(max_retries=0)
r = client.responses.parse(model="gpt-4o", text_format=Person,
                           input="John is 30 and lives in London. Extract the person.")
p = r.output_parsed
print(json.dumps({"type": type(p).__name__, "person": p.model_dump()}))
`);
    const result = JSON.parse(out) as { type: string; person: { name: string; age: number; city: string } };
    expect(result.type).toBe("Person");
    // Pydantic validated it; the simulator's values are schema-valid fakes.
    expect(Object.keys(result.person).sort()).toEqual(["age", "city", "name"]);
    expect(Number.isInteger(result.person.age)).toBe(true);
  });
});
