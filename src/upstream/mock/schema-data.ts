// Schema-valid fake data for tool inputs and structured outputs: json-schema-faker proposes, Ajv
// disposes. Each schema is compiled once (cached by its canonical text) and every value is checked
// before it leaves; a few reseeded attempts, then a minimal-instance repair, so nothing invalid is
// ever returned. Unsatisfiable or broken schemas yield a reason instead of data.
//
// Work is bounded by the answer, not by the schema (schema-size.ts): when even the smallest valid
// value is longer than the answer may be, only the part a model would write before max_tokens is
// built (`cut`); when the faker could write more than FAKER_MAX_CHARS, the minimal instance is used.
// Compiled schemas are cached under the SHA-256 of their text, bounded by count and by text size.
import { createHash } from "node:crypto";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { generateSync, type JsonSchema } from "json-schema-faker";
import { LRUCache } from "lru-cache";
import { minimalInstance, minimalPrefix } from "./minimal-instance.ts";
import { plausibleString } from "./plausible-strings.ts";
import { boundedForFaker, FAKER_DEFAULT_ITEMS, schemaSize, type SizeBounds } from "./schema-size.ts";

export type SchemaOutcome =
  | { ok: true; value: unknown; cut?: undefined }
  /** The smallest valid value's JSON is longer than the room: its first `room` characters. */
  | { ok: true; value: undefined; cut: string }
  | { ok: false; reason: string };

/**
 * JSON characters an answer of `maxTokens` may hold. Generous (JSON averages 3–4 characters a token),
 * so only a value that surely cannot fit is cut without being built; capped so no answer costs more.
 */
export function answerRoom(maxTokens: number): number {
  return Math.min(Math.max(1, maxTokens) * 8, MAX_ANSWER_CHARS);
}
const MAX_ANSWER_CHARS = 1_000_000;
/** Beyond this estimate json-schema-faker is not asked (its time grows with what it writes). */
const FAKER_MAX_CHARS = 100_000;

export interface SchemaFaker {
  /**
   * A value valid against `schema`, the same for the same schema and seed, or the start of one when
   * no valid value fits in `room` JSON characters (default: `answerRoom` of 4096 tokens).
   */
  fake(schema: unknown, seed: number, room?: number): SchemaOutcome;
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
  /** The schema as the faker sees it (draft-07 tuples rewritten to `prefixItems`, maxima capped). */
  schema: Record<string, unknown>;
  /** The schema's own text length: what the cache charges for the entry. */
  chars: number;
  size: SizeBounds;
  /** Why the schema cannot be used, found before any answer is built. */
  problem?: string;
  /**
   * Compiled on first use: an answer cut at max_tokens needs no validator, and compiling is the costly
   * part (217 properties: 71 ms of event loop with Ajv's optimiser, 25 ms without; bench/README.md).
   */
  validate?: ValidateFunction | string;
  /** The schema as given (without `$schema`), for Ajv. */
  original: Record<string, unknown>;
  /** Declared in an older draft (Ajv's draft-07 instance reads it), else 2020-12. */
  oldDraft: boolean;
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

/** Keywords whose value maps names to subschemas: a key there is a name, never a keyword. */
const NAME_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
/**
 * Ajv's compile time grows faster than the schema (1,000 properties: seconds, then a stack overflow):
 * past this many subschemas a schema is refused rather than compiled.
 */
const MAX_SUBSCHEMAS = 300;

/** Why a schema asks for more data than any answer could hold, or cannot be compiled, or undefined. */
function excessive(root: unknown): string | undefined {
  let subschemas = 0;
  const walk = (node: unknown, depth: number, names: boolean): string | undefined => {
    if (depth > 64) return "JSON schema is too demanding: the schema is nested too deeply";
    if (Array.isArray(node)) {
      for (const item of node) {
        const why = walk(item, depth + 1, false);
        if (why !== undefined) return why;
      }
      return undefined;
    }
    if (node === null || typeof node !== "object") return undefined;
    if (!names && ++subschemas > MAX_SUBSCHEMAS)
      return `JSON schema is too demanding: more than ${MAX_SUBSCHEMAS} subschemas`;
    for (const [key, value] of Object.entries(node)) {
      const limit = names ? undefined : LIMITS[key];
      if (limit !== undefined && typeof value === "number" && value > limit)
        return `JSON schema is too demanding: ${key} ${value} exceeds ${limit}`;
      // Ajv assumes identifiers are strings and throws a TypeError deep inside otherwise.
      if (!names && (key === "$id" || key === "$anchor") && typeof value !== "string")
        return `JSON schema is invalid: ${key} must be a string`;
      const why = walk(value, depth + 1, !names && NAME_MAPS.has(key));
      if (why !== undefined) return why;
    }
    return undefined;
  };
  return walk(root, 0, false);
}
// Few: the simulator's answer cache already repeats a repeated request; a result can be 100,000
// characters, and 64 of them per schema were held beyond what the cache's size bound counts.
const RESULTS_PER_SCHEMA = 8;
/** Compilations per Ajv instance (see createSchemaFaker). */
const AJV_COMPILES = 256;
/** Characters of schema text an Ajv instance compiles before it is replaced (its scope holds them all). */
const AJV_CHARS = 1024 * 1024;

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
  // `optimize: false`: Ajv's code optimiser grows faster than the schema (217 properties: 71 ms of
  // compiling with it, 25 ms without), and its gain is for validators run millions of times.
  const ajvOptions = {
    strict: false,
    allErrors: false,
    logger: false as const,
    validateFormats: true,
    code: { optimize: false },
  };
  // Ajv's code-generation scope keeps every schema and function it ever compiled (removeSchema does not
  // reach it): the heap grew ~10 MiB per 10,000 fuzz bodies. The instances are replaced every
  // AJV_COMPILES compilations; validators already compiled keep their own scope until our LRU drops them.
  // Compiling instances skip the meta-schema check (done once, below): a fresh instance compiles its
  // meta-schema on first use, 10–90 ms of event loop every AJV_COMPILES compilations.
  const compileOptions = { ...ajvOptions, validateSchema: false };
  let modern = newAjv(new Ajv2020(compileOptions));
  let legacy = newAjv(new Ajv(compileOptions));
  // Checking against the meta-schema compiles nothing new, so these live as long as the faker.
  const checkers = { modern: new Ajv2020(ajvOptions), legacy: new Ajv(ajvOptions) };
  let compiles = 0;
  let compiledChars = 0;
  // Compiled validators grow with their schema's text: bound the text held as well as the count. An
  // entry's heap is ~3× its text (the schema twice, as given and as the faker reads it, plus what Ajv
  // compiled): 4 M characters hold hundreds of real tool schemas (1–10 KB each) in ~12 MiB; 64 M let a
  // fuzz pass's hostile ones (20,000-value enums) keep tens of MiB alive.
  const cache = new LRUCache<string, Entry>({
    max: cacheSize,
    maxSize: 4 * 1024 * 1024,
    sizeCalculation: (entry) => Math.max(1, entry.chars),
  });

  function entryFor(schema: unknown): Entry {
    const text = JSON.stringify(schema) ?? "undefined";
    const key = createHash("sha256").update(text).digest("base64url");
    let entry = cache.get(key);
    if (entry === undefined) {
      entry = compile(text);
      cache.set(key, entry);
    }
    return entry;
  }

  /** Read a schema: guards, meta-schema check and size bounds now; the validator on first use. */
  function compile(text: string): Entry {
    const unusable = (problem: string): Entry => ({
      schema: {},
      chars: text.length,
      size: { min: 0, max: 0 },
      problem,
      original: {},
      oldDraft: false,
      results: new Map(),
    });
    // A private copy: neither library may see (or mutate) the caller's object.
    const parsed: unknown = text === "undefined" ? undefined : JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      return unusable("the schema must be a JSON object");
    const { $schema, ...schema } = parsed as Record<string, unknown>;
    const problem = excessive(schema);
    if (problem !== undefined) return unusable(problem);
    const oldDraft = typeof $schema === "string" && OLD_DRAFTS.test($schema);
    const checker = oldDraft ? checkers.legacy : checkers.modern;
    // What compiling would refuse first (Ajv's own wording), without compiling.
    if (checker.validateSchema(schema) !== true)
      return unusable(`JSON schema is invalid: schema is invalid: ${checker.errorsText(checker.errors)}`);
    const forFaker = boundedForFaker(oldDraft ? modernTuples(schema) : schema);
    return {
      schema: forFaker,
      chars: text.length,
      size: schemaSize(forFaker),
      original: schema,
      oldDraft,
      results: new Map(),
    };
  }

  /** The entry's validator, compiled now if it was not yet (or why it cannot be). */
  function validatorOf(entry: Entry): ValidateFunction | string {
    if (entry.problem !== undefined) return entry.problem;
    if (entry.validate !== undefined) return entry.validate;
    compiledChars += entry.chars;
    if (++compiles % AJV_COMPILES === 0 || compiledChars > AJV_CHARS) {
      modern = newAjv(new Ajv2020(compileOptions));
      legacy = newAjv(new Ajv(compileOptions));
      compiledChars = entry.chars;
    }
    const ajv = entry.oldDraft ? legacy : modern;
    const schema = entry.original;
    try {
      entry.validate = ajv.compile(schema);
    } catch (error) {
      // Ajv's messages name the offending keyword; an engine failure (stack, memory) says nothing useful.
      entry.validate =
        error instanceof RangeError
          ? "JSON schema is too demanding to compile"
          : `JSON schema is invalid: ${(error as Error).message}`;
    } finally {
      // Our LRU owns compiled schemas: drop Ajv's own registry entry (and any `$id`) so memory stays bounded.
      try {
        ajv.removeSchema(schema);
      } catch {
        // Nothing was registered for a schema Ajv could not read.
      }
    }
    return entry.validate;
  }

  function generate(entry: Entry, validate: ValidateFunction, seed: number): SchemaOutcome {
    const fakerAttempts = entry.size.max <= FAKER_MAX_CHARS ? attempts : 0;
    for (let attempt = 0; attempt < fakerAttempts; attempt++) {
      try {
        const value = generateSync(entry.schema as JsonSchema, {
          seed: (seed + attempt * 7919) >>> 0,
          maxDepth: 8,
          refDepthMax: 3,
          maxDefaultItems: FAKER_DEFAULT_ITEMS,
          optionalsProbability: 0.7,
          failOnInvalidTypes: false,
          outputTransform: plausibleString,
        });
        if (validate(value)) return { ok: true, value };
      } catch {
        // Unsupported construct for the faker: try again, then repair.
      }
    }
    const repaired = minimalInstance(entry.schema, MAX_ANSWER_CHARS);
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
    validator: (schema) => validatorOf(entryFor(schema)),
    fake(schema, seed, room = answerRoom(4096)) {
      const entry = entryFor(schema);
      if (entry.problem !== undefined) return { ok: false, reason: entry.problem };
      // A model asked for more than max_tokens allows writes until the limit stops it. (No finite
      // instance at all, `Infinity`, is the repair pass's to report.)
      if (entry.size.min > room && entry.size.min !== Infinity)
        return { ok: true, value: undefined, cut: minimalPrefix(entry.schema, room) };
      const cached = entry.results.get(seed);
      if (cached !== undefined) return cached;
      const validate = validatorOf(entry);
      if (typeof validate === "string") return { ok: false, reason: validate };
      const outcome = generate(entry, validate, seed);
      if (entry.results.size >= RESULTS_PER_SCHEMA)
        entry.results.delete(entry.results.keys().next().value ?? 0);
      entry.results.set(seed, outcome);
      return outcome;
    },
  };
}
