// What the simulated model says: text, a tool call or structured JSON, per family and tool_choice
// (issue 3 "Model behaviour per family" and "Fakes"). Pure given the seeded Rng.
import type { ModelInfo } from "../../models/catalog.ts";
import type { InvokeContentBlock, InvokeRequest, InvokeTool, UpstreamResponse } from "../types.ts";
import { asksForJson, endsWithToolResult, lastUserText } from "./conversation.ts";
import { prose, topicWords } from "./prose.ts";
import { base62Text, type Rng } from "./random.ts";
import { validationError } from "./replies.ts";
import { answerRoom, type SchemaFaker } from "./schema-data.ts";
import { ANSWER_OBJECT, schemaFromPrompt } from "./prompt-schema.ts";
import { structuredSchema } from "./request-checks.ts";
import { countOutputTokens, truncateToTokens } from "./tokens.ts";

export interface Answer {
  content: InvokeContentBlock[];
  outputTokens: number;
}

type Choice = { kind: "auto" | "any" | "none" } | { kind: "tool"; name: string };

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

function wordsOf(text: string): Set<string> {
  const words = text
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length >= 3)
    .map(stem);
  return new Set(words);
}

const WEAK = new Set([
  "the",
  "and",
  "for",
  "get",
  "set",
  "use",
  "with",
  "from",
  "thi",
  "that",
  "what",
  "how",
  "can",
  "you",
]);

/** The tool the last user turn is about (shared words with its name/description), if any. */
export function relatedTool(tools: readonly InvokeTool[], userText: string): InvokeTool | undefined {
  const asked = wordsOf(userText);
  let best: InvokeTool | undefined;
  let bestScore = 0;
  for (const tool of tools) {
    let score = 0;
    for (const word of wordsOf(`${tool.name} ${tool.description ?? ""}`))
      if (!WEAK.has(word) && asked.has(word)) score++;
    if (score > bestScore) [best, bestScore] = [tool, score];
  }
  return best;
}

/**
 * Every tool the last user turn asks about by a word no other tool shares, in request order: "weather
 * and local time" names two tools, so Claude calls both in one turn (parallel tool use).
 */
export function relatedTools(tools: readonly InvokeTool[], userText: string): InvokeTool[] {
  const asked = wordsOf(userText);
  const vocab = tools.map(
    (t) => new Set([...wordsOf(`${t.name} ${t.description ?? ""}`)].filter((w) => !WEAK.has(w))),
  );
  return tools.filter((_, i) =>
    [...(vocab[i] ?? [])].some((w) => asked.has(w) && vocab.every((other, j) => j === i || !other.has(w))),
  );
}

/** False when the caller asked for at most one call per turn (Anthropic `disable_parallel_tool_use`). */
function parallelAllowed(raw: unknown): boolean {
  return !(
    typeof raw === "object" &&
    raw !== null &&
    (raw as { disable_parallel_tool_use?: unknown }).disable_parallel_tool_use === true
  );
}

/** Text up to the first stop sequence (which, like Bedrock, is not included). */
function stopAt(text: string, stops: unknown): string {
  if (!Array.isArray(stops)) return text;
  let end = text.length;
  for (const stop of stops) {
    if (typeof stop !== "string" || stop === "") continue;
    const at = text.indexOf(stop);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

function textAnswer(request: InvokeRequest, model: ModelInfo, rng: Rng): Answer {
  const max = request.max_tokens;
  const topics = topicWords(lastUserText(request));
  const target = rng.int(Math.min(max, 12), Math.min(max, 320));
  const body = prose(rng, topics, target);
  let text = body.text;
  let tokens: number | undefined = body.tokens;
  if (model.family.inlineReasoning) {
    // DeepSeek R1 thinks out loud first; the reasoning counts toward max_tokens like the answer.
    text = `<think>\n${prose(rng, topics, rng.int(20, 80)).text}\n</think>\n\n${text}`;
    tokens = undefined;
  }
  if (model.family.id === "meta-llama") {
    // Llama answers read like raw completions: a leading space is common (PROXY.md).
    text = ` ${text}`;
    tokens = undefined;
  }
  const stopped = stopAt(
    text,
    model.family.samplingKeys.includes("stop_sequences") ? request.stop_sequences : undefined,
  );
  if (stopped !== text) [text, tokens] = [stopped, undefined];
  if (tokens !== undefined && tokens <= max)
    return { content: [{ type: "text", text }], outputTokens: tokens };
  const cut = truncateToTokens(text, max);
  return { content: [{ type: "text", text: cut.text }], outputTokens: cut.tokens };
}

function toolCalls(
  chosen: readonly InvokeTool[],
  tools: readonly InvokeTool[],
  faker: SchemaFaker,
  rng: Rng,
  maxTokens: number,
): Answer | UpstreamResponse {
  const content: InvokeContentBlock[] = [];
  for (const tool of chosen) {
    const index = tools.indexOf(tool);
    const outcome = faker.fake(tool.input_schema, rng.seed(), answerRoom(maxTokens));
    if (!outcome.ok) return validationError(`tools.${index}.custom.input_schema: ${outcome.reason}`);
    // An input longer than max_tokens allows: the model is stopped while writing it (Claude then
    // returns the tool_use block with what it has, here nothing) and no further call is made.
    if (outcome.cut !== undefined) {
      content.push({
        type: "tool_use",
        id: `toolu_bdrk_01${base62Text(rng, 22)}`,
        name: tool.name,
        input: {},
      });
      return { content, outputTokens: maxTokens };
    }
    const input = outcome.value;
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      return validationError(`tools.${index}.custom.input_schema.type: Input should be 'object'`);
    }
    content.push({
      type: "tool_use",
      id: `toolu_bdrk_01${base62Text(rng, 22)}`,
      name: tool.name,
      input: input as Record<string, unknown>,
    });
  }
  return { content, outputTokens: Math.min(countOutputTokens(content), maxTokens) };
}

function structuredAnswer(
  schema: unknown,
  faker: SchemaFaker,
  rng: Rng,
  maxTokens: number,
): Answer | UpstreamResponse {
  const outcome = faker.fake(schema, rng.seed(), answerRoom(maxTokens));
  if (!outcome.ok) return validationError(`response_format.json_schema.schema: ${outcome.reason}`);
  return jsonText(outcome, maxTokens);
}

/**
 * Past max_tokens the JSON is cut like any other text: output_tokens == max_tokens tells the caller.
 * A value too long to build (`cut`) arrives as its first characters, and the model ran out of tokens.
 */
function jsonText(outcome: { value: unknown; cut?: string | undefined }, maxTokens: number): Answer {
  const cut = truncateToTokens(outcome.cut ?? JSON.stringify(outcome.value), maxTokens);
  return {
    content: [{ type: "text", text: cut.text }],
    outputTokens: outcome.cut === undefined ? cut.tokens : maxTokens,
  };
}

/** `{type: "object"}` and nothing else: JSON mode, any object (json_object arrives like this). */
function isAnyObject(schema: unknown): boolean {
  return (
    schema !== null &&
    typeof schema === "object" &&
    (schema as { type?: unknown }).type === "object" &&
    Object.keys(schema).length === 1
  );
}

/**
 * JSON mode: an object shaped as the prompt describes (prompt-schema.ts), or `{"answer": …}` when what
 * the prompt holds cannot be faked (the caller asked for no schema, so a broken one is not its error).
 */
function jsonModeAnswer(request: InvokeRequest, faker: SchemaFaker, rng: Rng): Answer | UpstreamResponse {
  const seed = rng.seed();
  const room = answerRoom(request.max_tokens);
  let outcome = faker.fake(schemaFromPrompt(request), seed, room);
  if (!outcome.ok) outcome = faker.fake(ANSWER_OBJECT, seed, room);
  if (!outcome.ok) return validationError(`response_format: ${outcome.reason}`);
  return jsonText(outcome, request.max_tokens);
}

/** The simulated model's answer, or the Bedrock error it would raise. */
export function answer(
  request: InvokeRequest,
  model: ModelInfo,
  rng: Rng,
  faker: SchemaFaker,
): Answer | UpstreamResponse {
  if (request.response_format !== undefined && request.response_format !== null) {
    const schema = structuredSchema(request.response_format);
    if (schema === undefined) return validationError("response_format: Input should be a JSON schema object");
    if (isAnyObject(schema)) return jsonModeAnswer(request, faker, rng);
    return structuredAnswer(schema, faker, rng, request.max_tokens);
  }
  const tools = request.tools ?? [];
  // Told in the prompt to answer in JSON (how json_object reaches Llama and Mistral), a model complies.
  if (tools.length === 0 && asksForJson(request)) return jsonModeAnswer(request, faker, rng);
  // Llama and Mistral have no native tool use through the proxy: they ignore tools and answer text.
  if (tools.length === 0 || !model.family.nativeTools) return textAnswer(request, model, rng);
  const choice = normaliseToolChoice(request.tool_choice);
  const asked = lastUserText(request);
  // Several tools named by the question are called together, unless the caller disabled that.
  const several = parallelAllowed(request.tool_choice) ? relatedTools(tools, asked) : [];
  let chosen: InvokeTool[];
  switch (choice.kind) {
    case "none":
      return textAnswer(request, model, rng);
    case "tool": {
      const tool = tools.find((t) => t.name === choice.name);
      if (tool === undefined)
        return validationError(`tool_choice.name: tool '${choice.name}' not found in tools`);
      chosen = [tool];
      break;
    }
    case "any":
      chosen = several.length > 1 ? several : [relatedTool(tools, asked) ?? rng.pick(tools)];
      break;
    case "auto": {
      // After a tool result the model answers in text; otherwise it calls the tools the user asked about.
      if (endsWithToolResult(request)) return textAnswer(request, model, rng);
      const tool = relatedTool(tools, asked);
      if (tool === undefined) return textAnswer(request, model, rng);
      chosen = several.length > 1 ? several : [tool];
      break;
    }
  }
  return toolCalls(chosen, tools, faker, rng, request.max_tokens);
}
