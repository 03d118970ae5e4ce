// The Python side of the agent-test controls: the README's pytest example, run as printed against a live
// gateway (a tiny stand-in for pytest's fixtures when pytest is not installed), and the mid-stream faults
// as the official `openai` Python SDK raises them (a stall only when it outlasts the client's read timeout).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { pythonClients, runPython } from "../helpers/python.ts";

const py = pythonClients();
let gw: Gateway;

beforeAll(async () => {
  if (py.skip === undefined) gw = await startTestGateway({ mode: "mock" });
});
afterAll(() => gw?.close());

/** The README's pytest block. */
function readmePytest(): string {
  const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Testing agents"));
  const block = /```python\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error("README 'Testing agents' has no python block");
  return block;
}

/** Runs every test_ function of `code`, resolving generator fixtures by parameter name, as pytest would. */
const HARNESS = `
import inspect, sys, types
shim = types.ModuleType("pytest")
shim.fixture = lambda f: f
sys.modules["pytest"] = shim
ns = {"__name__": "readme_example"}
exec(compile(CODE, "test_weather_agent.py", "exec"), ns)
for name, fn in list(ns.items()):
    if name.startswith("test_") and callable(fn):
        gens = [ns[p]() for p in inspect.signature(fn).parameters]
        fn(*[next(g) for g in gens])
        for g in gens:
            next(g, None)
        print("passed", name)
`;

describe.skipIf(py.skip !== undefined)("Python", () => {
  test("the README's pytest example passes against a running gateway", async () => {
    const code = `CODE = ${JSON.stringify(readmePytest())}\n${HARNESS}`;
    const out = await runPython(py.python!, code, { BPG_URL: gw.url });
    expect(out.trim()).toBe("passed test_weather_agent");
    expect(gw.requests({ cassette: "pytest-weather-agent" }).map((e) => e.status)).toEqual([200, 200]);
  });

  test("mid-stream faults as the openai Python SDK raises them", async () => {
    const out = await runPython(
      py.python!,
      `
import json, os, openai
client = openai.OpenAI(base_url=os.environ["BPG_URL"] + "/v1", api_key="x", max_retries=0)
def run(fault, timeout=None):
    chunks = 0
    try:
        sdk = client if timeout is None else client.with_options(timeout=timeout)
        stream = sdk.chat.completions.create(
            model="gpt-4o-mini", stream=True, extra_headers={"X-Mock-Fault": fault},
            messages=[{"role": "user", "content": "Tell me a long story about the sea, in several sentences."}])
        for _ in stream:
            chunks += 1
        return [chunks, "ok"]
    except Exception as e:
        return [chunks, type(e).__module__ + "." + type(e).__name__]
print(json.dumps({
    "cut": run("cut:2"),
    "error": run("error:3"),
    "stall": run("stall:1:2000", 0.3),
}))
`,
      { BPG_URL: gw.url },
    );
    expect(JSON.parse(out)).toEqual({
      cut: [2, "openai.APIConnectionError"],
      error: [3, "openai.APIError"],
      stall: [1, "openai.APITimeoutError"],
    });
  });
});
