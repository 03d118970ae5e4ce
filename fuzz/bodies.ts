// Hostile request bodies for every face, as fast-check arbitraries: a valid body with some fields
// replaced by wrong types, deep nesting, huge strings and arrays, hostile JSON schemas and
// prototype-pollution keys — and raw bytes that are not JSON at all (bad encodings, cut text,
// compression bombs). Each case is what goes on the wire: path, headers, body bytes.
import { gzipSync } from "node:zlib";
import fc from "fast-check";

export interface FuzzCase {
  face: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The client asked for a stream (the answer may be SSE). */
  stream: boolean;
}

const POLLUTION_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];

/** Strings a parser or tokenizer may choke on; the huge ones are rare, as in real traffic. */
const hostileString = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("", "\u0000", "\uD800", "\uFFFF", "<|endoftext|>", "🦜".repeat(50)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 200_000 }).map((n) => "ab ".repeat(n / 3)) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 10_000, max: 1_500_000 }).map((n) => `Tell me about ${"a".repeat(n)}`),
  },
);

const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...POLLUTION_KEYS));

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(-1, 0, 1e308, Number.MAX_SAFE_INTEGER),
    hostileString,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** n levels of `wrap` around `leaf`. */
function nest(n: number, wrap: (inner: unknown) => unknown, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < n; i++) value = wrap(value);
  return value;
}

/** Schemas that asked the simulator for more than any answer holds, or broke its libraries. */
const hostileSchema: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 2, max: 1000 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 20_000 }),
    )
    .map(([n, depth, len]) =>
      nest(depth, (items) => ({ type: "array", minItems: n, items }), { type: "string", minLength: len }),
    ),
  fc
    .integer({ min: 2, max: 1000 })
    .map((n) => nest(3, (c) => ({ type: "array", minContains: n, contains: c }), { type: "string" })),
  fc.integer({ min: 1, max: 1000 }).map((n) => ({
    type: "array",
    maxItems: n,
    items: { type: "array", maxItems: n, items: { maxLength: n } },
  })),
  fc.integer({ min: 1, max: 1200 }).map((n) => ({
    type: "object",
    properties: Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`p${i}`, { type: "string", minLength: 20_000 }]),
    ),
    required: Array.from({ length: n }, (_, i) => `p${i}`),
  })),
  fc.constantFrom<unknown>(
    { $id: 5, type: "object" },
    { $ref: "#" },
    { type: "array", minItems: 3, items: { anyOf: [{ $ref: "#" }, { $ref: "#" }] } },
    { type: "object", minProperties: 1000, additionalProperties: { type: "string", minLength: 1000 } },
    { type: "string", pattern: "(a+)+$", minLength: 50 },
    { allOf: [{ $ref: "#/allOf/1" }, { $ref: "#/allOf/0" }] },
    { type: "object", properties: { __proto__: { type: "string" } }, required: ["__proto__"] },
  ),
  fc
    .integer({ min: 10, max: 200 })
    .map((n) => nest(n, (inner) => ({ type: "array", items: inner }), { type: "string" })),
  hostileValue,
);

type Fields = Record<string, unknown>;

const INVOKE_BASE: Fields = {
  team_id: "demo",
  api_token: "demo-token",
  model: "us.anthropic.claude-3-haiku-20240307-v1:0",
  messages: [{ role: "user", content: "What is the weather in Paris?" }],
  max_tokens: 200,
};
const CHAT_BASE: Fields = {
  model: "gpt-4o",
  messages: [{ role: "user", content: "What is the weather in Paris?" }],
  max_tokens: 200,
};

function tool(schema: unknown): Fields {
  return { name: "weather", description: "weather in a city", input_schema: schema };
}

/** Mutations of a base body: each sets or replaces one part with something hostile. */
function mutations(face: "invoke" | "chat"): fc.Arbitrary<(body: Fields) => void> {
  const fields =
    face === "invoke"
      ? [
          "model",
          "messages",
          "max_tokens",
          "system",
          "tools",
          "tool_choice",
          "response_format",
          "stop_sequences",
          "temperature",
          "top_k",
        ]
      : [
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
        ];
  const schemaPlace =
    face === "invoke"
      ? [
          (s: unknown) => (b: Fields) => {
            b.tools = [tool(s)];
            b.tool_choice = { type: "any" };
          },
          (s: unknown) => (b: Fields) => {
            b.response_format = { type: "json_schema", json_schema: { name: "x", schema: s } };
          },
        ]
      : [
          (s: unknown) => (b: Fields) => {
            b.tools = [{ type: "function", function: { name: "weather", parameters: s } }];
            b.tool_choice = "required";
          },
          (s: unknown) => (b: Fields) => {
            b.response_format = { type: "json_schema", json_schema: { name: "x", schema: s } };
          },
        ];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...fields), hostileValue).map(([field, value]) => (b: Fields) => {
      b[field] = value;
    }),
    fc.tuple(fc.constantFrom(...schemaPlace), hostileSchema).map(([place, schema]) => place(schema)),
    fc.tuple(hostileString).map(([text]) => (b: Fields) => {
      b.messages = [{ role: "user", content: text }];
    }),
    fc.constantFrom((b: Fields) => {
      b.messages = [
        { role: "user", content: "weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "weather", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1" }] },
      ];
    }),
    fc.tuple(fc.integer({ min: 50, max: 1000 })).map(([depth]) => (b: Fields) => {
      b.messages = nest(depth, (inner) => [inner], "deep");
    }),
  );
}

/** Raw bytes that are not a JSON object: what a broken client or an attacker sends. */
const rawBodies: fc.Arbitrary<{ body: Buffer; headers: Record<string, string> }> = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => ({ body: Buffer.from(s), headers: {} })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ body: Buffer.from(bytes), headers: {} })),
  fc.integer({ min: 1, max: 100_000 }).map((n) => ({ body: Buffer.from("[".repeat(n)), headers: {} })),
  fc.constantFrom(
    { body: Buffer.from('{"messages": [{"role": "user", "content": "\xff\xfe'), headers: {} },
    { body: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), headers: {} },
    {
      body: Buffer.from('{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'),
      headers: {},
    },
    { body: gzipSync(Buffer.alloc(50 * 1024 * 1024)), headers: { "content-encoding": "gzip" } },
    { body: Buffer.from("{}"), headers: { "content-encoding": "br" } },
    { body: Buffer.from("{}"), headers: { "content-type": "text/plain; charset=utf-16" } },
  ),
);

/** Hostile cases for one face; `stream` faces ask for SSE. */
export function faceCases(face: "invoke" | "chat" | "chat-stream"): fc.Arbitrary<FuzzCase> {
  const kind = face === "invoke" ? "invoke" : "chat";
  const path = face === "invoke" ? "/prod/invoke" : "/v1/chat/completions";
  const base = kind === "invoke" ? INVOKE_BASE : CHAT_BASE;
  const stream = face === "chat-stream";
  const json = fc.array(mutations(kind), { minLength: 1, maxLength: 3 }).map((muts) => {
    const body: Fields = structuredClone(base);
    if (stream) body.stream = true;
    for (const mutate of muts) mutate(body);
    return { body: Buffer.from(JSON.stringify(body) ?? "null"), headers: {} };
  });
  return fc
    .oneof({ weight: 9, arbitrary: json }, { weight: 1, arbitrary: rawBodies })
    .map(({ body, headers }) => ({
      face,
      path,
      stream,
      body,
      headers: { "content-type": "application/json", ...headers },
    }));
}

export const FACES = ["invoke", "chat", "chat-stream"] as const;
