// Readable strings for schema fakes: json-schema-faker fills free-text fields with random letters
// ("anjCHMO"); this swaps them for words that suit the property name ("city" → a city). Only free
// text is touched — strings with a format, pattern, enum or const keep the faker's value — and the
// result is still validated (schema-data.ts), so a bad swap can only cost a retry.

const CITIES = [
  "Paris",
  "Berlin",
  "Lisbon",
  "Toronto",
  "Osaka",
  "Nairobi",
  "Austin",
  "Melbourne",
  "Oslo",
  "Santiago",
];
const NAMES = [
  "Ada Lovelace",
  "Alan Turing",
  "Grace Hopper",
  "Katherine Johnson",
  "Linus Torvalds",
  "Margaret Hamilton",
  "Tim Berners-Lee",
];
const WORDS = [
  "project",
  "budget",
  "report",
  "meeting",
  "summary",
  "customer",
  "invoice",
  "update",
  "design",
  "review",
  "launch",
  "network",
  "service",
  "quality",
  "schedule",
  "analysis",
  "feature",
  "request",
  "result",
  "support",
  "delivery",
];
const SENTENCES = [
  "Quarterly results were better than expected.",
  "The team shipped the first version on time.",
  "Please review the attached proposal before Friday.",
  "Customer feedback points to a simpler onboarding flow.",
  "The meeting was moved to next Tuesday afternoon.",
];

const STREETS = ["12 Harbour Street", "48 Elm Avenue", "7 Station Road", "221 Baker Street", "3 Mill Lane"];
const COUNTRIES = ["France", "Japan", "Canada", "Kenya", "Brazil", "Norway", "Australia", "Portugal"];
const DATES = ["2025-03-14", "2025-06-02", "2025-09-21", "2026-01-08", "2026-04-30"];

type Kind =
  "city" | "name" | "sentence" | "words" | "email" | "phone" | "url" | "street" | "country" | "date";

/** Free-text fields whose name says what they hold: the value looks like it (an email has an @). */
const SHAPED: ReadonlyArray<readonly [RegExp, Kind]> = [
  [/e_?mail(_?address)?$/, "email"],
  [/(phone|mobile|tel|telephone)(_?number)?$/, "phone"],
  [/(url|uri|website|homepage|link)$/, "url"],
  [/(street|address|address_?line_?\d?)$/, "street"],
  [/country$/, "country"],
  [/(date|day_of|birthday|dob|deadline|due)$/, "date"],
];

function kindOf(property: string): Kind {
  const p = property.toLowerCase().replace(/([a-z])([A-Z])/g, "$1_$2");
  const shaped = SHAPED.find(([pattern]) => pattern.test(p))?.[1];
  if (shaped !== undefined) return shaped;
  if (/(city|location|town|place|destination|origin)$/.test(p)) return "city";
  if (/(^|_)(name|author|assignee|owner|candidate|nickname)$|fullname|first_?name|last_?name/.test(p))
    return "name";
  if (
    /(description|body|text|summary|rationale|explanation|notes?|comment|content|message|bio|thought|answer|prompt)$/.test(
      p,
    )
  )
    return "sentence";
  return "words";
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The kinds that are one pick from a list. */
const PICKS: Partial<Record<Kind, readonly string[]>> = {
  city: CITIES,
  name: NAMES,
  sentence: SENTENCES,
  street: STREETS,
  country: COUNTRIES,
  date: DATES,
};

function candidate(kind: Kind, h: number): string {
  const at = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
  const list = PICKS[kind];
  if (list !== undefined) return at(list, h);
  switch (kind) {
    case "email":
      return `${at(NAMES, h)
        .toLowerCase()
        .replace(/[^a-z]+/g, ".")}@example.com`;
    case "phone":
      return `+1 555 01${String(h % 100).padStart(2, "0")}`;
    case "url":
      return `https://example.com/${at(WORDS, h)}`;
    default:
      return `${at(WORDS, h)} ${at(WORDS, h >>> 8)}`;
  }
}

/** Ranges a number named like this usually falls in: [low, high, decimals]. */
const NUMBER_RANGES: ReadonlyArray<readonly [RegExp, number, number, number]> = [
  [/(^|_)age$|^age/, 18, 80, 0],
  [/year$/, 1990, 2030, 0],
  [/(month)$/, 1, 12, 0],
  [/(day)$/, 1, 28, 0],
  [/(hour)s?$/, 0, 23, 0],
  [/(percent|percentage|pct)$/, 0, 100, 1],
  [/(rating|stars)$/, 1, 5, 0],
  [/(score|confidence|probability)$/, 0, 1, 2],
  [/(price|amount|cost|total|salary|balance|fee)$/, 5, 500, 2],
  [/(lat|latitude)$/, -60, 60, 4],
  [/(lon|lng|longitude)$/, -150, 150, 4],
  [/(temperature|temp)$/, -5, 35, 1],
];

/** A number with no bounds of its own: one in the range its name suggests (else 1–100). */
function plausibleNumber(value: number, s: Record<string, unknown>, property: string): number {
  for (const key of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"])
    if (s[key] !== undefined) return value;
  if ("const" in s) return value;
  const p = property.toLowerCase().replace(/([a-z])([A-Z])/g, "$1_$2");
  const [, low, high, decimals] = NUMBER_RANGES.find(([name]) => name.test(p)) ?? [/./, 1, 100, 0];
  const integer = s.type === "integer" || decimals === 0;
  const span = high - low;
  const unit = (hash(`${property}:${value}`) % 10_000) / 10_000;
  const n = low + span * unit;
  return integer ? Math.round(n) : Number(n.toFixed(decimals));
}

/**
 * json-schema-faker `outputTransform`: readable replacements for free-text strings, and numbers in a
 * range their name suggests (an `age` of 42, not -704.26) when the schema sets no bounds.
 */
export function plausibleString(value: unknown, schema: unknown, path: string): unknown {
  if (schema === null || typeof schema !== "object") return value;
  if (typeof value === "number") {
    const s = schema as Record<string, unknown>;
    if (s.type !== "number" && s.type !== "integer") return value;
    return plausibleNumber(value, s, path.split("/").pop() ?? "");
  }
  if (typeof value !== "string") return value;
  const s = schema as Record<string, unknown>;
  if (
    s.type !== "string" ||
    s.format !== undefined ||
    s.pattern !== undefined ||
    s.enum !== undefined ||
    "const" in s
  )
    return value;
  const property = path.split("/").pop() ?? "";
  let text = candidate(
    kindOf(/^\d+$/.test(property) ? (path.split("/").at(-2) ?? "") : property),
    hash(value),
  );
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : Number.POSITIVE_INFINITY;
  if ([...text].length < min) return value;
  if ([...text].length > max) text = [...text].slice(0, max).join("").trimEnd();
  return [...text].length >= min ? text : value;
}
