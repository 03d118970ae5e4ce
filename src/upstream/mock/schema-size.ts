// How much JSON a schema's data takes, estimated without building it: `min` is the smallest valid
// instance (what minimal-instance.ts would build), `max` what json-schema-faker may propose once
// `boundedForFaker` has capped the open-ended limits. Nested limits multiply (1000 arrays of 1000
// strings of 1000 characters is 10⁹ characters, though each limit alone looks harmless), so
// schema-data.ts checks both figures before it generates anything: a request costs the work its
// answer can hold, never the work its schema asks for.
//
// The walk is linear in the schema's text: each node is sized once (memoised by identity, `$ref`s
// resolve to shared nodes) and a recursive reference is cut where json-schema-faker cuts it.

type Schema = Record<string, unknown>;
export interface SizeBounds {
  /** JSON characters of the smallest valid instance (a lower bound; `Infinity` when none is finite). */
  min: number;
  /** JSON characters the faker may write (an estimate, saturating at `Infinity`). */
  max: number;
}

/** The faker's own default for arrays without `maxItems` (schema-data.ts passes it too). */
export const FAKER_DEFAULT_ITEMS = 3;
/** Open-ended maxima the faker sees (never below the schema's own minimum, so validity is kept). */
const FAKER_CAPS = { maxItems: 16, maxLength: 256, maxProperties: 16 } as const;
const MINIMA = { maxItems: "minItems", maxLength: "minLength", maxProperties: "minProperties" } as const;
const FORMAT_CHARS = 64;
const NUMBER_CHARS = 24;
const OBJECT_KEYS = ["properties", "required", "additionalProperties", "patternProperties", "minProperties"];
const ARRAY_KEYS = ["items", "prefixItems", "contains", "minItems", "maxItems", "minContains"];
const STRING_KEYS = ["minLength", "maxLength", "pattern", "format"];
/** A node sized more than this many times means a pathological `allOf` web: give up, assume huge. */
const MAX_STEPS = 100_000;

const isSchema = (value: unknown): value is Schema =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;

/** A copy whose `maxItems`/`maxLength`/`maxProperties` are capped: every value it allows, the original allows. */
export function boundedForFaker(schema: Schema): Schema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isSchema(node)) return node;
    const out: Schema = {};
    for (const [key, child] of Object.entries(node)) out[key] = walk(child);
    for (const [key, cap] of Object.entries(FAKER_CAPS) as [keyof typeof FAKER_CAPS, number][]) {
      const limit = num(node[key]);
      if (limit !== undefined && limit > cap) out[key] = Math.max(cap, num(node[MINIMA[key]]) ?? 0);
    }
    return out;
  };
  return walk(schema) as Schema;
}

function resolveRef(root: Schema, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split("/")) {
    if (part === "") continue;
    const key = decodeURIComponent(part).replaceAll("~1", "/").replaceAll("~0", "~");
    node = isSchema(node) ? node[key] : undefined;
  }
  return node;
}

function jsonChars(value: unknown): number {
  return (JSON.stringify(value) ?? "null").length;
}

export function schemaSize(root: Schema): SizeBounds {
  const memo = new Map<object, SizeBounds>();
  const open = new Set<object>();
  let steps = 0;

  function size(node: unknown): SizeBounds {
    if (node === true || node === undefined) return { min: 4, max: 32 };
    if (!isSchema(node)) return { min: Infinity, max: 4 };
    const known = memo.get(node);
    if (known !== undefined) return known;
    // A reference back into itself: required all the way down has no finite instance; the faker
    // stops recursing after a few levels.
    if (open.has(node)) return { min: Infinity, max: 64 };
    if (++steps > MAX_STEPS) return { min: Infinity, max: Infinity };
    open.add(node);
    const bounds = measure(node);
    open.delete(node);
    memo.set(node, bounds);
    return bounds;
  }

  function measure(node: Schema): SizeBounds {
    if (typeof node.$ref === "string") return size(resolveRef(root, node.$ref));
    if ("const" in node) return { min: jsonChars(node.const), max: jsonChars(node.const) };
    if (Array.isArray(node.enum) && node.enum.length > 0) {
      const first = jsonChars(node.enum[0]);
      return { min: first, max: Math.max(first, ...node.enum.slice(0, 64).map(jsonChars)) };
    }
    const branches = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : null;
    if (branches !== null) {
      const sizes = branches.map(size);
      return {
        min: Math.min(Infinity, ...sizes.map((s) => s.min)),
        max: Math.max(0, ...sizes.map((s) => s.max)),
      };
    }
    let own = typed(node);
    if (Array.isArray(node.allOf)) {
      // Every part constrains the same value: it is at least as big as the biggest part's minimum.
      for (const part of node.allOf.map(size))
        own = { min: Math.max(own.min, part.min), max: own.max + part.max };
    }
    return own;
  }

  /** A type named, or implied by the keywords present (the faker infers it the same way). */
  function typesOf(node: Schema): unknown[] {
    if (Array.isArray(node.type)) return node.type as unknown[];
    if (node.type !== undefined) return [node.type];
    const has = (keys: readonly string[]) => keys.filter((k) => node[k] !== undefined).length > 0;
    const implied = [];
    if (has(OBJECT_KEYS)) implied.push("object");
    if (has(ARRAY_KEYS)) implied.push("array");
    if (has(STRING_KEYS)) implied.push("string");
    return implied.length > 0 ? implied : [undefined];
  }

  function typed(node: Schema): SizeBounds {
    const types = typesOf(node);
    if (types.includes("null")) return { min: 4, max: 4 };
    const sizes = types.map((type) => typedAs(node, type));
    return { min: Math.min(...sizes.map((s) => s.min)), max: Math.max(...sizes.map((s) => s.max)) };
  }

  function typedAs(node: Schema, type: unknown): SizeBounds {
    switch (type) {
      case "object":
        return objectSize(node);
      case "array":
        return arraySize(node);
      case "string":
        return stringSize(node);
      case "integer":
      case "number":
        return { min: 1, max: NUMBER_CHARS };
      case "boolean":
        return { min: 4, max: 5 };
      default:
        return { min: 4, max: 32 };
    }
  }

  function stringSize(node: Schema): SizeBounds {
    const min = num(node.minLength) ?? 0;
    if (typeof node.format === "string" || typeof node.pattern === "string")
      return { min: min + 2, max: Math.max(min, num(node.maxLength) ?? FORMAT_CHARS) + 2 };
    return { min: min + 2, max: (num(node.maxLength) ?? Math.max(min + 10, 10)) + 2 };
  }

  function arraySize(node: Schema): SizeBounds {
    const prefix = Array.isArray(node.prefixItems)
      ? node.prefixItems
      : Array.isArray(node.items)
        ? node.items
        : [];
    const minItems = num(node.minItems) ?? 0;
    const maxItems = num(node.maxItems) ?? Math.max(minItems, FAKER_DEFAULT_ITEMS);
    const rest = Array.isArray(node.items) || node.items === false ? { min: 4, max: 32 } : size(node.items);
    const prefixSizes = prefix.map(size);
    let min = 2;
    let max = 2;
    for (let i = 0; i < prefixSizes.length; i++) {
      const item = prefixSizes[i] ?? rest;
      if (i < minItems) min += item.min + 1;
      if (i < maxItems) max += item.max + 1;
    }
    min += Math.max(0, minItems - prefixSizes.length) * (rest.min + 1);
    max += Math.max(0, maxItems - prefixSizes.length) * (rest.max + 1);
    // `contains` items come on top in the faker's proposals, and at least minContains are needed.
    if (node.contains !== undefined) {
      const contains = size(node.contains);
      const count = num(node.minContains) ?? 1;
      min = Math.max(min, 2 + count * (contains.min + 1));
      max += count * (contains.max + 1);
    }
    return { min, max };
  }

  function objectSize(node: Schema): SizeBounds {
    const properties = isSchema(node.properties) ? node.properties : {};
    const required = new Set(
      Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === "string") : [],
    );
    let min = 2;
    let max = 2;
    let count = 0;
    for (const [name, schema] of Object.entries(properties)) {
      const value = size(schema);
      if (required.has(name)) min += name.length + 4 + value.min;
      max += name.length + 4 + value.max;
      count++;
    }
    for (const name of required) if (!(name in properties)) min += name.length + 8;
    // Extra keys the faker invents to reach minProperties (or a capped maxProperties).
    const extra = Math.max(num(node.minProperties) ?? 0, num(node.maxProperties) ?? 0) - count;
    if (extra > 0) {
      const candidates = [
        ...(isSchema(node.patternProperties) ? Object.values(node.patternProperties) : []),
        isSchema(node.additionalProperties) ? node.additionalProperties : true,
      ].map(size);
      const value = {
        min: Math.min(...candidates.map((c) => c.min)),
        max: Math.max(...candidates.map((c) => c.max)),
      };
      max += extra * (value.max + 16);
      min += Math.max(0, (num(node.minProperties) ?? 0) - required.size) * (value.min + 6);
    }
    return { min, max };
  }

  return size(root);
}
