// The hostile material of the fuzz, as fast-check arbitraries: wrong-typed values, deep nesting, huge
// strings and arrays, hostile JSON schemas, prototype-pollution keys — and raw bytes that are not JSON
// at all (bad encodings, cut text, compression bombs). `faces.ts` places them in each face's body.
import { gzipSync } from "node:zlib";
import fc from "fast-check";

const POLLUTION_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];

/** Strings a parser or tokenizer may choke on; the huge ones are rare, as in real traffic. */
export const hostileString = fc.oneof(
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

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
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
export function nest(n: number, wrap: (inner: unknown) => unknown, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < n; i++) value = wrap(value);
  return value;
}

/** Schemas that asked the simulator for more than any answer holds, or broke its libraries. */
export const hostileSchema: fc.Arbitrary<unknown> = fc.oneof(
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
  // Enums a prompt is searched for: one value longer than any prompt, or tens of thousands of values.
  fc.integer({ min: 2, max: 200_000 }).map((n) => ({
    type: "object",
    properties: { p: { enum: ["ok", `Tell me about ${"a".repeat(n)}`] } },
    required: ["p"],
  })),
  fc.integer({ min: 2, max: 20_000 }).map((n) => ({
    type: "object",
    properties: { p: { enum: Array.from({ length: n }, (_, i) => `value ${i}`) } },
    required: ["p"],
  })),
  hostileValue,
);

/** Raw bytes that are not a JSON object: what a broken client or an attacker sends. */
export const rawBodies: fc.Arbitrary<{ body: Buffer; headers: Record<string, string> }> = fc.oneof(
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
