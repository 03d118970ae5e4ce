// Every face the gateway serves, for the fuzz: where it listens, a valid body, the fields it reads
// (each may be replaced by a hostile value), where a JSON schema goes in it (tools, structured output),
// and where the user's text and a content-less tool result go. A case is a valid body with one to three
// hostile mutations — or raw bytes that are not a JSON object at all — as it goes on the wire.
import fc from "fast-check";
import { hostileSchema, hostileString, hostileValue, nest, rawBodies } from "./bodies.ts";

export type Oracle = "proxy" | "openai" | "anthropic" | "responses" | "bedrock";

export interface FuzzCase {
  face: string;
  oracle: Oracle;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** What a 200 is: one JSON body of this kind, or a stream (the face's own framing). */
  answer: string;
  /**
   * A broken stream, the client's side: it hangs up halfway through its body (declared longer than
   * sent), or at the answer's first byte. Nothing is judged but what the gateway does after.
   */
  hangUp?: "body" | "answer";
}

type Fields = Record<string, unknown>;
type Mutation = (body: Fields) => void;

interface FaceSpec {
  oracle: Oracle;
  path: string;
  base: Fields;
  /** The fields the face reads, each replaced by a hostile value in some cases. */
  fields: string[];
  /** The ways a JSON schema enters the body (a tool's parameters, a structured-output format). */
  schema: ((schema: unknown) => Mutation)[];
  text: (text: string) => Mutation;
  /** A tool call answered by a result without content (valid per the simulator's own validation). */
  bareToolResult: Mutation;
  /** The key whose value may be nested hundreds of levels deep. */
  deep: string;
  answer: string;
}

const HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0";
const MODEL_PATH = `/model/${encodeURIComponent(HAIKU)}`;
const QUESTION = "What is the weather in Paris?";

const set =
  (values: Fields): Mutation =>
  (b) => {
    Object.assign(b, values);
  };

/** The Anthropic Messages shape the proxy, /v1/messages and Bedrock's native Claude body share. */
const anthropicTool = (s: unknown) =>
  set({ tools: [{ name: "weather", input_schema: s }], tool_choice: { type: "any" } });
const anthropicText = (text: string) => set({ messages: [{ role: "user", content: text }] });
const anthropicBareResult = set({
  messages: [
    { role: "user", content: "weather?" },
    { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "weather", input: {} }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1" }] },
  ],
});
const ANTHROPIC_FIELDS = ["model", "messages", "max_tokens", "system", "tools", "tool_choice"];
const SAMPLING = ["stop_sequences", "temperature", "top_k", "top_p"];
const jsonSchemaFormat = (s: unknown) =>
  set({ response_format: { type: "json_schema", json_schema: { name: "x", schema: s } } });

const invoke: FaceSpec = {
  oracle: "proxy",
  path: "/prod/invoke",
  base: {
    team_id: "demo",
    api_token: "demo-token",
    model: HAIKU,
    messages: [{ role: "user", content: QUESTION }],
    max_tokens: 200,
  },
  fields: [...ANTHROPIC_FIELDS, "response_format", ...SAMPLING, "team_id", "api_token"],
  schema: [anthropicTool, jsonSchemaFormat],
  text: anthropicText,
  bareToolResult: anthropicBareResult,
  deep: "messages",
  answer: "invoke",
};

const chat: FaceSpec = {
  oracle: "openai",
  path: "/v1/chat/completions",
  base: { model: "gpt-4o", messages: [{ role: "user", content: QUESTION }], max_tokens: 200 },
  fields: [
    "model",
    "messages",
    "max_tokens",
    "n",
    "stream",
    "tools",
    "tool_choice",
    "response_format",
    "stop",
    "stream_options",
    "temperature",
    "user",
  ],
  schema: [
    (s) =>
      set({
        tools: [{ type: "function", function: { name: "weather", parameters: s } }],
        tool_choice: "required",
      }),
    jsonSchemaFormat,
  ],
  text: anthropicText,
  bareToolResult: set({
    messages: [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        tool_calls: [{ id: "c1", type: "function", function: { name: "weather", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1" },
    ],
  }),
  deep: "messages",
  answer: "chat.completion",
};

const messages: FaceSpec = {
  oracle: "anthropic",
  path: "/v1/messages",
  base: {
    model: "claude-3-5-haiku-20241022",
    messages: [{ role: "user", content: QUESTION }],
    max_tokens: 200,
  },
  fields: [...ANTHROPIC_FIELDS, ...SAMPLING, "stream", "metadata", "thinking"],
  schema: [anthropicTool],
  text: anthropicText,
  bareToolResult: anthropicBareResult,
  deep: "messages",
  answer: "message",
};

const responses: FaceSpec = {
  oracle: "responses",
  path: "/v1/responses",
  base: { model: "gpt-4o", input: QUESTION, max_output_tokens: 200 },
  fields: [
    "model",
    "input",
    "instructions",
    "tools",
    "tool_choice",
    "text",
    "max_output_tokens",
    "temperature",
    "store",
    "previous_response_id",
    "metadata",
    "stream",
    "parallel_tool_calls",
  ],
  schema: [
    (s) => set({ tools: [{ type: "function", name: "weather", parameters: s }], tool_choice: "required" }),
    (s) => set({ text: { format: { type: "json_schema", name: "x", schema: s } } }),
  ],
  text: (text) => set({ input: text }),
  bareToolResult: set({
    input: [
      { role: "user", content: "weather?" },
      { type: "function_call", call_id: "c1", name: "weather", arguments: "{}" },
      { type: "function_call_output", call_id: "c1" },
    ],
  }),
  deep: "input",
  answer: "response",
};

const bedrockInvoke: FaceSpec = {
  oracle: "bedrock",
  path: `${MODEL_PATH}/invoke`,
  base: {
    anthropic_version: "bedrock-2023-05-31",
    messages: [{ role: "user", content: QUESTION }],
    max_tokens: 200,
  },
  fields: ["anthropic_version", "messages", "max_tokens", "system", "tools", "tool_choice", ...SAMPLING],
  schema: [anthropicTool],
  text: anthropicText,
  bareToolResult: anthropicBareResult,
  deep: "messages",
  answer: "message",
};

const converse: FaceSpec = {
  oracle: "bedrock",
  path: `${MODEL_PATH}/converse`,
  base: { messages: [{ role: "user", content: [{ text: QUESTION }] }], inferenceConfig: { maxTokens: 200 } },
  fields: ["messages", "system", "inferenceConfig", "toolConfig", "additionalModelRequestFields"],
  schema: [
    (s) =>
      set({
        toolConfig: {
          tools: [{ toolSpec: { name: "weather", inputSchema: { json: s } } }],
          toolChoice: { any: {} },
        },
      }),
  ],
  text: (text) => set({ messages: [{ role: "user", content: [{ text }] }] }),
  bareToolResult: set({
    messages: [
      { role: "user", content: [{ text: "weather?" }] },
      { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "weather", input: {} } }] },
      { role: "user", content: [{ toolResult: { toolUseId: "t1" } }] },
    ],
  }),
  deep: "messages",
  answer: "converse",
};

/** CountTokens with the Converse form: the Converse body, one level down (`input.converse`). */
const bedrockCountTokens: FaceSpec = {
  ...converse,
  path: `${MODEL_PATH}/count-tokens`,
  base: { input: { converse: { messages: converse.base.messages } } },
  fields: ["input"],
  schema: converse.schema.map((place) => (s) => (body) => {
    const inner: Fields = { ...((body.input as Fields | undefined)?.converse as Fields | undefined) };
    place(s)(inner);
    body.input = { converse: inner };
  }),
  text: (text) => set({ input: { converse: { messages: [{ role: "user", content: [{ text }] }] } } }),
  bareToolResult: (body) => {
    const inner: Fields = {};
    converse.bareToolResult(inner);
    body.input = { converse: inner };
  },
  deep: "input",
  answer: "bedrock-count",
};

const streamed = (spec: FaceSpec, patch: Partial<FaceSpec>): FaceSpec => ({
  ...spec,
  answer: "stream",
  ...patch,
});

const SPECS = {
  invoke,
  chat,
  "chat-stream": streamed(chat, { base: { ...chat.base, stream: true } }),
  messages,
  "messages-stream": streamed(messages, { base: { ...messages.base, stream: true } }),
  "count-tokens": {
    ...messages,
    path: "/v1/messages/count_tokens",
    fields: ANTHROPIC_FIELDS.filter((f) => f !== "max_tokens"),
    answer: "count",
  },
  responses,
  "responses-stream": streamed(responses, { base: { ...responses.base, stream: true } }),
  "bedrock-invoke": bedrockInvoke,
  "bedrock-invoke-stream": streamed(bedrockInvoke, { path: `${MODEL_PATH}/invoke-with-response-stream` }),
  converse,
  "converse-stream": streamed(converse, { path: `${MODEL_PATH}/converse-stream` }),
  "bedrock-count-tokens": bedrockCountTokens,
} satisfies Record<string, FaceSpec>;

export type Face = keyof typeof SPECS;
export const FACES = Object.keys(SPECS) as Face[];

function mutations(spec: FaceSpec): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...spec.fields), hostileValue).map(([field, value]) => set({ [field]: value })),
    fc.tuple(fc.constantFrom(...spec.schema), hostileSchema).map(([place, schema]) => place(schema)),
    hostileString.map((text) => spec.text(text)),
    fc.constant(spec.bareToolResult),
    fc
      .integer({ min: 50, max: 1000 })
      .map((depth) => set({ [spec.deep]: nest(depth, (inner) => [inner], "deep") })),
  );
}

/** Hostile cases for one face. */
export function faceCases(face: Face): fc.Arbitrary<FuzzCase> {
  const spec: FaceSpec = SPECS[face];
  const json = fc.array(mutations(spec), { minLength: 1, maxLength: 3 }).map((muts) => {
    const body: Fields = structuredClone(spec.base);
    for (const mutate of muts) mutate(body);
    return { body: Buffer.from(JSON.stringify(body) ?? "null"), headers: {} };
  });
  const hangUp = fc.oneof(
    { weight: 30, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom("body" as const, "answer" as const) },
  );
  return fc
    .tuple(fc.oneof({ weight: 9, arbitrary: json }, { weight: 1, arbitrary: rawBodies }), hangUp)
    .map(([{ body, headers }, hang]) => ({
      face,
      oracle: spec.oracle,
      path: spec.path,
      answer: spec.answer,
      body,
      headers: { "content-type": "application/json", ...headers },
      ...(hang === undefined ? {} : { hangUp: hang }),
    }));
}
