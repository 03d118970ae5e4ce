// DeepSeek R1 answers through the invoke API with its reasoning inline as `<think>…</think>answer`
// (translation.md §10): reasoning goes to `reasoning_content`, content stays clean.

export interface SplitThinking {
  content: string;
  reasoning: string | undefined;
}

const THINK = /^\s*<think>([\s\S]*?)(?:<\/think>|$)/;

export function splitThinking(text: string): SplitThinking {
  const match = THINK.exec(text);
  if (match === null) {
    // Some R1 outputs omit the opening tag and only close it.
    const close = text.indexOf("</think>");
    if (close < 0) return { content: text, reasoning: undefined };
    return {
      reasoning: text.slice(0, close).trim(),
      content: text.slice(close + "</think>".length).trimStart(),
    };
  }
  return { reasoning: (match[1] ?? "").trim(), content: text.slice(match[0].length).trimStart() };
}
