// Validates bodies against named component schemas of the OpenAI OpenAPI spec (spec/openai-openapi.yaml,
// committed with its source in spec/README.md). The 3 MB spec is parsed and compiled once per test file.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";

const SPEC_PATH = fileURLToPath(new URL("../../spec/openai-openapi.yaml", import.meta.url));
const ID = "https://openai-spec.local/openapi";

/** OpenAPI 3.0 leftovers (`nullable: true`) → JSON Schema 2020 (`anyOf […, {type: null}]`). */
function normalise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalise);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = normalise(v);
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

let ajv: Ajv2020 | undefined;
const cache = new Map<string, ValidateFunction>();

function compiler(): Ajv2020 {
  if (ajv !== undefined) return ajv;
  const spec = parse(readFileSync(SPEC_PATH, "utf8")) as { components: { schemas: Record<string, unknown> } };
  ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: ID, components: { schemas: normalise(spec.components.schemas) } });
  return ajv;
}

function validator(name: string): ValidateFunction {
  let validate = cache.get(name);
  if (validate === undefined) {
    validate = compiler().getSchema(`${ID}#/components/schemas/${name}`);
    if (validate === undefined) throw new Error(`no schema ${name} in the OpenAI spec`);
    cache.set(name, validate);
  }
  return validate;
}

/**
 * Parse the spec and compile `names` now — in a `beforeAll` with a long timeout, so the seconds this
 * takes on a busy machine do not count against the first test's own timeout.
 */
export function precompileSpec(...names: string[]): void {
  for (const name of names) validator(name);
}

/** Throws with the spec's complaints when `body` is not a valid `name` (e.g. CreateChatCompletionResponse). */
export function assertSpec(name: string, body: unknown): void {
  const validate = validator(name);
  if (!validate(body)) {
    throw new Error(
      `${name} does not match the OpenAI spec: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(body).slice(0, 800)}`,
    );
  }
}
