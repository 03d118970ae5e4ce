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
import type { SchemaFaker, SchemaOutcome } from "./schema-data.ts";
import { truncateToTokens } from "./tokens.ts";
import { withoutEmulationPrompt } from "./tool-turns.ts";

/** The last user turn as the user wrote it (a tool-emulation prompt folded into it left out). */
export const askedIn = (request: InvokeRequest): string => withoutEmulationPrompt(lastUserText(request));

/** Every user turn's text, for values a short last turn does not repeat. */
export function conversationText(request: InvokeRequest, asked: string): string {
  if (request.messages.length <= 1) return asked;
  const earlier = request.messages
    .filter((m) => m.role === "user")
    .map((m) => withoutEmulationPrompt(textOf(m)));
  return `${earlier.join("\n")}\n${asked}`;
}

/** A schema fake with the values the prompt states laid over it (still valid). */
export function fakeFromPrompt(
  schema: unknown,
  faker: SchemaFaker,
  seed: number,
  text: string,
): SchemaOutcome {
  const outcome = faker.fake(schema, seed);
  if (!outcome.ok) return outcome;
  const validate = faker.validator(schema);
  if (typeof validate === "string") return outcome;
  return { ok: true, value: fillFromPrompt(outcome.value, schema, mentionsIn(text), validate) };
}

/** Past max_tokens the JSON is cut like any other text: output_tokens == max_tokens tells the caller. */
function jsonText(value: unknown, maxTokens: number): Answer {
  const cut = truncateToTokens(JSON.stringify(value), maxTokens);
  return { content: [{ type: "text", text: cut.text }], outputTokens: cut.tokens };
}

export function structuredAnswer(
  schema: unknown,
  request: InvokeRequest,
  faker: SchemaFaker,
  rng: Rng,
): Answer | UpstreamResponse {
  const outcome = fakeFromPrompt(schema, faker, rng.seed(), conversationText(request, askedIn(request)));
  if (!outcome.ok) return validationError(`response_format.json_schema.schema: ${outcome.reason}`);
  return jsonText(outcome.value, request.max_tokens);
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
  let outcome = fakeFromPrompt(schemaFromPrompt(request), faker, seed, text);
  if (!outcome.ok) outcome = faker.fake(ANSWER_OBJECT, seed);
  if (!outcome.ok) return validationError(`response_format: ${outcome.reason}`);
  return jsonText(outcome.value, request.max_tokens);
}
