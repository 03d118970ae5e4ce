// A finished ChatCompletion → the chunk sequence of CONTRACT §3 (translation.md §8), as typed objects:
// per choice a role chunk, reasoning and content deltas, tool-call deltas (dense 0-based `index`; id,
// type and name only on a call's first chunk), one finish chunk; then the optional usage chunk with
// `choices: []`. The last chunk carries `bedrock`. Only the SSE writer turns these into frames.
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
} from "../openai/types.ts";

export interface ChunkOptions {
  includeUsage: boolean;
  /** Target size of a text piece in characters (pieces end on word boundaries). */
  pieceSize?: number;
}

const DEFAULT_PIECE = 24;

/** Split text into pieces of about `size` characters, breaking after whitespace. Never loses a character. */
export function splitText(text: string, size: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const word of text.match(/\s*\S+\s*|\s+/g) ?? []) {
    current += word;
    if (current.length >= size) {
      pieces.push(current);
      current = "";
    }
  }
  if (current !== "") pieces.push(current);
  return pieces;
}

/**
 * Cut text into pieces of `size` UTF-16 units, never between the two halves of a surrogate pair: a lone
 * surrogate survives JSON in JavaScript but not in clients whose strings are code points (Python, Go).
 */
export function slices(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    let end = Math.min(i + Math.max(1, size), text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end = end - 1 > i ? end - 1 : end + 1;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

function choiceDeltas(choice: ChatCompletionChoice, size: number): ChatCompletionChunkChoice[] {
  const at = (
    delta: ChatCompletionChunkChoice["delta"],
    finish: ChatCompletionChunkChoice["finish_reason"] = null,
  ): ChatCompletionChunkChoice => ({
    index: choice.index,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const { message } = choice;
  // OpenAI opens a tool-call answer with `content: null`, a text answer with "": clients that open a text
  // part on any string (the AI SDK's chat provider) would otherwise report an empty text before the call.
  const out = [at({ role: "assistant", content: message.content === null ? null : "" })];
  for (const piece of splitText(message.reasoning_content ?? "", size))
    out.push(at({ reasoning_content: piece }));
  for (const piece of splitText(message.content ?? "", size)) out.push(at({ content: piece }));
  (message.tool_calls ?? []).forEach((call, index) => {
    out.push(
      at({
        tool_calls: [
          { index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } },
        ],
      }),
    );
    for (const part of slices(call.function.arguments, size * 2))
      out.push(at({ tool_calls: [{ index, function: { arguments: part } }] }));
  });
  out.push(at({}, choice.finish_reason));
  return out;
}

export function toChunks(completion: ChatCompletion, options: ChunkOptions): ChatCompletionChunk[] {
  const size = options.pieceSize ?? DEFAULT_PIECE;
  const base = {
    id: completion.id,
    object: "chat.completion.chunk" as const,
    created: completion.created,
    model: completion.model,
  };
  const usageField = options.includeUsage ? { usage: null } : {};
  const chunks: ChatCompletionChunk[] = completion.choices.flatMap((choice) =>
    choiceDeltas(choice, size).map((c) => ({ ...base, choices: [c], ...usageField })),
  );
  if (options.includeUsage) chunks.push({ ...base, choices: [], usage: completion.usage });
  const last = chunks.at(-1);
  if (last !== undefined && completion.bedrock !== undefined) last.bedrock = completion.bedrock;
  return chunks;
}
