// Values from the prompt into a schema fake: for each property the schema declares, the value the
// conversation states for it (by property name, description, type, enum and format), laid over the
// fake one at a time and kept only while the whole value still validates — so the result is never
// less valid than the fake (CONTRACT §5: "weather in Paris" → `location: "Paris"`).
import type { ValidateFunction } from "ajv";
import type { Mentions } from "./mentions.ts";
import { resolve, typeOf, valueFor, type Schema } from "./property-values.ts";

type Path = (string | number)[];

interface Assignment {
  path: Path;
  value: unknown;
}

const MAX_ASSIGNMENTS = 40;
const MAX_DEPTH = 6;

const isObject = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);

function collect(
  node: unknown,
  value: unknown,
  root: Schema,
  m: Mentions,
  path: Path,
  out: Assignment[],
): void {
  const schema = resolve(node, root);
  if (path.length > MAX_DEPTH || out.length >= MAX_ASSIGNMENTS || !isObject(schema.properties)) return;
  const current = isObject(value) ? value : undefined;
  for (const [key, raw] of Object.entries(schema.properties)) {
    const property = resolve(raw, root);
    if (typeOf(property) === "object") {
      if (current !== undefined && isObject(current[key]))
        collect(property, current[key], root, m, [...path, key], out);
      continue;
    }
    const found = valueFor(key, property, root, m);
    if (found !== undefined && found !== "") out.push({ path: [...path, key], value: found });
  }
}

function setAt(target: unknown, path: Path, value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function getAt(target: unknown, path: Path): unknown {
  let node: unknown = target;
  for (const part of path) node = isObject(node) ? node[part as string] : undefined;
  return node;
}

/**
 * `fake` with the prompt's values laid over it, each kept only if the whole still validates.
 * `fake` itself is not changed (the faker caches it).
 */
export function fillFromPrompt(
  fake: unknown,
  schema: unknown,
  mentions: Mentions,
  validate: ValidateFunction,
  asked?: Mentions,
): unknown {
  if (!isObject(fake) || !isObject(schema)) return fake;
  const assignments: Assignment[] = [];
  collect(schema, fake, schema, mentions, [], assignments);
  if (asked === undefined) {
    if (assignments.length === 0) return fake;
    return fillIn(structuredClone(fake), assignments, validate);
  }
  // A tool input: optional properties only from what the question itself states — a long system prompt
  // (Claude Code's) mentions a value for nearly anything.
  const required = Array.isArray(schema.required) ? schema.required : [];
  const optional: Assignment[] = [];
  collect(schema, fake, schema, asked, [], optional);
  const stated = [
    ...assignments.filter((a) => a.path.length > 1 || required.includes(a.path[0])),
    ...optional.filter((a) => a.path.length === 1 && !required.includes(a.path[0])),
  ];
  return fillIn(requiredOnly(fake, required, validate), stated, validate);
}

/**
 * A tool input as a model writes one: the required properties, and an optional one only where the
 * prompt states its value (Claude Code's Read got `pages: "Slack"`, which it rightly refused). Kept as the
 * fake when dropping the optional ones would not validate.
 */
function requiredOnly(fake: Schema, required: readonly unknown[], validate: ValidateFunction): Schema {
  const kept = structuredClone(
    Object.fromEntries(Object.entries(fake).filter(([k]) => required.includes(k))),
  );
  return validate(kept) ? kept : structuredClone(fake);
}

function fillIn(result: Schema, assignments: readonly Assignment[], validate: ValidateFunction): Schema {
  for (const { path, value } of assignments) {
    const before = getAt(result, path);
    setAt(result, path, value);
    if (!validate(result)) {
      if (before === undefined) {
        const parent = getAt(result, path.slice(0, -1));
        if (isObject(parent)) delete parent[path[path.length - 1] as string];
      } else setAt(result, path, before);
    }
  }
  return result;
}
