// Structured answers (response_format json_schema, JSON mode, a prompt that asks for JSON) and the
// prompt text they take values from: a schema fake with what the conversation states laid over it.
import type { InvokeRequest, UpstreamResponse } from "../types.ts";
import type { Answer } from "./answers.ts";
import { lastUserText, textOf } from "./conversation.ts";
import { fillFromPrompt } from "./fill.ts";
import { mentionsIn } from "./mentions.ts";
import { ANSWER_OBJECT, schemaFromPrompt } from "./prompt-schema.ts";
import type { Rng } from "./random.ts";
import { validationError } from "./replies.ts";
import { answerRoom, type SchemaFaker, type SchemaOutcome } from "./schema-data.ts";
import { truncateToTokens } from "./tokens.ts";
import { withoutEmulationPrompt } from "./tool-turns.ts";

/** The last user turn as the user wrote it (a tool-emulation prompt folded into it left out). */
export const askedIn = (request: InvokeRequest): string => withoutEmulationPrompt(lastUserText(request));

/** The system prompt and every user turn's text, for values a short last turn does not repeat. */
export function conversationText(request: InvokeRequest, asked: string): string {
  // A top-level system prompt counts as a folded one does (translation.system_prompt changes nothing).
  const system = typeof request.system === "string" && request.system !== "" ? `${request.system}\n` : "";
  if (request.messages.length <= 1) return `${system}${asked}`;
  const earlier = request.messages
    .filter((m) => m.role === "user")
    .map((m) => withoutEmulationPrompt(textOf(m)));
  return `${system}${earlier.join("\n")}\n${asked}`;
}

/** A schema fake with the values the prompt states laid over it (still valid). */
export function fakeFromPrompt(
  schema: unknown,
  faker: SchemaFaker,
  seed: number,
  text: string,
  room: number,
  /** For a tool input: the question, the only source of optional properties' values. */
  asked?: string,
): SchemaOutcome {
  const outcome = faker.fake(schema, seed, room);
  if (!outcome.ok || outcome.cut !== undefined) return outcome;
  const validate = faker.validator(schema);
  if (typeof validate === "string") return outcome;
  const stated = asked === undefined ? undefined : mentionsIn(asked);
  const value = fillFromPrompt(outcome.value, schema, mentionsIn(text), validate, stated);
  return { ok: true, value };
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

export function structuredAnswer(
  schema: unknown,
  request: InvokeRequest,
  faker: SchemaFaker,
  rng: Rng,
): Answer | UpstreamResponse {
  const text = conversationText(request, askedIn(request));
  const outcome = fakeFromPrompt(schema, faker, rng.seed(), text, answerRoom(request.max_tokens));
  if (!outcome.ok) return validationError(`response_format.json_schema.schema: ${outcome.reason}`);
  return jsonText(outcome, request.max_tokens);
}

/** `{type: "object"}` and nothing else: JSON mode, any object (json_object arrives like this). */
export function isAnyObject(schema: unknown): boolean {
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
export function jsonModeAnswer(
  request: InvokeRequest,
  faker: SchemaFaker,
  rng: Rng,
): Answer | UpstreamResponse {
  const seed = rng.seed();
  const text = conversationText(request, askedIn(request));
  const room = answerRoom(request.max_tokens);
  let outcome = fakeFromPrompt(schemaFromPrompt(request), faker, seed, text, room);
  if (!outcome.ok) outcome = faker.fake(ANSWER_OBJECT, seed, room);
  if (!outcome.ok) return validationError(`response_format: ${outcome.reason}`);
  return jsonText(outcome, request.max_tokens);
}
