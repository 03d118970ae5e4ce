// What the simulated model says: text, a tool call or structured JSON, per family and tool_choice
// (issue 3 "Model behaviour per family" and "Fakes"; issue 16 "A mock that listens"). Pure given the
// seeded Rng: text obeys the prompt's explicit instruction (instructions.ts → obey.ts) or follows tool
// results, and tool inputs and structured outputs take the values the prompt states (fill.ts).
import type { ModelInfo } from "../../models/catalog.ts";
import type { InvokeContentBlock, InvokeRequest, InvokeTool, UpstreamResponse } from "../types.ts";
import { asksForJson, endsWithToolResult, lastUserQuestion, prefillOf, textOf } from "./conversation.ts";
import { readInstruction, type Instruction } from "./instructions.ts";
import { obey } from "./obey.ts";
import { imageAnswer } from "./images.ts";
import { prose, topicWords } from "./prose.ts";
import { base62Text, type Rng } from "./random.ts";
import { validationError } from "./replies.ts";
import { answerRoom, type SchemaFaker } from "./schema-data.ts";
import {
  askedIn,
  conversationText,
  fakeFromPrompt,
  isAnyObject,
  jsonModeAnswer,
  structuredAnswer,
} from "./json-answers.ts";
import { structuredSchema } from "./request-checks.ts";
import { plainAnswer } from "./tasks.ts";
import { countOutputTokens, truncateToTokens } from "./tokens.ts";
import {
  normaliseToolChoice,
  parallelAllowed,
  relatedTool,
  relatedTools,
  type Choice,
} from "./tool-choice.ts";
import {
  answerFromOutcomes,
  emulatedCallText,
  emulatedOutcomes,
  emulatedTools,
  isGreeting,
  lastToolOutcomes,
  withoutEmulationPrompt,
  type EmulatedTools,
} from "./tool-turns.ts";

export interface Answer {
  content: InvokeContentBlock[];
  outputTokens: number;
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

/** The instruction the request states: the last user turn first, then the system prompt, then the first turn. */
function instructionOf(request: InvokeRequest, asked: string): Instruction | undefined {
  const first = request.messages[0];
  return (
    readInstruction(asked) ??
    (typeof request.system === "string" ? readInstruction(request.system) : undefined) ??
    (first !== undefined && first.role === "user" && request.messages.length > 1
      ? readInstruction(withoutEmulationPrompt(textOf(first)))
      : undefined)
  );
}

/**
 * What prose is about: the words of the user's question (the last text block of the last user turn),
 * not of a system prompt folded in front of it — "You are a helpful assistant that speaks like a pirate"
 * outweighed "Tell me about dogs" by word length, and the answer was about "helpful" and "speaks".
 */
function topicsOf(request: InvokeRequest, asked: string): string[] {
  const question = topicWords(withoutEmulationPrompt(lastUserQuestion(request)));
  return question.length > 0 ? question : topicWords(asked);
}

/** What the model says before family quirks: obeyed, drawn from tool results, or prose. */
function spoken(
  request: InvokeRequest,
  rng: Rng,
  asked: string,
): { text: string; tokens?: number; prose: boolean } {
  const max = request.max_tokens;
  const topics = topicsOf(request, asked);
  const outcomes = lastToolOutcomes(request);
  const evidence = outcomes.length > 0 ? outcomes : emulatedOutcomes(request);
  const instruction = instructionOf(request, asked);
  const question = lastUserQuestion(request).trim();
  const task =
    evidence.length > 0
      ? undefined
      : (imageAnswer(request, question) ??
        plainAnswer(question, rng, instruction, () => conversationText(request, "")));
  if (task !== undefined) return { text: task, prose: false };
  if (instruction !== undefined) {
    const context = { rng, topics, prompt: asked, evidence: evidence.map((o) => o.text).join("\n") };
    return { text: obey(instruction, context), prose: false };
  }
  if (evidence.length > 0) return { text: answerFromOutcomes(evidence), prose: false };
  const body = prose(rng, topics, rng.int(Math.min(max, 12), Math.min(max, 320)));
  return { ...body, prose: true };
}

function textAnswer(request: InvokeRequest, model: ModelInfo, rng: Rng): Answer {
  const max = request.max_tokens;
  const asked = askedIn(request);
  const said = spoken(request, rng, asked);
  let { text } = said;
  let tokens = said.tokens;
  if (model.family.inlineReasoning) {
    // DeepSeek R1 thinks out loud first; the reasoning counts toward max_tokens like the answer.
    text = `<think>\n${prose(rng, topicsOf(request, asked), rng.int(20, 80)).text}\n</think>\n\n${text}`;
    tokens = undefined;
  }
  if (model.family.id === "meta-llama" && said.prose) {
    // Llama prose reads like a raw completion: a leading space is common (PROXY.md). An answer that
    // obeys an explicit format stays exact, so a client comparing it to "PASSED" is not misled.
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

/**
 * The inputs of the chosen tools. `cut`: an input longer than max_tokens allows, so the model is stopped
 * while writing it (Claude then returns the tool_use block with what it has, here nothing) and no further
 * call is made.
 */
function toolInputs(
  chosen: readonly InvokeTool[],
  tools: readonly InvokeTool[],
  faker: SchemaFaker,
  rng: Rng,
  text: string,
  asked: string,
  maxTokens: number,
): { inputs: Record<string, unknown>[]; cut?: true } | UpstreamResponse {
  const inputs: Record<string, unknown>[] = [];
  let room = answerRoom(maxTokens);
  for (const tool of chosen) {
    const index = tools.indexOf(tool);
    // Optional inputs only where the question states them, as a model calls a tool.
    const outcome = fakeFromPrompt(tool.input_schema, faker, rng.seed(), text, room, asked);
    if (!outcome.ok) return validationError(`tools.${index}.custom.input_schema: ${outcome.reason}`);
    const input = outcome.value;
    if (outcome.cut === undefined && (input === null || typeof input !== "object" || Array.isArray(input))) {
      return validationError(`tools.${index}.custom.input_schema.type: Input should be 'object'`);
    }
    // The smallest valid input may fit while the one written does not (an enum's long value, a long
    // value from the prompt): the model is stopped while writing it all the same.
    const chars = outcome.cut === undefined ? (JSON.stringify(input)?.length ?? 0) : Infinity;
    if (chars > room) {
      inputs.push({});
      return { inputs, cut: true };
    }
    room -= chars;
    inputs.push(input as Record<string, unknown>);
  }
  return { inputs };
}

function toolCalls(
  chosen: readonly InvokeTool[],
  request: InvokeRequest,
  faker: SchemaFaker,
  rng: Rng,
): Answer | UpstreamResponse {
  const made = toolInputs(
    chosen,
    request.tools ?? [],
    faker,
    rng,
    conversationText(request, askedIn(request)),
    withoutEmulationPrompt(lastUserQuestion(request)),
    request.max_tokens,
  );
  if ("status" in made) return made;
  const content: InvokeContentBlock[] = chosen.slice(0, made.inputs.length).map((tool, i) => ({
    type: "tool_use",
    id: `toolu_bdrk_01${base62Text(rng, 22)}`,
    name: tool.name,
    input: made.inputs[i] ?? {},
  }));
  if (made.cut) return { content, outputTokens: request.max_tokens };
  return { content, outputTokens: Math.min(countOutputTokens(content), request.max_tokens) };
}

/** The tools to call for `choice`, or undefined to answer in text. */
function choose(
  choice: Choice,
  tools: readonly InvokeTool[],
  request: InvokeRequest,
  rng: Rng,
  afterResults: boolean,
): InvokeTool[] | UpstreamResponse | undefined {
  // The question is the turn's last text block: a system prompt folded in front of it (Claude Code's
  // names every tool) must not count as the user asking for all of them.
  const asked = lastUserQuestion(request);
  // Several tools named by the question are called together, unless the caller disabled that.
  const several = parallelAllowed(request.tool_choice) ? relatedTools(tools, asked) : [];
  switch (choice.kind) {
    case "none":
      return undefined;
    case "tool": {
      const tool = tools.find((t) => t.name === choice.name);
      if (tool === undefined)
        return validationError(`tool_choice.name: tool '${choice.name}' not found in tools`);
      return [tool];
    }
    case "any":
      return several.length > 1 ? several : [relatedTool(tools, asked) ?? rng.pick(tools)];
    case "auto": {
      // After a tool result the model answers from it; a greeting or a question no tool is about gets text.
      if (afterResults || isGreeting(asked)) return undefined;
      const tool = relatedTool(tools, asked);
      if (tool === undefined) return undefined;
      return several.length > 1 ? several : [tool];
    }
  }
}

/** Llama/Mistral under the gateway's tool emulation: calls written as text, like the prompt asks. */
function emulatedAnswer(
  request: InvokeRequest,
  model: ModelInfo,
  rng: Rng,
  faker: SchemaFaker,
  emulated: EmulatedTools,
): Answer | UpstreamResponse {
  const afterResults = emulatedOutcomes(request).length > 0;
  const chosen = choose(emulated.choice, emulated.tools, request, rng, afterResults);
  if (chosen === undefined || "status" in chosen) return textAnswer(request, model, rng);
  const made = toolInputs(
    chosen,
    emulated.tools,
    faker,
    rng,
    conversationText(request, askedIn(request)),
    withoutEmulationPrompt(lastUserQuestion(request)),
    request.max_tokens,
  );
  if ("status" in made) return textAnswer(request, model, rng);
  const text = chosen.map((tool, i) => emulatedCallText(tool.name, made.inputs[i] ?? {})).join("\n");
  const cut = truncateToTokens(text, request.max_tokens);
  return { content: [{ type: "text", text: cut.text }], outputTokens: cut.tokens };
}

/** The simulated model's answer, or the Bedrock error it would raise. */
export function answer(
  request: InvokeRequest,
  model: ModelInfo,
  rng: Rng,
  faker: SchemaFaker,
): Answer | UpstreamResponse {
  const said = freshAnswer(request, model, rng, faker);
  return "status" in said ? said : continuePrefill(said, prefillOf(request));
}

/**
 * After a prefill the model continues it, and only the continuation comes back (Anthropic's docs): an
 * answer that starts with the prefill (`{` before a JSON object) loses it, so `prefill + text` is whole.
 */
function continuePrefill(said: Answer, prefill: string): Answer {
  const [first, ...rest] = said.content;
  if (prefill === "" || first?.type !== "text" || !first.text.startsWith(prefill)) return said;
  const content: InvokeContentBlock[] = [{ type: "text", text: first.text.slice(prefill.length) }, ...rest];
  return { content, outputTokens: countOutputTokens(content) };
}

function freshAnswer(
  request: InvokeRequest,
  model: ModelInfo,
  rng: Rng,
  faker: SchemaFaker,
): Answer | UpstreamResponse {
  if (request.response_format !== undefined && request.response_format !== null) {
    const schema = structuredSchema(request.response_format);
    if (schema === undefined) return validationError("response_format: Input should be a JSON schema object");
    if (isAnyObject(schema)) return jsonModeAnswer(request, faker, rng);
    return structuredAnswer(schema, request, faker, rng);
  }
  const tools = request.tools ?? [];
  // Told in the prompt to answer in JSON (how json_object reaches Llama and Mistral), a model complies.
  if (tools.length === 0 && asksForJson(request)) return jsonModeAnswer(request, faker, rng);
  if (!model.family.nativeTools) {
    // Llama and Mistral have no native tool use through the proxy: they ignore tools and answer text,
    // unless the gateway described tools in the prompt (tool emulation).
    const emulated = emulatedTools(request);
    if (emulated !== undefined) return emulatedAnswer(request, model, rng, faker, emulated);
    return textAnswer(request, model, rng);
  }
  if (tools.length === 0) return textAnswer(request, model, rng);
  const chosen = choose(
    normaliseToolChoice(request.tool_choice),
    tools,
    request,
    rng,
    endsWithToolResult(request),
  );
  if (chosen === undefined) return textAnswer(request, model, rng);
  if ("status" in chosen) return chosen;
  return toolCalls(chosen, request, faker, rng);
}
