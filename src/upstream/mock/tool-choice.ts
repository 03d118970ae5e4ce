// Which tools the simulated model calls: `tool_choice` in every spelling, and the tools the last user
// turn is about (words it shares with a tool's name and description, generic words left out).
import type { InvokeTool } from "../types.ts";
import { languageOf } from "./languages.ts";
import { endsOf } from "./text-ends.ts";

export type Choice = { kind: "auto" | "any" | "none" } | { kind: "tool"; name: string };

/** `tool_choice` in every accepted spelling (PROXY.md: "auto", "any", "none", "required", objects). */
export function normaliseToolChoice(raw: unknown): Choice {
  const value =
    typeof raw === "object" && raw !== null ? (raw as { type?: unknown; name?: unknown }) : { type: raw };
  if (value.type === "tool" && typeof value.name === "string") return { kind: "tool", name: value.name };
  if (value.type === "any" || value.type === "required") return { kind: "any" };
  if (value.type === "none") return { kind: "none" };
  return { kind: "auto" };
}

function stem(word: string): string {
  return word.toLowerCase().replace(/(ies|es|s)$/, "");
}

/** How much of each end of a text is read for words (see text-ends.ts). */
const WORD_CHARS = 8 * 1024;

function wordsOf(text: string): Set<string> {
  const words = endsOf(text, WORD_CHARS)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    // A "word" past 40 characters is a pasted blob (the stem's regex alone read all of it).
    .filter((w) => w.length >= 3 && w.length <= 40)
    .map(stem);
  return new Set(words);
}

/** Words too generic to tie a question to a tool ("get the current information about …"). */
const WEAK = new Set(
  (
    "the and for get set use with from this that what how can you your are any all about into will which " +
    "current given specific specified information info data detail details result results return returns " +
    "value values provided new one using used based function tool tools call whether like want need please"
  )
    .split(" ")
    .map(stem),
);

/** What a tool is about: its name, description and the values its inputs enumerate ("celsius"). */
function toolText(tool: InvokeTool): string {
  const properties = tool.input_schema.properties;
  const enums: string[] = [];
  if (properties !== null && typeof properties === "object")
    for (const property of Object.values(properties as Record<string, { enum?: unknown }>).slice(0, 64))
      if (Array.isArray(property?.enum))
        for (const value of property.enum.slice(0, 32)) if (typeof value === "string") enums.push(value);
  return `${tool.name} ${tool.description ?? ""} ${enums.join(" ")}`;
}

/** The words of the user's turn, plus the name of its language when it is not English ("spanish"). */
function askedWords(userText: string): Set<string> {
  const words = wordsOf(userText);
  const language = languageOf(userText);
  if (language !== undefined) words.add(stem(language));
  return words;
}

/**
 * The tools the question names ("Read the file notes.txt" → `Read`), when it names any: a tool's own name
 * outweighs words its description happens to share (Claude Code's Bash description mentions nearly
 * everything a question can say).
 */
function namedOrAll(tools: readonly InvokeTool[], asked: ReadonlySet<string>): readonly InvokeTool[] {
  const named = tools.filter((t) => [...wordsOf(t.name)].some((w) => !WEAK.has(w) && asked.has(w)));
  return named.length > 0 ? named : tools;
}

/** The tool the last user turn is about (shared words with its name/description), if any. */
export function relatedTool(tools: readonly InvokeTool[], userText: string): InvokeTool | undefined {
  const asked = askedWords(userText);
  let best: InvokeTool | undefined;
  let bestScore = 0;
  for (const tool of namedOrAll(tools, asked)) {
    let score = 0;
    for (const word of wordsOf(toolText(tool))) if (!WEAK.has(word) && asked.has(word)) score++;
    if (score > bestScore) [best, bestScore] = [tool, score];
  }
  return best;
}

/**
 * Every tool the last user turn asks about by a word no other tool shares, in request order: "weather
 * and local time" names two tools, so Claude calls both in one turn (parallel tool use).
 */
export function relatedTools(allTools: readonly InvokeTool[], userText: string): InvokeTool[] {
  const asked = askedWords(userText);
  const tools = namedOrAll(allTools, asked);
  const vocab = tools.map((t) => new Set([...wordsOf(toolText(t))].filter((w) => !WEAK.has(w))));
  return tools.filter((_, i) =>
    [...(vocab[i] ?? [])].some((w) => asked.has(w) && vocab.every((other, j) => j === i || !other.has(w))),
  );
}

/** False when the caller asked for at most one call per turn (Anthropic `disable_parallel_tool_use`). */
export function parallelAllowed(raw: unknown): boolean {
  return !(
    typeof raw === "object" &&
    raw !== null &&
    (raw as { disable_parallel_tool_use?: unknown }).disable_parallel_tool_use === true
  );
}
