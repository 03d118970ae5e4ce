// JSON mode (`response_format: json_object`, or a prompt that says "reply in JSON") names no schema: a
// real model takes the shape from the prompt. So does the simulator, in this order:
// 1. a JSON Schema written into the prompt — how some clients without structured outputs ask ("JSON
//    schema: {…} You MUST answer with a JSON object that matches the JSON schema above");
// 2. keys the prompt names ("with keys name and age", "JSON with name, age and hobbies");
// 3. an example object in the prompt ("like {"name": "…", "age": 0}"): its keys and value types;
// 4. else a one-key object holding the answer.
// The latest user turn is read first, then earlier ones and the system prompt.
// The prompt is hostile input: the scan is bounded (characters looked at, candidates parsed).
import type { InvokeRequest } from "../types.ts";
import { textOf } from "./conversation.ts";

type Schema = Record<string, unknown>;

/** The most prompt text scanned for objects, from the end (where instructions usually are). */
const SCAN_CHARS = 32_000;
/** Brace-balanced candidates tried with JSON.parse per text. */
const MAX_CANDIDATES = 32;
const MAX_KEYS = 24;

/** What a JSON-mode answer holds when the prompt says nothing of its shape. */
export const ANSWER_OBJECT: Schema = {
  type: "object",
  properties: { answer: { type: "string" } },
  required: ["answer"],
  additionalProperties: false,
};

function texts(request: InvokeRequest): string[] {
  const out: string[] = [];
  const system = request.system as unknown;
  if (typeof system === "string") out.push(system);
  else if (Array.isArray(system))
    for (const block of system as Array<{ text?: unknown }>)
      if (typeof block.text === "string") out.push(block.text);
  for (const message of request.messages) if (message.role === "user") out.push(textOf(message));
  return out;
}

const tail = (text: string): string => (text.length > SCAN_CHARS ? text.slice(-SCAN_CHARS) : text);

const isObject = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);

/** Objects written in `text` (outermost first, bounded), parsed. */
function objectsIn(text: string): Schema[] {
  const scanned = tail(text);
  const found: Schema[] = [];
  let tried = 0;
  for (let start = scanned.indexOf("{"); start !== -1 && tried < MAX_CANDIDATES;) {
    const end = balancedEnd(scanned, start);
    if (end === -1) break;
    tried++;
    try {
      const value: unknown = JSON.parse(scanned.slice(start, end + 1));
      if (isObject(value)) {
        found.push(value);
        start = scanned.indexOf("{", end + 1);
        continue;
      }
    } catch {
      // Not JSON (prose in braces, a template): look inside it.
    }
    start = scanned.indexOf("{", start + 1);
  }
  return found;
}

/** Index of the `}` closing the `{` at `start` (strings respected), or -1. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0) return i;
  }
  return -1;
}

function looksLikeSchema(value: Schema): boolean {
  return isObject(value.properties) || typeof value.$schema === "string";
}

/** A schema for values shaped like `example`. */
function schemaOfExample(example: unknown, depth = 0): Schema {
  if (typeof example === "string") return { type: "string" };
  if (typeof example === "boolean") return { type: "boolean" };
  if (typeof example === "number") return { type: Number.isInteger(example) ? "integer" : "number" };
  if (Array.isArray(example))
    return {
      type: "array",
      ...(example.length > 0 && depth < 6 ? { items: schemaOfExample(example[0], depth + 1) } : {}),
    };
  if (isObject(example) && depth < 6) {
    const keys = Object.keys(example).slice(0, MAX_KEYS);
    const properties: Schema = {};
    for (const key of keys) properties[key] = schemaOfExample(example[key], depth + 1);
    return { type: "object", properties, required: keys };
  }
  return {};
}

/** The list after "keys", "fields", … or after "JSON with|containing|having": `a, b and c`. */
const KEY_LIST = String.raw`((?:[\`"']?[A-Za-z_][\w-]{0,40}[\`"']?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*\/\s*)?){1,24})`;
const NAMED_KEYS = new RegExp(
  String.raw`\b(?:(?:keys?|fields?|properties|attributes|columns)\b\s*(?:named|called|like|:)?|JSON(?:\s+object)?\s+(?:with|containing|having)(?:\s+(?:the\s+)?(?:keys?|fields?|properties)\b)?\s*:?)\s*` +
    KEY_LIST,
  "i",
);
/** Keys named before the format: "Extract the name and age as JSON", "Return title, year into JSON". */
const KEYS_BEFORE_JSON = new RegExp(
  String.raw`\b(?:extract|return|give(?:\s+me)?|get|output|provide|pull\s+out|list)\s+` +
    KEY_LIST +
    String.raw`\s*(?:as|in|into)\s+(?:an?\s+)?(?:valid\s+)?JSON\b`,
  "i",
);
const NOT_KEYS = new Set([
  "for",
  "from",
  "about",
  "each",
  "every",
  "this",
  "these",
  "following",
  "to",
  "as",
  "on",
  "by",
  "and",
  "or",
  "the",
  "a",
  "an",
  "with",
  "of",
  "only",
  "json",
  "object",
  "that",
  "in",
  "into",
  "their",
  "its",
  "his",
  "her",
]);

/**
 * The keys of a named list: words before the first key ("the") are skipped; after it, any such word
 * but "and"/"or" ends the list — "keys name and age for Bob, 22" names two keys, not "Bob".
 */
function keysOf(list: string): string[] {
  const keys: string[] = [];
  for (const raw of list.split(/[\s,/]+/)) {
    const word = raw.trim().replace(/^[`"']|[`"']$/g, "");
    const lower = word.toLowerCase();
    if (/^[A-Za-z_][\w-]*$/.test(word) && !NOT_KEYS.has(lower)) keys.push(word);
    else if (keys.length > 0 && lower !== "and" && lower !== "or" && word !== "") break;
  }
  return keys;
}

/** Keys named in prose ("with keys name and age"), typed by their names. */
function schemaOfNamedKeys(text: string): Schema | undefined {
  const scanned = tail(text);
  const named = NAMED_KEYS.exec(scanned)?.[1] ?? KEYS_BEFORE_JSON.exec(scanned)?.[1];
  if (named === undefined) return undefined;
  const keys = [...new Set(keysOf(named))].slice(0, MAX_KEYS);
  if (keys.length === 0) return undefined;
  const properties: Schema = {};
  for (const key of keys) properties[key] = typeOfName(key);
  return { type: "object", properties, required: keys, additionalProperties: false };
}

function typeOfName(key: string): Schema {
  const k = key.toLowerCase();
  if (/^(is|has|can|should)_?[a-z]/.test(k) || /(enabled|active|valid)$/.test(k)) return { type: "boolean" };
  if (
    /(^|_)(age|year|count|quantity|number|rank|id|population|stock|views|likes|days|hours|minutes|seconds)$|^(age|year|count)/.test(
      k,
    )
  )
    return { type: "integer" };
  if (/(price|amount|cost|total|score|rating|percent|salary|weight|height|temperature)$/.test(k))
    return { type: "number" };
  // A plural names a list ("hobbies", "tags"), not "address" or "status".
  if (/(list|items)$/.test(k) || (/[a-z]{2}s$/.test(k) && !/(ss|us|is)$/.test(k)))
    return { type: "array", items: { type: "string" } };
  return { type: "string" };
}

/** The schema a JSON-mode answer to `request` should follow (see the module comment). */
export function schemaFromPrompt(request: InvokeRequest): Schema {
  // Most recent first: the last instruction wins over an older one. In one text, a schema is the
  // strongest sign, then keys named in prose, then an example (an object there may also be data).
  for (const text of texts(request).reverse()) {
    const objects = objectsIn(text);
    const schema = objects.find(looksLikeSchema);
    if (schema !== undefined) return schema;
    const named = schemaOfNamedKeys(text);
    if (named !== undefined) return named;
    const example = objects.find((o) => Object.keys(o).length > 0);
    if (example !== undefined) return schemaOfExample(example);
  }
  return ANSWER_OBJECT;
}
