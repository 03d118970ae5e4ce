// boto3, as teams use it in SageMaker notebooks, against the gateway over a real socket (HTTP/1.1):
// the participant guide's own snippet, changed only by `endpoint_url`, then converse and
// converse_stream. boto3 signs with SigV4; the access key id picks the simulated team.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { pythonClients, runPython } from "../helpers/python.ts";

const py = pythonClients();
let gw: Gateway;

/** No AWS files or instance metadata: only the credentials given here. */
function awsEnv(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: "demo",
    AWS_SECRET_ACCESS_KEY: "not-checked-in-mock-mode",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/**
 * The guide's "Accessing Bedrock from Notebooks" snippet (participant guide, 2025-11-10), with
 * `endpoint_url` added. The guide's page renders the message dict with stray template braces
 * (`[{"{ … }}]`, not Python); here it is the dict the page means.
 */
const guideSnippet = (endpoint: string): string => `
import boto3
import json

bedrock_runtime = boto3.client('bedrock-runtime', region_name='us-east-1', endpoint_url='${endpoint}')

response = bedrock_runtime.invoke_model(
    modelId='us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    body=json.dumps({
        'anthropic_version': 'bedrock-2023-05-31',
        'max_tokens': 1024,
        'messages': [{
            'role': 'user',
            'content': 'Hello!'
        }]
    })
)

result = json.loads(response['body'].read())
print(result)
`;

const converseScript = (endpoint: string): string => `
import json, boto3
client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url="${endpoint}")
model = "us.anthropic.claude-3-haiku-20240307-v1:0"
tools = {"tools": [{"toolSpec": {"name": "get_weather", "description": "Current weather for a city",
  "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}]}
messages = [{"role": "user", "content": [{"text": "What is the weather in Paris?"}]}]
first = client.converse(modelId=model, messages=messages, toolConfig=tools,
  system=[{"text": "You are a weather bot."}], inferenceConfig={"maxTokens": 200})
use = next(b["toolUse"] for b in first["output"]["message"]["content"] if "toolUse" in b)
messages += [first["output"]["message"], {"role": "user", "content": [{"toolResult": {
  "toolUseId": use["toolUseId"], "content": [{"json": {"temperature_c": 18}}]}}]}]
second = client.converse(modelId=model, messages=messages, toolConfig=tools)
stream = client.converse_stream(modelId=model, messages=[{"role": "user", "content": [{"text": "Say hello"}]}])
events = [list(e.keys())[0] for e in stream["stream"]]
streamed = client.converse_stream(modelId=model, messages=[{"role": "user", "content": [{"text": "Say hello"}]}])
text = "".join(e["contentBlockDelta"]["delta"].get("text", "") for e in streamed["stream"] if "contentBlockDelta" in e)
plain = client.converse(modelId=model, messages=[{"role": "user", "content": [{"text": "Say hello"}]}])
try:
    client.converse(modelId="us.acme.nothing-v1:0", messages=messages)
    error = None
except client.exceptions.ValidationException as e:
    error = {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
             "attempts": e.response["ResponseMetadata"]["RetryAttempts"]}
print(json.dumps({"first": first["stopReason"], "use": use, "second": second["stopReason"],
  "secondText": second["output"]["message"]["content"][0].get("text", ""), "usage": second["usage"],
  "events": events, "text": text, "plain": plain["output"]["message"]["content"][0]["text"], "error": error}))
`;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
});
afterAll(() => gw.close());

describe.skipIf(py.skip !== undefined)("boto3 bedrock-runtime", () => {
  test("the guide's notebook snippet runs unchanged except endpoint_url", async () => {
    const out = await runPython(py.python ?? "", guideSnippet(gw.url), awsEnv());
    expect(out).toMatch(
      /^\{'id': 'msg_bdrk_\w+', 'type': 'message', 'role': 'assistant', 'model': 'claude-3-5-sonnet-20241022', 'content': \[\{'type': 'text', 'text': '/,
    );
    expect(out).toMatch(/'stop_reason': 'end_turn'/);
    expect(out).toMatch(/'usage': \{'input_tokens': \d+, 'output_tokens': \d+\}/);
  });

  test("converse (system, a tool loop), converse_stream, and a ValidationException", async () => {
    const out = JSON.parse(await runPython(py.python ?? "", converseScript(gw.url), awsEnv())) as {
      first: string;
      use: { name: string; input: { city: string } };
      second: string;
      secondText: string;
      usage: { inputTokens: number; outputTokens: number; totalTokens: number };
      events: string[];
      text: string;
      plain: string;
      error: { code: string; status: number; attempts: number };
    };
    expect(out.first).toBe("tool_use");
    expect(out.use).toMatchObject({ name: "get_weather", input: { city: expect.any(String) } });
    expect(out.second).toBe("end_turn");
    expect(out.secondText.length).toBeGreaterThan(0);
    expect(out.usage.totalTokens).toBe(out.usage.inputTokens + out.usage.outputTokens);
    expect(out.events[0]).toBe("messageStart");
    expect(out.events.slice(-2)).toEqual(["messageStop", "metadata"]);
    expect(out.events).not.toContain("contentBlockStart");
    expect(out.text).toBe(out.plain);
    expect(out.error).toEqual({ code: "ValidationException", status: 400, attempts: 0 });
  });
});
