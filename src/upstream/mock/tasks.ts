// Short asks with one obvious answer — "hi", "say hello", "count to 5", "what is 2+2?", "repeat after me:
// …", "what is the capital of France?", "name three fruits", "write a haiku about the sea", "tell me a
// joke", "write a Python function that adds two numbers" — answered as a model would instead of with topic prose. They are what a newcomer types first, and
// what quick tests assert on ("4" in the answer). Read by one ordered table like instructions.ts: the first
// row whose pattern matches the (short) question decides. Pure and bounded: only questions of at most
// MAX_QUESTION characters are read.
import { CODE_ASK, codeAnswer } from "./code-task.ts";
import { COUNT_WORDS, countWord, type Instruction } from "./instructions.ts";
import { arithmetic } from "./obey.ts";
import type { Rng } from "./random.ts";
import { CAPITALS, KINDS } from "./gazetteer.ts";
import { isGreeting } from "./tool-turns.ts";

/** Plain asks are short; a long prompt is a document to talk about, not a task of this table. */
const MAX_QUESTION = 300;
/** The most numbers a "count to N" writes (a model asked to count to a million does not either). */
const MAX_COUNT = 100;

interface Task {
  /** What the row reads, for the test table and the README. */
  name: string;
  pattern: RegExp;
  answer(match: RegExpExecArray, context: TaskContext): string | undefined;
}

interface TaskContext {
  rng: Rng;
  /** The user turns' text, for what the user told before ("my name is Alice"); built only if a task asks. */
  history: () => string;
}

const INTRO = String.raw`(?:[Mm]y name is|[Mm]y name's|I am|I'm|[Cc]all me)\s+([A-Z][\w'-]{0,30})`;
/** "my name is Alice", "I'm Bob", "call me Carol": the name a user gave (names are capitalised). */
const NAME_GIVEN = new RegExp(String.raw`\b${INTRO}`, "g");

const KIND_NAMES = Object.keys(KINDS)
  .sort((a, b) => b.length - a.length)
  .join("|");
const COUNT = String.raw`(${COUNT_WORDS}|a few|some)`;
const KIND_WORD = new RegExp(String.raw`\b((?:${KIND_NAMES})(?:s|es)?|countries|days)\b`, "i");

const JOKES = [
  "Why do programmers prefer dark mode? Because light attracts bugs.",
  "Why did the developer go broke? Because he used up all his cache.",
  "There are 10 kinds of people in the world: those who understand binary and those who don't.",
  "Why was the JavaScript developer sad? Because he didn't Node how to Express himself.",
];

const GREETING_REPLIES = ["Hello! How can I help you today?", "Hi there! What can I do for you today?"];

/** "three", "5"; "a few" and "some" are three, as a model reads them. */
const countOf = (word: string): number => countWord(word) ?? 3;

function numbersFrom(from: number, to: number): string {
  const step = from <= to ? 1 : -1;
  const length = Math.min(Math.abs(to - from) + 1, MAX_COUNT);
  return Array.from({ length }, (_, i) => String(from + i * step)).join(", ");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The items of a known kind ("fruits", "programming languages"), or undefined. */
function itemsOf(kind: string, n: number): string[] | undefined {
  const singular = kind.toLowerCase().replace(/ies$/, "y").replace(/s$/, "");
  const items = KINDS[singular];
  return items === undefined ? undefined : items.slice(0, Math.max(1, Math.min(n, items.length)));
}

/** "Apple, banana and cherry." — common nouns are stored lower-case, names capitalised. */
function sentenceList(items: readonly string[]): string {
  const listed =
    items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
  return `${capitalize(listed)}.`;
}

/** The rows, most specific first. Each has a test (test/upstream/mock/tasks.test.ts). */
export const TASKS: readonly Task[] = [
  {
    name: "my name is Alice",
    pattern: new RegExp(
      String.raw`^\W*(?:(?:[Hh]i|[Hh]ello|[Hh]ey)\W+)?${INTRO}\s*[.!]*\s*(?:(?:[Hh]i|[Hh]ello|[Hh]ey)\W*)?$`,
    ),
    answer: (m) => `Nice to meet you, ${m[1]}! How can I help you today?`,
  },
  {
    name: "what's my name?",
    pattern: /^\W*(?:what(?:'s| is)|do you (?:know|remember))\s+my name\b/i,
    answer: (_m, { history }) => {
      const given = [...history().matchAll(NAME_GIVEN)].at(-1)?.[1];
      return given === undefined ? "You haven't told me your name yet." : `Your name is ${given}.`;
    },
  },
  {
    name: "repeat after me: X",
    pattern:
      /^\s*(?:please\s+)?(?:repeat|echo|say back)(?:\s+(?:after me|back|exactly|verbatim|this|the following))*\s*[:-]\s*(.+?)\s*$/is,
    answer: (m) => m[1]?.replace(/^["'“‘`]|["'”’`]$/g, ""),
  },
  {
    name: "say hello",
    pattern:
      /^\s*(?:please\s+)?(?:just\s+)?say\s+["'“]?(hello|hi|hey|goodbye|bye|good (?:morning|afternoon|evening|night)|thanks|thank you)\b["'”]?(?:\s+to\s+([\w][\w .'-]{0,40}?))?(?=[\s.!,?]|$)/i,
    answer: (m) => `${capitalize(m[1] ?? "hello")}${m[2] === undefined ? "" : `, ${m[2].trim()}`}!`,
  },
  {
    name: "count to N",
    pattern:
      /\bcount\s+(?:(?:up\s+)?from\s+(-?\d{1,9})\s+)?(?:up\s+)?to\s+(-?\d{1,9})\b|\bcount\s+down\s+from\s+(\d{1,9})(?:\s+to\s+(-?\d{1,9}))?/i,
    answer: (m) =>
      m[3] !== undefined
        ? numbersFrom(Number(m[3]), Number(m[4] ?? 1))
        : numbersFrom(Number(m[1] ?? 1), Number(m[2])),
  },
  {
    name: "what is 2+2?",
    pattern: /^\s*(?:what(?:'s| is)|how much is|calculate|compute|evaluate|solve)\b/i,
    answer: (m) => {
      const value = arithmetic(m.input);
      return value === undefined ? undefined : `The answer is ${value}.`;
    },
  },
  {
    name: "the capital of France",
    pattern: /\bcapital\s+(?:city\s+)?of\s+([a-z][a-z .]{1,30}?)\s*[?.!]*\s*$/i,
    answer: (m) => {
      const asked = m[1]?.trim() ?? "";
      const country = asked.toLowerCase().replace(/^the\s+/, "");
      const capital = CAPITALS[country];
      if (capital === undefined) return undefined;
      const article = /^the\s/i.test(asked) ? "the " : "";
      const named = country.length <= 3 ? country.toUpperCase() : capitalize(asked.replace(/^the\s+/i, ""));
      return `The capital of ${article}${named} is ${capital}.`;
    },
  },
  {
    name: "name three fruits",
    pattern: new RegExp(
      String.raw`\b(?:name|list|give(?: me)?|what are|suggest|tell me)\s+(?:the\s+)?${COUNT}\s+((?:${KIND_NAMES})(?:s|es)?|countries|days)\b`,
      "i",
    ),
    answer: (m) => {
      const items = itemsOf(m[2] ?? "", countOf(m[1] ?? "3"));
      return items === undefined ? undefined : sentenceList(items);
    },
  },
  {
    name: "a haiku about X",
    pattern: /\bhaiku\b(?:\s+(?:about|on)\s+(?:the\s+|a\s+|an\s+)?([\w][\w -]{0,30}?))?\s*[.!?]*\s*$/i,
    answer: (m, { rng }) => {
      const topic = (m[1] ?? "autumn").trim().toLowerCase();
      const opening = rng.pick(["Quiet morning light", "Soft wind in the pines", "A slow river bends"]);
      return `${opening}\n${capitalize(topic)} holds its breath and waits\nThe day moves along`;
    },
  },
  {
    name: "write a Python function that X",
    pattern: CODE_ASK,
    answer: (m) => codeAnswer(m),
  },
  {
    name: "tell me a joke",
    pattern: /\b(?:tell|give)\s+me\s+(?:a|one|another)\s+(?:\w+\s+)?joke\b/i,
    answer: (_m, { rng }) => rng.pick(JOKES),
  },
];

/** A greeting gets one back; thanks and goodbyes get theirs. */
function greetingReply(question: string, rng: Rng): string {
  if (/^\s*(?:thanks|thank you|cheers)\b/i.test(question))
    return "You're welcome! Let me know if there's anything else.";
  if (/^\s*(?:bye|goodbye)\b/i.test(question)) return "Goodbye! Have a great day.";
  if (/how are you|how's it going|what'?s up/i.test(question))
    return "I'm doing well, thank you for asking! How can I help you today?";
  return rng.pick(GREETING_REPLIES);
}

/** The bullet list of a known kind, for "list three colors" read as a bullets instruction. */
function kindBullets(
  question: string,
  instruction: Extract<Instruction, { kind: "bullets" }>,
): string | undefined {
  const kind = KIND_WORD.exec(question)?.[1];
  const items = kind === undefined ? undefined : itemsOf(kind, instruction.count);
  return items
    ?.map((item, i) => `${instruction.numbered ? `${i + 1}.` : "-"} ${capitalize(item)}`)
    .join("\n");
}

/**
 * The answer to a plain ask, or undefined when `question` is none. `instruction` is what the prompt says
 * the answer must look like: a task answers only when it fits it (a word limit it keeps, a bullet list
 * of a known kind); otherwise the instruction decides.
 */
export function plainAnswer(
  question: string,
  rng: Rng,
  instruction: Instruction | undefined,
  history: () => string = () => "",
): string | undefined {
  if (question.length > MAX_QUESTION) return undefined;
  if (instruction?.kind === "bullets") return kindBullets(question, instruction);
  if (instruction !== undefined && instruction.kind !== "words") return undefined;
  const answer = isGreeting(question) ? greetingReply(question, rng) : firstTask(question, { rng, history });
  if (answer === undefined || instruction === undefined) return answer;
  return answer.split(/\s+/).length <= instruction.max ? answer : undefined;
}

function firstTask(question: string, context: TaskContext): string | undefined {
  for (const task of TASKS) {
    const match = task.pattern.exec(question);
    if (match === null) continue;
    const answer = task.answer(match, context);
    if (answer !== undefined && answer !== "") return answer;
  }
  return undefined;
}
