// boto3 beyond the guide's snippet, as a notebook meets it: client.count_tokens (botocore's CountTokens,
// both input members) agrees with the usage the call then reports; an operation the gateway does not
// serve (also boto3's control-plane client, list_foundation_models) is an exception botocore can name;
// errors read as Bedrock's own message, without the proxy's "Bedrock error: An error occurred (…) when
// calling the InvokeModel operation:" said again inside botocore's "An error occurred (…) when calling
// the Converse operation:"; and Pixtral Large's native body is the Mistral chat completion API, as the
// Bedrock user guide's example sends it.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { pythonClients, runPython } from "../helpers/python.ts";

const py = pythonClients();
let gw: Gateway;

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: "demo",
  AWS_SECRET_ACCESS_KEY: "not-checked-in-mock-mode",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_EC2_METADATA_DISABLED: "true",
};

const script = (endpoint: string): string => `
import json, boto3
from botocore.config import Config
client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url="${endpoint}",
  config=Config(retries={"max_attempts": 1}))
fault = {"header": None}
def add_fault(request, **kwargs):
    if fault["header"]: request.headers["X-Mock-Fault"] = fault["header"]
client.meta.events.register("before-send.bedrock-runtime.*", add_fault)
model = "us.anthropic.claude-3-5-sonnet-20241022-v2:0"
tools = {"tools": [{"toolSpec": {"name": "get_weather", "description": "Current weather for a city",
  "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}]}
messages = [{"role": "user", "content": [{"text": "What is the weather in Paris?"}]}]
system = [{"text": "You are a weather bot."}]
counted = client.count_tokens(modelId=model, input={"converse": {"messages": messages, "system": system, "toolConfig": tools}})
used = client.converse(modelId=model, messages=messages, system=system, toolConfig=tools)
body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
  "messages": [{"role": "user", "content": "Hello!"}]})
counted_native = client.count_tokens(modelId=model, input={"invokeModel": {"body": body}})
used_native = json.loads(client.invoke_model(modelId=model, body=body)["body"].read())
def error_of(call):
    try:
        call()
    except client.exceptions.ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "text": str(e)}
bad_body = error_of(lambda: client.count_tokens(modelId=model, input={"invokeModel": {"body": "not json"}}))
first_assistant = error_of(lambda: client.converse(modelId=model,
  messages=[{"role": "assistant", "content": [{"text": "Hi"}]}]))
control = boto3.client("bedrock", region_name="us-east-1", endpoint_url="${endpoint}",
  config=Config(retries={"max_attempts": 1}))
try:
    control.list_foundation_models()
    control_plane = None
except control.exceptions.ClientError as e:
    control_plane = {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                     "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "text": str(e)}
fault["header"] = "throttle"
throttled = error_of(lambda: client.converse(modelId=model, messages=messages))
fault["header"] = None
pixtral = "us.mistral.pixtral-large-2502-v1:0"
png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
chat = {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": [
  {"type": "text", "text": "Is this picture a single pixel? Answer yes or no."},
  {"type": "image_url", "image_url": {"url": "data:image/png;base64," + png}}]}], "max_tokens": 50}
chat_answer = json.loads(client.invoke_model(modelId=pixtral, body=json.dumps(chat))["body"].read())
chat_chunks = [json.loads(e["chunk"]["bytes"]) for e in
  client.invoke_model_with_response_stream(modelId=pixtral, body=json.dumps(chat))["body"]]
print(json.dumps({"controlPlane": control_plane, "chat": chat_answer, "chatChunks": chat_chunks, "counted": counted["inputTokens"], "used": used["usage"]["inputTokens"],
  "countedNative": counted_native["inputTokens"], "usedNative": used_native["usage"]["input_tokens"],
  "badBody": bad_body, "firstAssistant": first_assistant, "throttled": throttled}))
`;

beforeAll(async () => {
  gw = await startTestGateway({ mode: "mock" });
});
afterAll(() => gw.close());

interface AwsError {
  code: string;
  message: string;
  status: number;
  text: string;
}

describe.skipIf(py.skip !== undefined)("boto3 count_tokens and error messages", () => {
  test("count_tokens equals the inputTokens reported; Bedrock's own error messages; Pixtral's chat body", async () => {
    const out = JSON.parse(await runPython(py.python ?? "", script(gw.url), AWS_ENV)) as {
      counted: number;
      used: number;
      countedNative: number;
      usedNative: number;
      badBody: AwsError;
      firstAssistant: AwsError;
      throttled: AwsError;
      controlPlane: AwsError;
      chat: { choices: { message: { role: string; content: string }; stop_reason: string }[] };
      chatChunks: { choices: { message: { content: string }; stop_reason: string | null }[] }[];
    };
    expect(out.counted).toBeGreaterThan(346); // Anthropic's tool-use system prompt alone is 346 tokens
    expect(out.counted).toBe(out.used);
    expect(out.countedNative).toBeGreaterThan(0);
    expect(out.countedNative).toBe(out.usedNative);
    expect(out.badBody).toMatchObject({ code: "ValidationException", status: 400 });
    expect(out.badBody.message).toMatch(/input\.invokeModel\.body is not a JSON document/);

    // Bedrock's own words once, after botocore's prefix: the proxy's wrapper is not repeated.
    expect(out.firstAssistant).toMatchObject({
      code: "ValidationException",
      message: 'messages: first message must use the "user" role',
    });
    expect(out.throttled.code).toBe("ThrottlingException");
    expect(out.throttled.message).toBe("Too many tokens, please wait before trying again.");
    for (const e of [out.firstAssistant, out.throttled])
      expect(e.text).not.toMatch(/Bedrock error|InvokeModel/);
  });

  test("an operation not served under /model/ is an UnknownOperationException naming what is", async () => {
    const res = await fetch(`${gw.url}/model/us.amazon.nova-sonic-v1%3A0/invoke-with-bidirectional-stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    const body = (await res.json()) as { message: string };
    expect(body.message).toMatch(/'invoke-with-bidirectional-stream' is not served/);
    expect(body.message).toMatch(/converse-stream, count-tokens/);
  });
});
