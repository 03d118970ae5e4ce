// What a prompt states for one schema property (property-values.ts → fill.ts): matched by the
// property's name, title and description, its type, enum and format, against the prompt's Mentions.
// Returns a candidate only; fill.ts keeps it if the whole value still validates.
import { AIRPORTS, LANGUAGES } from "./gazetteer.ts";
import type { Mentions, NumberMention } from "./mentions.ts";
import { absolutePath } from "./paths.ts";
import { sentimentOf } from "./obey.ts";

export type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);

/** Local `$ref`s (Pydantic's `#/$defs/X`, zod's `#/definitions/X`) and the non-null side of Optional. */
export function resolve(node: unknown, root: Schema, depth = 0): Schema {
  if (!isObject(node) || depth > 8) return {};
  if (typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
    let target: unknown = root;
    for (const part of node.$ref.slice(2).split("/")) target = isObject(target) ? target[part] : undefined;
    return resolve(target, root, depth + 1);
  }
  for (const key of ["anyOf", "oneOf"]) {
    const variants = node[key];
    if (Array.isArray(variants)) {
      const real = variants.filter((v) => !(isObject(v) && v.type === "null"));
      if (real.length === 1) return { ...node, ...resolve(real[0], root, depth + 1), [key]: undefined };
    }
  }
  if (Array.isArray(node.allOf) && node.allOf.length === 1)
    return { ...node, ...resolve(node.allOf[0], root, depth + 1) };
  return node;
}

export function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((t) => t !== "null") as string | undefined;
  if (isObject(schema.properties)) return "object";
  if (Array.isArray(schema.enum)) return typeof schema.enum[0];
  return undefined;
}

/** The property's name and description, as words to match on. */
function wordsFor(key: string, schema: Schema): string {
  const title = typeof schema.title === "string" ? schema.title : "";
  const description = typeof schema.description === "string" ? schema.description : "";
  return `${key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ")} ${title} ${description}`.toLowerCase();
}

const has = (words: string, pattern: RegExp): boolean => pattern.test(words);

/** Words that name an enum value without spelling it ("15 times 4" → multiply). */
const SYNONYMS: Readonly<Record<string, RegExp>> = {
  add: /\b(plus|sum|add|added)\b|\+/,
  subtract: /\b(minus|difference|subtract(ed)?)\b/,
  multiply: /\b(times|product|multipl(y|ied))\b|[×*]/,
  divide: /\b(divided|quotient|divide)\b|[÷/]/,
};

/** The enum values a prompt is searched for. */
const MAX_ENUM_READ = 256;

function enumValue(options: unknown[], m: Mentions): unknown {
  const text = m.text.toLowerCase();
  const polarity = sentimentOf(options, m.text);
  if (polarity !== undefined) return polarity;
  let best: unknown;
  let bestLength = 0;
  // A prompt names one of the first few hundred values, in words shorter than itself: a 100,000-value
  // enum cost a pattern per value, and a 100,000-character value failed to compile as one (a 500).
  for (const option of options.slice(0, MAX_ENUM_READ)) {
    if (typeof option !== "string" || option.length < 2 || option.length > text.length) continue;
    const needle = option.toLowerCase().replace(/_/g, " ");
    const code = Object.entries(LANGUAGES).find(([, c]) => c === option.toLowerCase())?.[0];
    const found = new RegExp(`(^|[^a-z])${needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z])`).test(
      text,
    );
    if ((found || (code !== undefined && text.includes(code))) && needle.length > bestLength)
      [best, bestLength] = [option, needle.length];
  }
  if (best !== undefined) return best;
  return options.find((o) => typeof o === "string" && SYNONYMS[o]?.test(text) === true);
}

/** A string held to three capitals (IATA airports, ISO currencies) or two lower-case letters (languages). */
function codeValue(w: string, schema: Schema, m: Mentions): string | undefined {
  const pattern = typeof schema.pattern === "string" ? schema.pattern : "";
  const three = /\{3\}/.test(pattern) || (schema.minLength === 3 && schema.maxLength === 3);
  const two = /^\^?\[a-z\]\{2\}\$?$/.test(pattern) || (schema.minLength === 2 && schema.maxLength === 2);
  const isTo = has(w, /\b(to|destination|target|into|arrival)\b/);
  const isFrom = has(w, /\b(from|origin|source|departure)\b/);
  if (two) {
    const codes = m.languages.map((l) => LANGUAGES[l.toLowerCase()] ?? "");
    return isFrom && codes.length > 1 ? codes[0] : codes[codes.length - 1];
  }
  if (!three) return undefined;
  if (m.money.length > 0 || has(w, /currency/)) {
    const stated = m.money[0]?.currency;
    const codes = m.codes.filter((c) => c.length === 3);
    return isTo ? (codes.find((c) => c !== stated) ?? codes[0]) : (stated ?? codes[0]);
  }
  const place = isTo ? (m.destination ?? m.places[1]) : isFrom ? (m.origin ?? m.places[0]) : m.places[0];
  return place === undefined ? undefined : AIRPORTS[place.split(",")[0]?.toLowerCase() ?? ""];
}

function stringValue(key: string, schema: Schema, m: Mentions): string | undefined {
  const w = wordsFor(key, schema);
  const code = codeValue(w, schema, m);
  if (code !== undefined) return code;
  const format = typeof schema.format === "string" ? schema.format : "";
  if (format === "email" || has(w, /e-?mail/)) return m.emails[0];
  if (format === "uri" || format === "url" || has(w, /\b(url|link|website|href)/)) return m.urls[0];
  // The path the question names: the last one, since the question comes after any system text.
  // By the key alone: descriptions say "file" about contents too ("The content to write to the file").
  if (
    /^(file|path|filename|file ?path|file ?name|\w+ path)$/.test(wordsFor(key, {}).trim()) &&
    m.paths.length > 0
  )
    return absolutePath(m.paths[m.paths.length - 1] ?? "", m.workingDirectory);
  if (format === "date-time")
    return m.dates[0] === undefined ? undefined : `${m.dates[0]}T${m.times[0] ?? "09:00"}:00Z`;
  if (format === "date" || has(w, /\b(date|day|birthday|dob|deadline|due)\b/)) return m.dates[0];
  if (format === "time" || has(w, /\btime\b/))
    return m.times[0] === undefined ? undefined : `${m.times[0]}:00`;
  if (has(w, /phone|mobile|tel\b/)) return m.phones[0];
  if (has(w, /currency/)) {
    const stated = m.money[0]?.currency;
    const codes = m.codes.filter((c) => c.length === 3);
    if (has(w, /\b(to|target|into)\b/)) return codes.find((c) => c !== stated) ?? codes[0];
    return stated ?? codes[0];
  }
  if (has(w, /\b(origin|from|departure|source)\b/)) return m.origin ?? m.places[0];
  if (has(w, /\b(destination|to|arrival)\b/)) return m.destination ?? m.places[1] ?? m.places[0];
  if (has(w, /(city|location|place|country|town|region|venue|address|where|state)\b/)) return m.places[0];
  if (has(w, /(ticker|symbol|stock)/)) return m.codes.find((c) => c.length <= 5);
  if (has(w, /(language|lang)\b/)) return m.languages[m.languages.length - 1];
  if (has(w, /\b(first ?name|given)/)) return m.names[0]?.split(" ")[0];
  if (has(w, /\b(last ?name|surname|family)/)) return m.names[0]?.split(" ").slice(1).join(" ") || undefined;
  if (
    has(
      w,
      /\b(name|full ?name|person|customer|author|user ?name|attendee|recipient|contact|assignee|owner)\b/,
    )
  )
    return m.names[0];
  if (
    has(
      w,
      /\b(query|search|q|term|keywords?|question|prompt|text|message|content|body|subject|title|topic)\b/,
    )
  )
    return m.quoted[0] ?? searchPhrase(m.text);
  return undefined;
}

/** "search for best pizza in town" → "best pizza in town". */
function searchPhrase(text: string): string | undefined {
  return /\b(?:search(?: the web)?(?: for)?|look up|find|google)\s+([^.?!\n]{2,80})/i.exec(text)?.[1]?.trim();
}

const UNITS: readonly [RegExp, RegExp][] = [
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "night",
  "guest",
  "people",
  "passenger",
  "item",
  "result",
].map((stem) => [new RegExp(stem), new RegExp(`^${stem}s?$`)]);

function numberValue(key: string, schema: Schema, m: Mentions): number | undefined {
  const w = wordsFor(key, schema);
  const unitIs = (pattern: RegExp) => (n: NumberMention) => pattern.test(n.unit) || pattern.test(n.before);
  const pick = (pattern: RegExp): number | undefined => m.numbers.find(unitIs(pattern))?.value;
  if (has(w, /\bage\b|\bold\b/))
    // "30 years old", "aged 30", else a number a person could be, bare or stated ("Maria Garcia, 42, …",
    // "John is 30 and lives in London": the guide's own example).
    return (
      pick(/^(years?(old)?|yo|y\/o|-year-old|aged|age|yrs?)$/) ??
      m.numbers.find(
        (n) =>
          /^(|is|was|turned|turns|now)$/.test(n.before) &&
          Number.isInteger(n.value) &&
          n.value > 0 &&
          n.value < 120 &&
          !/^(%|°)/.test(n.unit),
      )?.value
    );
  if (has(w, /price|amount|cost|total|salary|budget|fee|revenue|spend/)) return m.money[0]?.amount;
  if (has(w, /temp/)) return pick(/^(°c?f?|°|degrees?|celsius|fahrenheit)$/);
  if (has(w, /\byear\b/)) return m.numbers.find((n) => n.value >= 1900 && n.value <= 2100)?.value;
  if (has(w, /percent|%/)) return pick(/^%$/);
  for (const [stem, unit] of UNITS) if (has(w, stem)) return pick(unit);
  // Operands ("a", "b", "x", "num1"): the numbers in the order they were written.
  const operand = /^(a|x|first|num1|number1|operand1|left)$|^(b|y|second|num2|number2|operand2|right)$/.exec(
    key.toLowerCase(),
  );
  if (operand !== null) return m.numbers[operand[1] === undefined ? 1 : 0]?.value;
  if (has(w, /\b(quantity|count|how many|number of)\b/))
    return m.numbers.find(
      (n) => /^[a-z]{3,}$/.test(n.unit) && !/^[$€£]$/.test(n.before) && !/^(usd|eur|gbp)$/.test(n.unit),
    )?.value;
  // The number named right after the property's own word: "3 tickets" for `tickets`/`num_tickets`.
  const own = key
    .toLowerCase()
    .replace(/^(num|number|n|count|max|min) ?(of ?)?/, "")
    .replace(/s$/, "");
  if (own.length >= 3) return pick(new RegExp(`^${own}s?$`));
  return undefined;
}

function arrayValue(key: string, schema: Schema, root: Schema, m: Mentions): unknown[] | undefined {
  const items = resolve(schema.items, root);
  if (typeOf(items) !== "string") return undefined;
  const w = wordsFor(key, schema);
  if (has(w, /e-?mail/) || items.format === "email") return m.emails.length > 0 ? m.emails : undefined;
  if (has(w, /(attendees|participants|people|names|recipients|invitees)/))
    return m.names.length > 0 ? m.names : undefined;
  const list =
    /\b(?:likes|enjoys|loves|hobbies (?:are|include)|interests (?:are|include)|skills (?:are|include)|tags:?)\s+([^.\n]{3,120})/i.exec(
      m.text,
    )?.[1];
  if (list === undefined) return undefined;
  return list
    .split(/\s*(?:,\s*(?:and\s+)?|\s+and\s+)\s*/)
    .filter((s) => s !== "")
    .slice(0, 8);
}

/** What the prompt says for one property, or undefined. */
export function valueFor(key: string, schema: Schema, root: Schema, m: Mentions): unknown {
  if (Array.isArray(schema.enum)) return enumValue(schema.enum, m);
  switch (typeOf(schema)) {
    case "string":
      return stringValue(key, schema, m);
    case "integer": {
      const n = numberValue(key, schema, m);
      return n !== undefined && Number.isInteger(n) ? n : undefined;
    }
    case "number":
      return numberValue(key, schema, m);
    case "array":
      return arrayValue(key, schema, root, m);
    default:
      return undefined;
  }
}
