// Explicit output constraints a prompt states ("respond with only PASSED or FAILED", "answer yes or no",
// "just the word 'success'", "a number", "in one sentence", "three bullet points", "under 20 words"),
// read by one ordered table: the first row whose pattern matches decides (CONTRACT §5 "A mock that
// listens"). Reading is pure and bounded (the text is cut to its ends first); obeying lives in obey.ts.
import { endsOf } from "./text-ends.ts";

/** What the answer must look like. */
export type Instruction =
  | { kind: "choice"; options: string[] }
  | { kind: "say"; text: string }
  | { kind: "number"; min?: number; max?: number }
  | { kind: "sentences"; count: number }
  | { kind: "bullets"; count: number; numbered: boolean }
  | { kind: "words"; max: number };

interface Rule {
  /** What the row reads, for the test table and the README. */
  name: string;
  pattern: RegExp;
  build(match: RegExpExecArray): Instruction | undefined;
}

/** Instructions sit at the ends of a prompt; the middle of a long document is not read. */
const END_CHARS = 2000;

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  "a single": 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  fifty: 50,
  hundred: 100,
};
/** How prompts write a small count, as a regex alternation (digits or words); `countWord` reads one. */
export const COUNT_WORDS = String.raw`\d{1,3}|a single|an?|one|single|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|hundred`;
const COUNT = `(${COUNT_WORDS})`;

export function countWord(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const n = /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word.toLowerCase()];
  return n !== undefined && n >= 1 && n <= 100 ? n : undefined;
}

/** An option: a quoted string or one bare word (`PASSED`, `yes`, `N/A` is two words: quote it). */
const OPTION = String.raw`(?:"[^"\n]{1,40}"|'[^'\n]{1,40}'|“[^”\n]{1,40}”|\`[^\`\n]{1,40}\`|[A-Za-z][\w-]{0,30})`;
const SEPARATOR = String.raw`\s*(?:,\s*(?:or\s+)?|\bor\b|\/|\|)\s*`;
const OPTION_LIST = String.raw`(${OPTION}(?:${SEPARATOR}${OPTION}){1,11})`;
const NOUNS = "options|values|labels|categories|classes|words|choices|answers";
const VERB = String.raw`(?:respond|reply|answer|output|return|say|print|write|classify|label|choose|pick|select|give|categori[sz]e)`;

/** Words that end an option list read too far ("PASSED or FAILED and nothing else"). */
const NOT_OPTIONS = new Set(["nothing", "no", "and", "the", "a", "an", "with", "only", "just", "in", "of"]);

function options(list: string): string[] | undefined {
  const raw = list
    .split(/\s*(?:,\s*(?:or\s+)?|\/|\||\bor\b)\s*/)
    .map((o) => o.trim())
    .filter((o) => o !== "");
  const cleaned = raw.map((o) => o.replace(/^["'“`]|["'”`]$/g, ""));
  const unique = [...new Set(cleaned)];
  // "yes or no" is a choice; "no" alone inside a list of words is an article of the sentence.
  const words = unique.filter((o) => !NOT_OPTIONS.has(o) || o === "no");
  return words.length >= 2 ? words : undefined;
}

/** Words in capitals that name a format to answer in, not the answer itself. */
const FORMATS = new Set([
  "JSON",
  "YAML",
  "XML",
  "CSV",
  "TSV",
  "SQL",
  "HTML",
  "TOML",
  "MARKDOWN",
  "TEXT",
  "A",
  "I",
]);

/** The rules, most specific first. Each row has a test (test/upstream/mock/instructions.test.ts). */
export const RULES: readonly Rule[] = [
  {
    name: "one of A, B, C",
    pattern: new RegExp(
      String.raw`\bone of(?:\s+(?:the|these|those|following|possible|allowed|\w+(?=\s+(?:${NOUNS}))|${NOUNS}))*\s*[:\-]?\s*(?<!\w)${OPTION_LIST}`,
      "i",
    ),
    build: (m) => choice(m[1]),
  },
  {
    name: "respond with only X or Y",
    pattern: new RegExp(
      String.raw`\b${VERB}\b[^.\n]{0,40}?\b(?:only|just|exactly|either|solely|strictly|with)\b\s*(?:with\s+)?(?:the\s+)?(?:words?\s+|labels?\s+)?:?\s*(?<!\w)${OPTION_LIST}`,
      "i",
    ),
    build: (m) => choice(m[1]),
  },
  {
    name: "yes or no",
    pattern: polar("yes", "no"),
    build: (m) => ({ kind: "choice", options: [m[1] ?? m[4] ?? "yes", m[2] ?? m[3] ?? "no"] }),
  },
  {
    name: "true or false",
    pattern: polar("true", "false"),
    build: (m) => ({ kind: "choice", options: [m[1] ?? m[4] ?? "true", m[2] ?? m[3] ?? "false"] }),
  },
  {
    // "Answer positive, negative or neutral.": the options right after the verb, no "only" or "one of".
    name: "answer A, B or C",
    pattern: new RegExp(
      String.raw`\b(?:answer|respond|reply|classify|label|categori[sz]e)\b(?:\s+(?:it|this|them|each))?(?:\s+(?:as|with))?\s*:?\s+(?<!\w)${OPTION_LIST}`,
      "i",
    ),
    // "Respond politely or not at all" names manners, not answers: an adverb is never an option.
    build: (m) => (/(?:^|[\s,/|])[A-Za-z]+ly\b/.test(m[1] ?? "") ? undefined : choice(m[1])),
  },
  {
    name: "just the word 'success'",
    pattern: new RegExp(
      String.raw`\b(?:say|type|(?:${VERB}|state)\b[^.\n"'“‘\`]{0,30}?\b(?:only|just|exactly|simply|with|the (?:word|phrase|text|string)))\b[^.\n"'“‘\`]{0,25}?["'“‘\`]([^"'”’\`\n]{1,80})["'”’\`]`,
      "i",
    ),
    build: (m) => (m[1] === undefined || m[1].trim() === "" ? undefined : { kind: "say", text: m[1].trim() }),
  },
  {
    name: "just the word OK (unquoted)",
    pattern: new RegExp(
      String.raw`\b${VERB}\b[^.\n]{0,20}?\b(?:only|just|simply)\s+(?:with\s+)?(?:the\s+)?word\s+([A-Za-z][\w-]{0,30})\b`,
      "i",
    ),
    build: (m) => (m[1] === undefined ? undefined : { kind: "say", text: m[1] }),
  },
  {
    // "Reply only with OK.": one unquoted word in capitals is the answer; a format (JSON, SQL) is not.
    name: "only OK (unquoted capitals)",
    pattern: new RegExp(
      String.raw`\b(?:[Rr]espond|[Rr]eply|[Aa]nswer|[Oo]utput|[Rr]eturn|[Ss]ay|[Pp]rint|[Ww]rite)\b[^.\n]{0,20}?\b(?:[Oo]nly|[Jj]ust|[Ss]imply)\s+(?:with\s+)?([A-Z][A-Z0-9_-]{0,30})\b(?!\s*(?:,|\bor\b|\/|\|))`,
    ),
    build: (m) => (m[1] === undefined || FORMATS.has(m[1]) ? undefined : { kind: "say", text: m[1] }),
  },
  {
    name: "rate from 1 to 10",
    pattern:
      /\b(?:rate|score|rating)\b[^.\n]{0,40}?\b(?:from|between|on a scale of)\s+(-?\d+)\s+(?:to|and|-)\s+(-?\d+)/i,
    build: (m) => numberRange(m[1], m[2]),
  },
  {
    name: "a number (from 1 to 10)",
    pattern:
      /\b(?:only|just|with|as|give|return|output|reply|respond|answer)\b[^.\n]{0,25}?\b(?:a |the |one )?(?:single )?(?:number|integer|digit|numeric(?:al)? (?:value|answer)|score|rating)\b(?!\s+of\b)(?:[^.\n]{0,30}?\b(?:from|between)\s+(-?\d+)\s+(?:to|and|-)\s+(-?\d+))?/i,
    build: (m) => numberRange(m[1], m[2]),
  },
  {
    name: "N bullet points / list N",
    pattern: new RegExp(
      String.raw`\b${COUNT}\s+(?:short\s+|brief\s+|key\s+|main\s+)?(bullet(?:\s+points?)?|bullets|numbered\s+(?:items|points|steps)|points|items|reasons|tips|ways|ideas|steps|examples|benefits|advantages|options|suggestions)\b|\blist\s+(?:the\s+)?(?:top\s+)?(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\b`,
      "i",
    ),
    build: (m) => {
      const n = countWord(m[1] ?? m[3]);
      if (n === undefined || n > 20) return undefined;
      return { kind: "bullets", count: n, numbered: /numbered|steps/i.test(m[2] ?? "") };
    },
  },
  {
    name: "in one sentence",
    pattern: new RegExp(
      String.raw`\b(?:in|with|using|as|write|give(?: me)?)\s+(?:exactly\s+|just\s+|only\s+)?${COUNT}\s+(?:short\s+|brief\s+|concise\s+)?sentences?\b|\b(one|single)[- ]sentence\b`,
      "i",
    ),
    build: (m) => {
      const n = countWord(m[1] ?? m[2]);
      return n === undefined || n > 20 ? undefined : { kind: "sentences", count: n };
    },
  },
  {
    name: "under 20 words / in one word",
    pattern: new RegExp(
      String.raw`\b(?:(under|fewer than|less than|at most|no more than|not more than|maximum(?: of)?|max(?:imum)?|within|up to|in|using|with)\s+)(?:exactly\s+|just\s+|only\s+)?${COUNT}\s+words?\b|\b(one|single)[- ]word\b`,
      "i",
    ),
    build: (m) => {
      const n = countWord(m[2] ?? m[3]);
      if (n === undefined) return undefined;
      const strict = /under|fewer|less/i.test(m[1] ?? "");
      return { kind: "words", max: Math.max(1, strict ? n - 1 : n) };
    },
  },
];

/** "answer yes or no", "(yes/no)", "respond true or false": a polar choice near a verb or in brackets. */
function polar(a: string, b: string): RegExp {
  return new RegExp(
    String.raw`(?:\b${VERB}\b[^.\n]{0,30}?|\(\s*)\b(?:(${a})\s*(?:or|\/)\s*(${b})|(${b})\s*(?:or|\/)\s*(${a}))\b`,
    "i",
  );
}

function choice(list: string | undefined): Instruction | undefined {
  const found = list === undefined ? undefined : options(list);
  return found === undefined ? undefined : { kind: "choice", options: found };
}

function numberRange(low: string | undefined, high: string | undefined): Instruction {
  if (low === undefined || high === undefined) return { kind: "number" };
  const [min, max] = [Number(low), Number(high)].sort((a, b) => a - b) as [number, number];
  return { kind: "number", min, max };
}

/** A cheap first look: most prompts hold none of these words, and then no rule runs. */
const TRIGGER =
  /\b(?:only|just|exactly|either|one of|yes|true|number|integer|digit|score|rating|rate|sentences?|bullets?|points|items|reasons|tips|ways|ideas|steps|examples|benefits|advantages|options|suggestions|list|words?|say|type|state|respond|reply|output|return|answer|classify|label|categori[sz]e)\b|["'“‘`]/i;

/** The first instruction `text` states, or undefined. */
export function readInstruction(text: string): Instruction | undefined {
  // The rules read the ends only, so the trigger words are looked for there too (on a 1.5 MB prompt,
  // the whole text cost 7 ms).
  const scanned = endsOf(text, END_CHARS);
  if (scanned === "" || !TRIGGER.test(scanned)) return undefined;
  for (const rule of RULES) {
    const match = rule.pattern.exec(scanned);
    if (match === null) continue;
    const instruction = rule.build(match);
    if (instruction !== undefined) return instruction;
  }
  return undefined;
}
