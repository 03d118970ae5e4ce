// The system prompt Anthropic adds when a request carries tools, in tokens per model and tool_choice
// (Anthropic's tool-use pricing table: "auto"/"none" vs "any"/"tool"). The simulator adds it to
// input_tokens so simulated costs of tool use match live ones. Other families publish no such figure.
import type { ModelInfo } from "../../models/catalog.ts";
import type { InvokeRequest } from "../types.ts";
import { normaliseToolChoice } from "./tool-choice.ts";
import { countInputTokens } from "./tokens.ts";

interface Row {
  /** Matches the Bedrock model id. */
  model: RegExp;
  autoOrNone: number;
  anyOrTool: number;
}

/** First match wins; the catch-all row is the Claude 4 / 3.7 / 3.5 Sonnet figure. */
const TOOL_PROMPT_TOKENS: readonly Row[] = [
  { model: /claude-3-opus/, autoOrNone: 530, anyOrTool: 281 },
  { model: /claude-3-sonnet/, autoOrNone: 159, anyOrTool: 235 },
  { model: /claude-3-haiku|claude-3-5-haiku/, autoOrNone: 264, anyOrTool: 340 },
  { model: /claude/, autoOrNone: 346, anyOrTool: 313 },
];

/** Tokens the tool-use system prompt adds to this request's input (0 without tools or outside Claude). */
export function toolPromptTokens(request: InvokeRequest, model: ModelInfo): number {
  if (model.family.id !== "anthropic-claude" || request.tools === undefined || request.tools.length === 0)
    return 0;
  const row = TOOL_PROMPT_TOKENS.find((r) => r.model.test(model.id));
  if (row === undefined) return 0;
  const kind = normaliseToolChoice(request.tool_choice).kind;
  return kind === "auto" || kind === "none" ? row.autoOrNone : row.anyOrTool;
}

/** What the simulator bills as input for `request` on `model`: its tokens plus Claude's tool-use prompt. */
export async function billedInputTokens(request: InvokeRequest, model: ModelInfo): Promise<number> {
  return (await countInputTokens(request)) + toolPromptTokens(request, model);
}
