// What a prompt states, found with a few bounded regular expressions: e-mails, URLs, dates and times,
// numbers with their units, money, quoted strings, upper-case codes (tickers, currencies), places
// (after "in/at/from/to …") and person names (capitalised words that are not places or sentence
// openers). No NLP library: `compromise` was measured for this (issue 16) at ~6 ms a prompt against
// ~0.15 ms here, with 4.7 MB installed, and found no more on these prompts (it also keeps trailing
// punctuation: "Madrid."). fill.ts maps these mentions onto schema properties.
import { AIRPORTS, CAPITALS, LANGUAGES } from "./gazetteer.ts";
import { pathsIn, workingDirectoryIn } from "./paths.ts";

export interface NumberMention {
  value: number;
  /** The word right after the number ("30 years", "5 guests", "18°C" → "°c"), lower-case. */
  unit: string;
  /** The word right before it ("aged 30", "$ 25"), lower-case. */
  before: string;
}

export interface Mentions {
  text: string;
  emails: string[];
  urls: string[];
  phones: string[];
  /** ISO dates (YYYY-MM-DD). */
  dates: string[];
  /** HH:MM (24 h). */
  times: string[];
  numbers: NumberMention[];
  money: { amount: number; currency: string }[];
  quoted: string[];
  codes: string[];
  places: string[];
  /** A place after "from" / after "to" ("from Paris to Rome"). */
  origin: string | undefined;
  destination: string | undefined;
  names: string[];
  languages: string[];
  /** File paths, in order of appearance, and the working directory the prompt states (paths.ts). */
  paths: string[];
  workingDirectory: string | undefined;
}

const SCAN_CHARS = 8000;
const MAX_EACH = 16;

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH = String.raw`(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)`;
const WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split(" ");

/** Capitalised words that open sentences or name no one. */
const NOT_NAMES = new Set(
  (
    "I The A An This That These Those It Its What Who Where When Why How Which Please Hi Hello Hey Dear " +
    "Thanks Thank Yes No My Our Your Their We You He She They Extract Get Find Give Tell Show List Create " +
    "Send Book Schedule Return Respond Reply Answer Write Make Set Add Use Call Check Look Search Translate " +
    "Convert Calculate Summarize Summarise Classify Describe Explain Is Are Can Could Would Should Will Do " +
    "Does Did Also And But Or If Then Name Email Age City Mr Mrs Ms Dr Prof Today Tomorrow Yesterday JSON API " +
    "Based According Here There System User Assistant Human Note Input Output Text Task Person Info Information"
  ).split(" "),
);

const CAP_WORD = String.raw`[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ]+)?`;
const CAP_RUN = String.raw`${CAP_WORD}(?:\s+(?:de|da|del|van|von|la|le)?\s*${CAP_WORD}){0,3}`;
const PLACE = new RegExp(
  String.raw`\b(in|at|from|to|near|for|of|visit|visiting|around|into)\s+(${CAP_RUN}(?:,\s*(?:${CAP_WORD}|[A-Z]{2})\b)?)`,
  "g",
);
const NAME_CUE = new RegExp(
  String.raw`(?:\b(?:name is|named|called|I am|I'm|this is|contact|customer|patient|employee|user|by|with|for|to|reach|meet|ask|invite|thank|from|cc)\s+(${CAP_RUN}))|(?:(${CAP_RUN})(?=\s*(?:,\s*(?:a|an|aged|age|\d)|\s+(?:is|was|has|lives|works|turned|enjoys|likes|loves|\(|aged))))`,
  "g",
);

const uniq = <T>(items: T[]): T[] => [...new Set(items)].slice(0, MAX_EACH);
const all = (text: string, pattern: RegExp, group = 0): string[] =>
  uniq([...text.matchAll(pattern)].map((m) => m[group] ?? "").filter((s) => s !== ""));

function monthIndex(name: string): number {
  const lower = name.toLowerCase().slice(0, 3);
  return MONTHS.findIndex((m) => m.startsWith(lower)) + 1;
}

const pad = (n: number): string => String(n).padStart(2, "0");

function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCDate() === day ? `${year}-${pad(month)}-${pad(day)}` : undefined;
}

const MONTH_DAY = new RegExp(String.raw`\b${MONTH}\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?`, "gi");
const DAY_MONTH = new RegExp(
  String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH}\.?(?:,?\s+(\d{4}))?`,
  "gi",
);

function dates(text: string): string[] {
  const found: string[] = [];
  const yearIn = /\b(19|20)\d{2}\b/.exec(text);
  const defaultYear = yearIn === null ? 2025 : Number(yearIn[0]);
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g))
    found.push(isoDate(Number(m[1]), Number(m[2]), Number(m[3])) ?? "");
  for (const m of text.matchAll(MONTH_DAY))
    found.push(isoDate(Number(m[3] ?? defaultYear), monthIndex(m[1] ?? ""), Number(m[2])) ?? "");
  for (const m of text.matchAll(DAY_MONTH))
    found.push(isoDate(Number(m[3] ?? defaultYear), monthIndex(m[2] ?? ""), Number(m[1])) ?? "");
  for (const m of text.matchAll(/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g))
    found.push(isoDate(Number(m[3]), Number(m[1]), Number(m[2])) ?? "");
  return uniq(found.filter((d) => d !== ""));
}

function times(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)/gi)) {
    let hour = Number(m[1]) % 12;
    if ((m[3] ?? "").toLowerCase().startsWith("p")) hour += 12;
    found.push(`${pad(hour)}:${m[2] ?? "00"}`);
  }
  for (const m of text.matchAll(/\b([01]?\d|2[0-3]):([0-5]\d)\b(?!\s*(?:am|pm))/gi))
    found.push(`${pad(Number(m[1]))}:${m[2]}`);
  return uniq(found);
}

const CURRENCY_SIGNS: Readonly<Record<string, string>> = { $: "USD", "€": "EUR", "£": "GBP", "¥": "JPY" };
const CURRENCY_WORDS: readonly [RegExp, string][] = [
  [/^(dollars?|usd|bucks)$/i, "USD"],
  [/^(euros?|eur)$/i, "EUR"],
  [/^(pounds?|gbp|quid)$/i, "GBP"],
  [/^(yen|jpy)$/i, "JPY"],
];

function money(text: string): { amount: number; currency: string }[] {
  const out: { amount: number; currency: string }[] = [];
  for (const m of text.matchAll(/([$€£¥])\s?(\d[\d,]*(?:\.\d+)?)/g))
    out.push({
      amount: Number((m[2] ?? "").replace(/,/g, "")),
      currency: CURRENCY_SIGNS[m[1] ?? ""] ?? "USD",
    });
  // Amounts start where a run of digits starts (else a long digit run is retried from every digit).
  for (const m of text.matchAll(
    /(?<![\d,.])(\d[\d,]*(?:\.\d+)?)\s*(dollars?|usd|bucks|euros?|eur|pounds?|gbp|yen|jpy)\b/gi,
  )) {
    const currency = CURRENCY_WORDS.find(([p]) => p.test(m[2] ?? ""))?.[1] ?? "USD";
    out.push({ amount: Number((m[1] ?? "").replace(/,/g, "")), currency });
  }
  return out.slice(0, MAX_EACH);
}

function numbers(text: string): NumberMention[] {
  const out: NumberMention[] = [];
  // The word before starts a word and is short: an open-ended `[A-Za-z]+` retried from every letter of a
  // long run (a hostile 8,000-letter word) is quadratic — seconds of event loop for one request.
  const pattern =
    /(?:(?<![A-Za-z$€£])([A-Za-z$€£]{1,24})\s*)?(?<![\w.:/-])(-?\d[\d,]*(?:\.\d+)?)(?![\d:/-])\s*(%|°\s*[CF]?|[A-Za-z]{1,24}(?:[- ]old)?)?/g;
  for (const m of text.matchAll(pattern)) {
    const value = Number((m[2] ?? "").replace(/,/g, ""));
    if (!Number.isFinite(value)) continue;
    out.push({
      value,
      unit: (m[3] ?? "").toLowerCase().replace(/\s+/g, ""),
      before: (m[1] ?? "").toLowerCase(),
    });
    if (out.length >= MAX_EACH) break;
  }
  return out;
}

const titleCase = (name: string): string => name.replace(/\b[a-z]/g, (c) => c.toUpperCase());

/**
 * Cities the gazetteer knows, found anywhere ("Tokyo weather tomorrow?"): a terse prompt names the place
 * with no "in" before it. Capitalised only, so "nice" is not Nice; names with punctuation are left out.
 */
const KNOWN_CITY = new RegExp(
  String.raw`\b(${[...new Set([...Object.keys(AIRPORTS).map(titleCase), ...Object.values(CAPITALS)])]
    .filter((c) => /^[\p{L} ]+$/u.test(c))
    .sort((a, b) => b.length - a.length)
    .join("|")})\b`,
  "gu",
);

function places(text: string): { list: string[]; origin?: string; destination?: string } {
  const list: string[] = [];
  let origin: string | undefined;
  let destination: string | undefined;
  for (const m of text.matchAll(PLACE)) {
    const place = (m[2] ?? "").trim();
    const first = place.split(/[\s,]/)[0] ?? "";
    if (NOT_NAMES.has(first) || WEEKDAYS.includes(first.toLowerCase()) || isMonth(first)) continue;
    if (LANGUAGES[first.toLowerCase()] !== undefined) continue;
    const cue = (m[1] ?? "").toLowerCase();
    // "for"/"to"/"with" also introduce people; only the place-only cues decide alone.
    if (
      (cue === "for" || cue === "to" || cue === "of") &&
      !/\b(weather|forecast|flight|trip|travel|time|fly|go|drive|ship|city)\b/i.test(text)
    )
      continue;
    if (cue === "from") origin ??= place;
    if (cue === "to" || cue === "into") destination ??= place;
    list.push(place);
  }
  // After the cued places, so "from Paris to Rome" keeps its order and roles.
  for (const m of text.matchAll(KNOWN_CITY)) {
    const city = m[1] ?? "";
    if (!list.some((p) => p === city || p.startsWith(`${city},`) || p.startsWith(`${city} `)))
      list.push(city);
  }
  return {
    list: uniq(list),
    ...(origin === undefined ? {} : { origin }),
    ...(destination === undefined ? {} : { destination }),
  };
}

/** A whole word that names a month ("March", "Mar", "Sept"), not one that starts like one ("Maria"). */
function isMonth(word: string): boolean {
  const w = word.toLowerCase().replace(/\.$/, "");
  return w.length >= 3 && MONTHS.some((m) => m === w || (w.length <= 4 && m.startsWith(w)));
}

/** Two or more capitalised words in a row, anywhere: "reach Sam Lee at …". */
const CAP_PAIR = new RegExp(String.raw`\b${CAP_WORD}(?:\s+${CAP_WORD}){1,3}\b`, "g");

function names(text: string, placeList: readonly string[]): string[] {
  const out: string[] = [];
  const candidates = [...text.matchAll(NAME_CUE)].map((m) => m[1] ?? m[2] ?? "");
  for (const m of text.matchAll(CAP_PAIR)) candidates.push(m[0]);
  for (const candidate of candidates) {
    const words = candidate.split(/\s+/).filter((w) => !NOT_NAMES.has(w));
    const name = words.join(" ");
    if (
      name === "" ||
      placeList.some((p) => p === name || p.startsWith(`${name},`) || p.startsWith(`${name} `))
    )
      continue;
    if (
      words.some(
        (w) => LANGUAGES[w.toLowerCase()] !== undefined || isMonth(w) || WEEKDAYS.includes(w.toLowerCase()),
      )
    )
      continue;
    out.push(name);
  }
  return uniq(out);
}

/** Everything `text` states that a schema property might want. */
export function mentionsIn(input: string): Mentions {
  const text = input.length > SCAN_CHARS ? input.slice(-SCAN_CHARS) : input;
  const placeInfo = places(text);
  const languages = uniq(
    [...text.matchAll(/\b([A-Z][a-z]+)\b/g)]
      .map((m) => m[1] ?? "")
      .filter((w) => LANGUAGES[w.toLowerCase()] !== undefined),
  );
  return {
    text,
    // Bounded as RFC 5321 bounds them, and started where a local part can start: linear on any input.
    emails: all(text, /(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g),
    urls: all(text, /\bhttps?:\/\/[^\s"'<>)]+/g).map((u) => u.replace(/[.,;:!?]+$/, "")),
    phones: all(text, /(?<![\w])\+?\d[\d\s().-]{7,}\d\b/g).map((p) => p.trim()),
    dates: dates(text),
    times: times(text),
    numbers: numbers(text),
    money: money(text),
    quoted: all(text, /"([^"\n]{1,200})"|“([^”\n]{1,200})”|(?<![\w])'([^'\n]{2,200})'(?![\w])/g).map((q) =>
      q.replace(/^["“']|["”']$/g, ""),
    ),
    codes: all(text, /\b[A-Z]{2,5}\b/g).filter((c) => !NOT_NAMES.has(c) && c !== "I"),
    places: placeInfo.list,
    origin: placeInfo.origin,
    destination: placeInfo.destination,
    names: names(text, placeInfo.list),
    languages,
    paths: pathsIn(text),
    // From the whole prompt: Claude Code states it at the top of a long system prompt.
    workingDirectory: workingDirectoryIn(input),
  };
}
