// The raw `prompt` of the completion-style families (Llama, Mistral, DeepSeek) → conversation turns.
// Notebook code formats prompts with each family's chat template (Bedrock user guide, "Inference
// request parameters": Meta Llama, Mistral, DeepSeek); the proxy takes messages, so the template is read
// back into turns. A prompt without the family's markers is one user turn, as the model would read it.
import type { FamilyId } from "../../models/families.ts";

export interface PromptTurn {
  role: "system" | "user" | "assistant";
  text: string;
}

type TemplateReader = (prompt: string) => PromptTurn[] | undefined;

/** Llama 3: `<|start_header_id|>role<|end_header_id|>\n\ntext<|eot_id|>`. */
const llama3: TemplateReader = (prompt) => {
  const turns: PromptTurn[] = [];
  const header =
    /<\|start_header_id\|>(system|user|assistant)<\|end_header_id\|>([\s\S]*?)(?:<\|eot_id\|>|(?=<\|start_header_id\|>)|$)/g;
  for (const m of prompt.matchAll(header))
    turns.push({ role: m[1] as PromptTurn["role"], text: (m[2] ?? "").trim() });
  return turns.length > 0 ? turns : undefined;
};

/** Mistral: `<s>[INST] user [/INST] answer</s>[INST] …`; the text after an `[/INST]` is the model's. */
const mistral: TemplateReader = (prompt) => {
  if (!prompt.includes("[INST]")) return undefined;
  const turns: PromptTurn[] = [];
  for (const m of prompt.matchAll(/\[INST\]([\s\S]*?)\[\/INST\]([\s\S]*?)(?=\[INST\]|$)/g)) {
    turns.push({ role: "user", text: (m[1] ?? "").trim() });
    const answer = (m[2] ?? "").replace(/<\/?s>/g, "").trim();
    if (answer !== "") turns.push({ role: "assistant", text: answer });
  }
  return turns;
};

/** DeepSeek R1: `<｜begin▁of▁sentence｜>system<｜User｜>text<｜Assistant｜>answer<｜end▁of▁sentence｜>`. */
const deepseek: TemplateReader = (prompt) => {
  if (!prompt.includes("<｜User｜>")) return undefined;
  const body = prompt.replace(/<｜begin▁of▁sentence｜>/g, "");
  const turns: PromptTurn[] = [];
  const [system, ...rest] = body.split("<｜User｜>");
  if (system !== undefined && system.trim() !== "") turns.push({ role: "system", text: system.trim() });
  for (const part of rest) {
    const [user, answer] = part.split("<｜Assistant｜>");
    turns.push({ role: "user", text: (user ?? "").trim() });
    // The generation prompt ends in an open `<think>`: not part of the history.
    const said = (answer ?? "")
      .replace(/<｜end▁of▁sentence｜>/g, "")
      .replace(/^\s*<think>\s*$/, "")
      .trim();
    if (said !== "") turns.push({ role: "assistant", text: said });
  }
  return turns;
};

/** Which template each completion-style family writes (Anthropic and Nova take messages). */
const TEMPLATES: Readonly<Partial<Record<FamilyId, TemplateReader>>> = {
  "meta-llama": llama3,
  mistral,
  deepseek,
};

/** The prompt's turns; an empty trailing assistant header (the generation prompt) is dropped. */
export function promptTurns(family: FamilyId, prompt: string): PromptTurn[] {
  const turns = TEMPLATES[family]?.(prompt) ?? [{ role: "user", text: prompt }];
  while (turns.at(-1)?.role === "assistant" && turns.at(-1)?.text === "") turns.pop();
  return turns.filter((t) => t.text !== "" || t.role === "user");
}
