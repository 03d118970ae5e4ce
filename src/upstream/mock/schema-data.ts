// Schema-valid fake data for tool inputs and structured outputs: json-schema-faker proposes, Ajv
// disposes. Each schema is compiled once (cached by its canonical text) and every value is checked
// before it leaves; a few reseeded attempts, then a minimal-instance repair, so nothing invalid is
// ever returned. Unsatisfiable or broken schemas yield a reason instead of data.
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { generateSync, type JsonSchema } from "json-schema-faker";
import { LRUCache } from "lru-cache";
import { minimalInstance } from "./minimal-instance.ts";
import { plausibleString } from "./plausible-strings.ts";

export type SchemaOutcome = { ok: true; value: unknown } | { ok: false; reason: string };

export interface SchemaFaker {
  /** A value valid against `schema`, the same for the same schema and seed. */
  fake(schema: unknown, seed: number): SchemaOutcome;
  /** The compiled validator for a schema (cached), or why it cannot be compiled. */
  validator(schema: unknown): ValidateFunction | string;
}

export interface SchemaFakerOptions {
  /** Compiled schemas kept (least recently used are dropped). Default 512. */
  cacheSize?: number;
  /** json-schema-faker attempts before the repair pass. Default 6. */
  attempts?: number;
}

interface Entry {
  /** The schema as the faker sees it (draft-07 tuples rewritten to `prefixItems`). */
  schema: Record<string, unknown>;
  validate: ValidateFunction | string;
  /** Results per seed: the same request repeats cheaply (bounded). */
  results: Map<number, SchemaOutcome>;
}

const OLD_DRAFTS = /draft-0[4-7]/;
/** Hostile-schema guard: no model answers with more than this, and faking it would stall the server. */
const LIMITS: Readonly<Record<string, number>> = {
  minItems: 1000,
  minLength: 20_000,
  minProperties: 1000,
  minContains: 1000,
};

/** Why a schema asks for more data than any answer could hold, or undefined. */
function excessive(node: unknown, depth = 0): string | undefined {
  if (depth > 64) return "the schema is nested too deeply";
  if (Array.isArray(node)) {
    for (const item of node) {
      const why = excessive(item, depth + 1);
      if (why !== undefined) return why;
    }
    return undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  for (const [key, value] of Object.entries(node)) {
    const limit = LIMITS[key];
    if (limit !== undefined && typeof value === "number" && value > limit)
      return `${key} ${value} exceeds ${limit}`;
    const why = excessive(value, depth + 1);
    if (why !== undefined) return why;
  }
  return undefined;
}
const RESULTS_PER_SCHEMA = 64;

function newAjv<T extends Ajv | Ajv2020>(instance: T): T {
  addFormats.default(instance);
  return instance;
}

/** Draft-07 tuples (`items: [...]`, `additionalItems`) in the 2020-12 spelling json-schema-faker reads. */
function modernTuples(node: unknown): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = walk(child);
    if (Array.isArray(out.items)) {
      out.prefixItems = out.items;
      if (out.additionalItems === undefined) delete out.items;
      else out.items = out.additionalItems;
      delete out.additionalItems;
    }
    return out;
  };
  return walk(node) as Record<string, unknown>;
}

export function createSchemaFaker(options: SchemaFakerOptions = {}): SchemaFaker {
  const cacheSize = options.cacheSize ?? 512;
  const attempts = options.attempts ?? 6;
  // `strict: false`: real-world schemas carry keywords Ajv does not know (Pydantic's `discriminator`,
  // OpenAPI's `nullable`, unknown formats); they are annotations, not constraints.
  const ajvOptions = { strict: false, allErrors: false, logger: false as const, validateFormats: true };
  const modern = newAjv(new Ajv2020(ajvOptions));
  const legacy = newAjv(new Ajv(ajvOptions));
  const cache = new LRUCache<string, Entry>({ max: cacheSize });

  function entryFor(schema: unknown): Entry {
    const key = JSON.stringify(schema) ?? "undefined";
    let entry = cache.get(key);
    if (entry === undefined) {
      entry = compile(key);
      cache.set(key, entry);
    }
    return entry;
  }

  function compile(key: string): Entry {
    // A private copy: neither library may see (or mutate) the caller's object.
    const parsed: unknown = key === "undefined" ? undefined : JSON.parse(key);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { schema: {}, validate: "the schema must be a JSON object", results: new Map() };
    }
    const { $schema, ...schema } = parsed as Record<string, unknown>;
    const ajv = typeof $schema === "string" && OLD_DRAFTS.test($schema) ? legacy : modern;
    let validate: ValidateFunction | string;
    const tooDemanding = excessive(schema);
    try {
      validate =
        tooDemanding === undefined ? ajv.compile(schema) : `JSON schema is too demanding: ${tooDemanding}`;
    } catch (error) {
      // Ajv's messages name the offending keyword; an engine failure (stack, memory) says nothing useful.
      validate =
        error instanceof RangeError
          ? "JSON schema is too demanding to compile"
          : `JSON schema is invalid: ${(error as Error).message}`;
    } finally {
      // Our LRU owns compiled schemas: drop Ajv's own registry entry (and any `$id`) so memory stays bounded.
      ajv.removeSchema(schema);
    }
    return { schema: ajv === legacy ? modernTuples(schema) : schema, validate, results: new Map() };
  }

  function generate(entry: Entry, validate: ValidateFunction, seed: number): SchemaOutcome {
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        const value = generateSync(entry.schema as JsonSchema, {
          seed: (seed + attempt * 7919) >>> 0,
          maxDepth: 8,
          refDepthMax: 3,
          maxDefaultItems: 3,
          optionalsProbability: 0.7,
          failOnInvalidTypes: false,
          outputTransform: plausibleString,
        });
        if (validate(value)) return { ok: true, value };
      } catch {
        // Unsupported construct for the faker: try again, then repair.
      }
    }
    const repaired = minimalInstance(entry.schema);
    if (repaired.ok && validate(repaired.value)) return { ok: true, value: repaired.value };
    const why = validate.errors?.[0];
    return {
      ok: false,
      reason:
        why === undefined
          ? "no value satisfies the schema"
          : `no value satisfies the schema (${why.instancePath || "/"} ${why.message ?? ""})`,
    };
  }

  return {
    validator: (schema) => entryFor(schema).validate,
    fake(schema, seed) {
      const entry = entryFor(schema);
      if (typeof entry.validate === "string") return { ok: false, reason: entry.validate };
      const cached = entry.results.get(seed);
      if (cached !== undefined) return cached;
      const outcome = generate(entry, entry.validate, seed);
      if (entry.results.size >= RESULTS_PER_SCHEMA)
        entry.results.delete(entry.results.keys().next().value ?? 0);
      entry.results.set(seed, outcome);
      return outcome;
    },
  };
}
