// Token counts from a real BPE tokenizer (cl100k_base, counted exactly as gpt-tokenizer counts it).
// Bedrock models use their own tokenizers, so counts are close, not identical — but they move with the
// text the way real ones do. Input is counted over the whole request (system, messages, tools, schema);
// output over what is returned.
//
// cl100k_base, not o200k: it gives the same counts on PROXY.md's captured exchange (14 in / 5 out);
// r50k_base already miscounts it. cl100k.ts loads it in a compact form (~3 MiB once used, where
// gpt-tokenizer's own cl100k_base module costs ~22 MiB) on first use, not at import: live, replay and
// the CLI never pay for it.
import { setImmediate as nextTurn } from "node:timers/promises";
import { cl100k } from "./cl100k.ts";
import { LRUCache } from "lru-cache";
import type { InvokeContentBlock, InvokeMessage, InvokeRequest } from "../types.ts";

/**
 * BPE merging is quadratic in the length of one pre-token, and a run of letters with no space is one
 * pre-token: 40 KB of "abab…" took half a second, 200 KB half a minute, blocking every other request.
 * A run of whitespace is one pre-token too (32,000 spaces: half a second). Runs of either longer than
 * LONG_RUN are counted in slices of that length — the same count for ordinary text, a close one for
 * base64-like blobs and long indentation, and bounded time for hostile input.
 */
const LONG_RUN = 256;
// The lookbehinds let the search skip the inside of short runs: half the time of a bare \S{257,}.
const LONG_RUNS = new RegExp(`(?<!\\S)\\S{${LONG_RUN + 1},}|(?<!\\s)\\s{${LONG_RUN + 1},}`, "g");

/** The text in pieces BPE can take in bounded time: long runs sliced, the rest between them whole. */
function* pieces(text: string): Generator<string> {
  if (text.length <= LONG_RUN) {
    yield text;
    return;
  }
  let last = 0;
  for (const run of text.matchAll(LONG_RUNS)) {
    if (run.index > last) yield text.slice(last, run.index);
    for (let i = 0; i < run[0].length; i += LONG_RUN) yield run[0].slice(i, i + LONG_RUN);
    last = run.index + run[0].length;
  }
  if (last < text.length) yield last === 0 ? text : text.slice(last);
}

/**
 * Counts of whole LONG_RUN slices, which repeat in hostile input ("aaaa…") and are the costly case
 * (a slice of one repeated letter takes ~2 ms to merge; 1.5 M of them took seconds without this).
 */
const sliceCounts = new LRUCache<string, number>({ max: 4096 });

/** Tokens of one piece (see pieces): a whole LONG_RUN slice from the cache when it was seen before. */
function countPiece(piece: string): number {
  if (piece.length !== LONG_RUN) return cl100k().count(piece);
  let n = sliceCounts.get(piece);
  // The slice is a view that keeps its whole text alive (a 1.5 MB prompt per cached key: 46 MB held
  // after a fuzz pass); the key is a copy of its 256 characters instead.
  if (n === undefined) sliceCounts.set(structuredClone(piece), (n = cl100k().count(piece)));
  return n;
}

function countTokens(text: string): number {
  let total = 0;
  for (const piece of pieces(text)) total += countPiece(piece);
  return total;
}

/** Images are billed by size; without decoding, approximate from the payload (Anthropic: ~px/750). */
function imageTokens(base64Length: number): number {
  return Math.min(1600, Math.max(85, Math.ceil((base64Length * 0.75) / 750)));
}

function blockText(block: InvokeContentBlock, images: { tokens: number }): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
      images.tokens += imageTokens(typeof block.source.data === "string" ? block.source.data.length : 0);
      return "";
    case "tool_use":
      return `${block.name} ${JSON.stringify(block.input)}`;
    case "tool_result":
      // `content` is optional (a tool that returned nothing); the shape check lets it through.
      return typeof block.content === "string"
        ? block.content
        : Array.isArray(block.content)
          ? block.content.map((b) => blockText(b, images)).join("\n")
          : "";
    default:
      return "";
  }
}

function messageText(message: InvokeMessage, images: { tokens: number }): string {
  const body =
    typeof message.content === "string"
      ? message.content
      : message.content.map((b) => blockText(b, images)).join("\n");
  const role: string = message.role;
  return `\n\n${role === "assistant" ? "Assistant" : role === "system" ? "System" : "Human"}: ${body}`;
}

/** The request rendered the way a chat template would see it, and its images' tokens. */
function inputText(request: InvokeRequest): { text: string; imageTokens: number } {
  const images = { tokens: 0 };
  let text = typeof request.system === "string" ? request.system : "";
  for (const message of request.messages) text += messageText(message, images);
  text += "\n\nAssistant:";
  if (request.tools !== undefined && request.tools.length > 0) text += JSON.stringify(request.tools);
  if (request.response_format !== undefined) text += JSON.stringify(request.response_format);
  return { text, imageTokens: images.tokens };
}

/**
 * Characters counted between two turns of the event loop. BPE runs at ~20 MB/s: a 1.5 MB prompt
 * counted at once blocked every other request for ~70 ms; in slices, each turn costs ~3 ms.
 */
const SLICE_CHARS = 64 * 1024;

/**
 * A single space between two non-spaces: cl100k's split pattern starts a pre-token there whatever came
 * before (it has no lookbehind, and its only patterns that hold a space past their first character
 * start with whitespace), and ends the one before at the non-space. So text cut there counts the same
 * in parts as whole, long runs included (a run never crosses a space).
 */
const CUT = /(?<=\S) (?=\S)/g;

/** `piece` in parts of about SLICE_CHARS, cut where the count stays exact (see CUT). */
function* parts(piece: string): Generator<string> {
  for (let start = 0; start < piece.length;) {
    CUT.lastIndex = start + SLICE_CHARS;
    const end = start + SLICE_CHARS >= piece.length ? piece.length : (CUT.exec(piece)?.index ?? piece.length);
    yield start === 0 && end === piece.length ? piece : piece.slice(start, end);
    start = end;
  }
}

/** countTokens, with a turn of the event loop after about every SLICE_CHARS counted. */
async function countTokensInSlices(text: string): Promise<number> {
  let total = 0;
  let sinceTurn = 0;
  for (const piece of pieces(text))
    for (const part of parts(piece)) {
      total += countPiece(part);
      sinceTurn += part.length;
      if (sinceTurn >= SLICE_CHARS) {
        sinceTurn = 0;
        await nextTurn();
      }
    }
  return total;
}

/**
 * Input tokens of `request`. A large one is counted in slices with turns of the event loop between, so
 * one huge prompt never holds up the requests beside it; a small one at once (the promise is settled).
 */
export async function countInputTokens(request: InvokeRequest): Promise<number> {
  const { text, imageTokens } = inputText(request);
  return (text.length <= SLICE_CHARS ? countTokens(text) : await countTokensInSlices(text)) + imageTokens;
}

/** Output tokens of the returned content blocks. */
export function countOutputTokens(content: readonly InvokeContentBlock[]): number {
  let total = 0;
  for (const block of content) {
    if (block.type === "text") total += countTokens(block.text);
    else if (block.type === "tool_use") total += countTokens(`${block.name} ${JSON.stringify(block.input)}`);
  }
  return total;
}

export function countText(text: string): number {
  return countTokens(text);
}

/**
 * Cut text to at most `limit` tokens; returns the cut text and its token count. Counted piece by piece
 * (long runs sliced, their counts cached) and only as far as the limit, and only the piece the limit
 * falls in is encoded: a megabyte of answer costs what the limit lets through (a 64,000-token JSON
 * prefix of long strings, encoded slice by slice, held the event loop for ~110 ms).
 */
export function truncateToTokens(
  text: string,
  limit: number,
): { text: string; tokens: number; truncated: boolean } {
  let kept = "";
  let tokens = 0;
  for (const piece of pieces(text)) {
    const n = countPiece(piece);
    if (tokens + n > limit) {
      const encoding = cl100k();
      kept += encoding.decode(encoding.encode(piece).slice(0, limit - tokens));
      return { text: kept, tokens: limit, truncated: true };
    }
    kept += piece;
    tokens += n;
  }
  return { text, tokens, truncated: false };
}
