// Plausible, seeded prose for text answers: sentences assembled from a small grammar and woven around
// the topic words of the last user message — readable, varied, never lorem ipsum and never an echo.
import { LRUCache } from "lru-cache";
import type { Rng } from "./random.ts";
import { endsOf } from "./text-ends.ts";
import { countText } from "./tokens.ts";

const STOPWORDS = new Set(
  (
    "about above after again against also because been before being below between both could does doing down " +
    "during each from further have having here into itself just more most much myself once only other ought " +
    "over same should some such than that their theirs them then there these they this those through under " +
    "until very were what when where which while whom whose will with would your yours please tell explain " +
    "give show write make want need know like using used system human assistant question answer " +
    "three four five seven eight nine first second third best good great ways tips ideas list short brief " +
    "simple quick example examples many much really thing things something describe summarise summarize"
  ).split(" "),
);

/** How much of each end of a long message topics are read from (see text-ends.ts). */
const TOPIC_WINDOW = 32 * 1024;

/** Up to three content words of the user's message, most distinctive (longest) first. */
export function topicWords(message: string): string[] {
  // Every word of a 1.5 MB message cost ~20 ms.
  const text = endsOf(message, TOPIC_WINDOW);
  // A "word" past 40 letters is a pasted blob, not a topic: woven into every sentence, 1.5 M of "a"
  // made each answer megabytes long.
  // Markup tags (a document's `<document_content>`, a prompt's `<context>`) frame the words, they are not them.
  const words = (
    text
      .replace(/<\/?[A-Za-z_][\w-]{0,40}>/g, " ")
      .toLowerCase()
      .match(/[a-z][a-z-]{3,}/g) ?? []
  ).filter((w) => w.length <= 40);
  const unique = [...new Set(words.filter((w) => !STOPWORDS.has(w)))];
  return unique.sort((a, b) => b.length - a.length || a.localeCompare(b)).slice(0, 3);
}

const ASPECTS = [
  "the underlying assumptions",
  "the trade-offs involved",
  "the edge cases",
  "the data you already have",
  "the overall cost",
  "the constraints you are working under",
  "the simplest version of the problem",
  "how the pieces fit together",
  "the failure modes",
  "the long-term maintenance burden",
  "the people who will use the result",
  "the order in which things happen",
  "what can be measured",
];
const ACTIONS = [
  "start with a small experiment",
  "write down the constraints",
  "measure a baseline first",
  "compare two or three alternatives",
  "check the result against a known example",
  "keep the first version simple",
  "ask what would make the answer wrong",
  "split the work into smaller steps",
  "look for an existing solution",
  "review the numbers once more",
  "document the decision and its reasons",
];
const QUALITIES = [
  "predictable",
  "easier to test",
  "cheaper to change",
  "clearer to explain",
  "more robust",
  "faster to iterate on",
];
const OPENERS = [
  "In practice,",
  "Usually,",
  "As a rule,",
  "For most cases,",
  "In short,",
  "Put simply,",
  "That said,",
  "Overall,",
];

const TEMPLATES: readonly ((w: Words) => string)[] = [
  (w) => `${cap(w.topic)} is easiest to reason about once you look at ${w.aspect} first.`,
  (w) => `${w.opener} ${w.aspect} matter more than most people expect.`,
  (w) => `A good rule of thumb is to ${w.action} before you ${w.action2}.`,
  (w) => `This keeps the approach ${w.quality} and ${w.quality2}.`,
  (w) => `When it comes to ${w.topic}, it helps to ${w.action}.`,
  (w) => `${w.opener} the best answer depends on ${w.aspect}.`,
  (w) => `One common mistake is to ignore ${w.aspect}, which makes ${w.topic} harder than it needs to be.`,
  (w) => `If you ${w.action}, the rest tends to follow naturally.`,
  (w) => `${cap(w.topic)} also benefits from a clear view of ${w.aspect}.`,
  (w) => `Here is a practical way to approach it: ${w.action}, then ${w.action2}.`,
  (w) => `${w.opener} a careful look at ${w.aspect} makes ${w.topic} ${w.quality}.`,
  (w) => `It is worth noting that ${w.aspect} can change the outcome considerably.`,
];

interface Words {
  topic: string;
  aspect: string;
  action: string;
  action2: string;
  quality: string;
  quality2: string;
  opener: string;
}

// A template names the topic when its text for a marker topic holds the marker.
const PROBE: Words = {
  topic: "\u0000topic",
  aspect: "",
  action: "",
  action2: "",
  quality: "",
  quality2: "",
  opener: "",
};
/** The templates that name the topic: an answer opens with one, so "Tell me about dogs" is about dogs. */
const ON_TOPIC = TEMPLATES.filter((t) => t(PROBE).toLowerCase().includes(PROBE.topic));

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentence(rng: Rng, topics: readonly string[], onTopic = false): string {
  const action = rng.pick(ACTIONS);
  let action2 = rng.pick(ACTIONS);
  if (action2 === action) action2 = ACTIONS[(ACTIONS.indexOf(action) + 1) % ACTIONS.length] ?? action;
  const quality = rng.pick(QUALITIES);
  const quality2 =
    QUALITIES[(QUALITIES.indexOf(quality) + 1 + rng.int(0, QUALITIES.length - 2)) % QUALITIES.length] ??
    quality;
  const topic =
    topics.length === 0
      ? "this question"
      : topics.length === 1
        ? (topics[0] ?? "")
        : `${rng.pick(topics)} and ${rng.pick(topics)}`;
  const words: Words = {
    topic: topic.replace(/^(\S+) and \1$/, "$1"),
    aspect: rng.pick(ASPECTS),
    action,
    action2,
    quality,
    quality2,
    opener: rng.pick(OPENERS),
  };
  return rng.pick(onTopic && topics.length > 0 ? ON_TOPIC : TEMPLATES)(words);
}

// Sentences repeat a lot across answers: their token counts are memoised (bounded). The BPE
// pre-tokenizer splits at the sentence and paragraph boundaries used here, so the sum of the pieces'
// counts is the count of the whole text.
// One exception: the pre-tokenizer glues a sentence's final "." to a following "\n\n".
const pieceTokens = new LRUCache<string, number>({ max: 20_000 });
let paragraphJoin: number | undefined;

/** Computed on first use so importing this module does not load the tokenizer. */
function paragraphJoinTokens(): number {
  paragraphJoin ??= countText(".\n\n") - countText(".") - countText("\n\n");
  return paragraphJoin;
}

function countPiece(piece: string): number {
  let n = pieceTokens.get(piece);
  if (n === undefined) {
    n = countText(piece);
    pieceTokens.set(piece, n);
  }
  return n;
}

/** Prose of about `targetTokens` tokens (it stops at the first sentence end past the target). */
export function prose(
  rng: Rng,
  topics: readonly string[],
  targetTokens: number,
): { text: string; tokens: number } {
  let text = "";
  let tokens = 0;
  let inParagraph = 0;
  // Bounded: no answer needs more than a few hundred sentences.
  for (let i = 0; i < 2000 && tokens < targetTokens; i++) {
    const separator = text === "" ? "" : inParagraph >= 3 && rng.next() < 0.4 ? "\n\n" : " ";
    inParagraph = separator === "\n\n" ? 0 : inParagraph + 1;
    const piece = separator + sentence(rng, topics, text === "");
    tokens += countPiece(piece) + (separator === "\n\n" ? paragraphJoinTokens() : 0);
    text += piece;
  }
  return { text, tokens };
}

/** Exactly `count` sentences of the same grammar (for "in one sentence", bullet points, word limits). */
export function sentences(rng: Rng, topics: readonly string[], count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(sentence(rng, topics, i === 0));
  return out;
}
