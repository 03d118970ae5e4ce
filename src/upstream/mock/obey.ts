// The text that satisfies an Instruction (instructions.ts), drawn from the seeded Rng. A closed choice
// prefers the option the evidence names (a tool result), then the success side of a pass/fail pair
// (so a client's verifier takes its success branch offline), then the sentiment of the prompt for
// positive/negative labels, then a seeded pick.
import type { Instruction } from "./instructions.ts";
import { sentences } from "./prose.ts";
import type { Rng } from "./random.ts";

export interface ObeyContext {
  rng: Rng;
  /** Topic words of the question, for prose. */
  topics: readonly string[];
  /** The question as asked (sentiment, arithmetic). */
  prompt: string;
  /** What a tool returned, when the answer follows a tool result. */
  evidence: string;
}

const SUCCESS = new Set(
  (
    "pass passed success successful succeeded yes true correct valid ok okay approved approve accept accepted " +
    "safe compliant relevant complete completed done supported allowed match matches healthy green good"
  ).split(" "),
);
const POSITIVE =
  /\b(love|loved|great|excellent|amazing|awesome|happy|wonderful|fantastic|best|perfect|enjoy(?:ed)?|delighted|recommend|good|nice|pleased|brilliant)\b/gi;
const NEGATIVE =
  /\b(hate|hated|terrible|awful|bad|worst|poor|disappointed|disappointing|broken|angry|slow|useless|horrible|refund|annoying|never again|not good|rude)\b/gi;

const hits = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

/** The positive/negative/neutral label `text` leans to, when `options` are such labels. */
export function sentimentOf(options: readonly unknown[], text: string): string | undefined {
  const labels = options.filter((o): o is string => typeof o === "string");
  return sentiment(labels, text);
}

function sentiment(options: readonly string[], prompt: string): string | undefined {
  const find = (label: RegExp) => options.find((o) => label.test(o));
  const positive = find(/^pos/i);
  const negative = find(/^neg/i);
  if (positive === undefined || negative === undefined) return undefined;
  const score = hits(prompt, POSITIVE) - hits(prompt, NEGATIVE);
  if (score > 0) return positive;
  if (score < 0) return negative;
  return find(/^(neutral|mixed)/i) ?? positive;
}

function mentioned(options: readonly string[], evidence: string): string | undefined {
  if (evidence === "") return undefined;
  const named = options.filter((o) =>
    new RegExp(`(^|[^\\w])${o.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w])`, "i").test(evidence),
  );
  return named.length === 1 ? named[0] : undefined;
}

function pickOption(options: readonly string[], context: ObeyContext): string {
  return (
    mentioned(options, context.evidence) ??
    options.find((o) => SUCCESS.has(o.toLowerCase())) ??
    sentiment(options, context.prompt) ??
    context.rng.pick(options)
  );
}

/** `2 + 2`, `12 * (3 - 1)`? Only flat chains: `a op b op c`, with × ÷ and words ("3 plus 4"). */
const EXPRESSION = /-?\d+(?:\.\d+)?(?:\s*[-+*/×÷]\s*-?\d+(?:\.\d+)?)+/;
const WORD_OPERATORS: readonly [RegExp, string][] = [
  [/\bplus\b|\badded to\b/gi, "+"],
  [/\bminus\b/gi, "-"],
  [/\btimes\b|\bmultiplied by\b/gi, "*"],
  [/\bdivided by\b/gi, "/"],
];

/** Numbers and operators; a "-" right after a number is an operator, else a sign. */
function tokenize(expression: string): (number | string)[] {
  const out: (number | string)[] = [];
  for (const [token] of expression.matchAll(/\d+(?:\.\d+)?|[-+*/]/g)) {
    const previous = out[out.length - 1];
    if (/\d/.test(token)) {
      if (previous === "-" && typeof out[out.length - 2] !== "number") out[out.length - 1] = -Number(token);
      else out.push(Number(token));
    } else out.push(token);
  }
  return out;
}

/** The value of the first arithmetic expression in `text`, or undefined. */
export function arithmetic(text: string): number | undefined {
  let spelled = text.slice(0, 2000);
  for (const [pattern, op] of WORD_OPERATORS) spelled = spelled.replace(pattern, op);
  const expression = EXPRESSION.exec(spelled)?.[0];
  if (expression === undefined) return undefined;
  const tokens = tokenize(expression.replace(/×/g, "*").replace(/÷/g, "/"));
  // Two passes: * and / bind tighter than + and -.
  const terms: (number | string)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const previous = terms[terms.length - 1];
    const next = tokens[i + 1];
    if ((token === "*" || token === "/") && typeof previous === "number" && typeof next === "number") {
      terms[terms.length - 1] = token === "*" ? previous * next : previous / next;
      i++;
    } else if (token !== undefined) terms.push(token);
  }
  let value = terms[0];
  if (typeof value !== "number") return undefined;
  for (let i = 1; i + 1 < terms.length; i += 2) {
    const next = terms[i + 1];
    if (typeof next !== "number") return undefined;
    value = terms[i] === "-" ? value - next : value + next;
  }
  return Number.isFinite(value) ? Math.round(value * 1e6) / 1e6 : undefined;
}

function numberAnswer(instruction: { min?: number; max?: number }, context: ObeyContext): string {
  // A tool's result holds the answer ("27"), else the question's arithmetic does ("12 + 30").
  const stated = /-?\d+(?:\.\d+)?/.exec(context.evidence)?.[0];
  const computed =
    arithmetic(context.evidence) ??
    (stated === undefined ? undefined : Number(stated)) ??
    arithmetic(context.prompt);
  const { min, max } = instruction;
  const inRange = (n: number) => (min === undefined || n >= min) && (max === undefined || n <= max);
  if (computed !== undefined && inRange(computed)) return String(computed);
  if (min !== undefined && max !== undefined) {
    // A rating leans to the upper part of its scale, as models' ratings do.
    return String(context.rng.int(Math.ceil(min + (max - min) * 0.6), max));
  }
  return String(context.rng.int(1, 100));
}

const ONE_WORD = [
  "Essential",
  "Reliable",
  "Timeless",
  "Vibrant",
  "Practical",
  "Elegant",
  "Promising",
  "Balanced",
];

function wordsAnswer(max: number, context: ObeyContext): string {
  if (max === 1) return `${context.rng.pick(ONE_WORD)}.`;
  const words = sentences(context.rng, context.topics, Math.ceil(max / 8) + 1)
    .join(" ")
    .split(/\s+/)
    .slice(0, max);
  return `${words.join(" ").replace(/[,;:.!?-]+$/, "")}.`;
}

/** The answer text that satisfies `instruction`. */
export function obey(instruction: Instruction, context: ObeyContext): string {
  switch (instruction.kind) {
    case "choice":
      return pickOption(instruction.options, context);
    case "say":
      return instruction.text;
    case "number":
      return numberAnswer(instruction, context);
    case "sentences":
      return sentences(context.rng, context.topics, instruction.count).join(" ");
    case "bullets":
      return sentences(context.rng, context.topics, instruction.count)
        .map((s, i) => `${instruction.numbered ? `${i + 1}.` : "-"} ${s}`)
        .join("\n");
    case "words":
      return wordsAnswer(instruction.max, context);
  }
}
