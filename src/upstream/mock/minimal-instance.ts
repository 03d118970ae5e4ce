// The repair pass of schema-data.ts: the smallest plain instance a schema describes (const, first enum
// value, null where allowed, only required properties, minItems items, boundary numbers, canned
// format values). Used when the faker's proposals keep failing validation; the result is validated too.
// Work is bounded by a room of JSON characters: a branch that outgrows it fails (the next anyOf branch
// is tried), or, when a prefix is asked for, the walk stops there and returns what it has.

type Schema = Record<string, unknown>;
export type MinimalOutcome = { ok: true; value: unknown } | { ok: false };

/** What the walk may still spend: characters of output (counted low, never high) and nodes visited. */
interface Room {
  chars: number;
  steps: number;
  /** Out of room: stop and keep the partial value (true) or fail the branch (false). */
  readonly partial: boolean;
}
const MAX_STEPS = 200_000;

const FORMAT_VALUES: Readonly<Record<string, string>> = {
  "date-time": "2024-01-01T00:00:00Z",
  date: "2024-01-01",
  time: "00:00:00Z",
  duration: "P1D",
  email: "user@example.com",
  "idn-email": "user@example.com",
  hostname: "example.com",
  "idn-hostname": "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  uri: "https://example.com/",
  "uri-reference": "https://example.com/",
  iri: "https://example.com/",
  url: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
  "json-pointer": "/a",
  regex: "a",
};

const MAX_DEPTH = 24;

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function resolveRef(root: Schema, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref
    .slice(1)
    .split("/")
    .filter((p) => p !== "")) {
    const part = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    node = isSchema(node) ? node[part] : undefined;
  }
  return node;
}

function minimalString(schema: Schema, room: Room): string {
  const format = typeof schema.format === "string" ? FORMAT_VALUES[schema.format] : undefined;
  if (format !== undefined) return format;
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  return "x".repeat(Math.max(0, Math.min(min, room.partial ? room.chars : 10_000)));
}

/** Charge `value`'s size; false when that leaves no room (a branch then fails unless a prefix is wanted). */
function spend(room: Room, chars: number): boolean {
  room.chars -= chars;
  return room.chars >= 0 || room.partial;
}

function minimalNumber(schema: Schema, integer: boolean): number {
  let value = 0;
  if (typeof schema.minimum === "number") value = schema.minimum;
  else if (typeof schema.exclusiveMinimum === "number") value = schema.exclusiveMinimum + (integer ? 1 : 0.5);
  else if (typeof schema.maximum === "number" && schema.maximum < 0) value = schema.maximum;
  else if (typeof schema.exclusiveMaximum === "number" && schema.exclusiveMaximum <= 0)
    value = schema.exclusiveMaximum - 1;
  if (integer) value = Math.ceil(value);
  if (typeof schema.multipleOf === "number" && schema.multipleOf > 0)
    value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  return value;
}

function walk(schema: unknown, root: Schema, depth: number, room: Room): MinimalOutcome {
  if (--room.steps < 0) return { ok: false };
  const outcome = node(schema, root, depth, room);
  return outcome.ok && !spend(room, 1) ? { ok: false } : outcome;
}

function node(schema: unknown, root: Schema, depth: number, room: Room): MinimalOutcome {
  if (schema === true) return { ok: true, value: null };
  if (!isSchema(schema) || depth > MAX_DEPTH) return { ok: false };
  if (typeof schema.$ref === "string") return walk(resolveRef(root, schema.$ref), root, depth + 1, room);
  if ("const" in schema) return { ok: true, value: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { ok: true, value: schema.enum[0] };
  const branches = (
    Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined
  ) as unknown[] | undefined;
  if (branches !== undefined) {
    const nullable = branches.find((b) => isSchema(b) && b.type === "null");
    if (nullable !== undefined) return { ok: true, value: null };
    for (const branch of branches) {
      const left = room.chars;
      const outcome = walk(branch, root, depth + 1, room);
      if (outcome.ok) return outcome;
      room.chars = left;
    }
    return { ok: false };
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Schema = { ...schema, allOf: undefined };
    for (const part of schema.allOf) {
      const resolved = isSchema(part) && typeof part.$ref === "string" ? resolveRef(root, part.$ref) : part;
      if (!isSchema(resolved)) continue;
      Object.assign(merged, resolved, {
        properties: {
          ...(merged.properties as Schema | undefined),
          ...(resolved.properties as Schema | undefined),
        },
        required: [
          ...((merged.required as string[] | undefined) ?? []),
          ...((resolved.required as string[] | undefined) ?? []),
        ],
      });
    }
    delete merged.allOf;
    return walk(merged, root, depth + 1, room);
  }
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  if (types.includes("null")) return { ok: true, value: null };
  const type =
    types[0] ?? (isSchema(schema.properties) ? "object" : schema.items !== undefined ? "array" : undefined);
  switch (type) {
    case "object":
      return minimalObject(schema, root, depth, room);
    case "array":
      return minimalArray(schema, root, depth, room);
    case "string": {
      const value = minimalString(schema, room);
      return spend(room, value.length) ? { ok: true, value } : { ok: false };
    }
    case "integer":
      return { ok: true, value: minimalNumber(schema, true) };
    case "number":
      return { ok: true, value: minimalNumber(schema, false) };
    case "boolean":
      return { ok: true, value: false };
    default:
      return { ok: true, value: null };
  }
}

function minimalObject(schema: Schema, root: Schema, depth: number, room: Room): MinimalOutcome {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((r): r is string => typeof r === "string")
    : [];
  const value: Record<string, unknown> = {};
  for (const name of required) {
    if (room.chars <= 0 && room.partial) break;
    if (!spend(room, name.length)) return { ok: false };
    const outcome = walk(properties[name] ?? true, root, depth + 1, room);
    if (!outcome.ok) return outcome;
    value[name] = outcome.value;
  }
  return { ok: true, value };
}

function minimalArray(schema: Schema, root: Schema, depth: number, room: Room): MinimalOutcome {
  const prefix = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : [];
  const wanted = typeof schema.minItems === "number" ? schema.minItems : 0;
  const min = room.partial ? wanted : Math.min(wanted, 1000);
  const value: unknown[] = [];
  for (let i = 0; i < Math.max(min, 0); i++) {
    if (room.chars <= 0 && room.partial) break;
    const itemSchema =
      i < prefix.length ? prefix[i] : Array.isArray(schema.items) ? true : (schema.items ?? true);
    const outcome = walk(itemSchema, root, depth + 1, room);
    if (!outcome.ok) return outcome;
    value.push(outcome.value);
  }
  return { ok: true, value };
}

/** The smallest instance of `schema` (itself the root for `$ref`s), if its JSON fits in `maxChars`. */
export function minimalInstance(schema: Record<string, unknown>, maxChars = 1_000_000): MinimalOutcome {
  return walk(schema, schema, 0, { chars: maxChars, steps: MAX_STEPS, partial: false });
}

/**
 * The first `maxChars` characters of the smallest instance's JSON, building no more of it than that:
 * what a model writes before max_tokens stops it. Parts past the room are left out of the value, and
 * everything before them is at least `maxChars` characters long, so the cut falls inside what was built.
 */
export function minimalPrefix(schema: Record<string, unknown>, maxChars: number): string {
  const outcome = walk(schema, schema, 0, { chars: maxChars, steps: MAX_STEPS, partial: true });
  return (JSON.stringify(outcome.ok ? outcome.value : null) ?? "null").slice(0, maxChars);
}
