// What the proxy refuses before a model runs: malformed bodies (400, the Lambda's own check) and what
// Bedrock rejects (500 with the Bedrock message, PROXY.md "Errors"). One table row per family quirk.
import type { FamilyId } from "../../models/families.ts";
import type { ModelInfo } from "../../models/catalog.ts";
import type { InvokeContentBlock, InvokeRequest, UpstreamResponse } from "../types.ts";
import { validationError } from "./replies.ts";

// No real client sent `role: "system"`, but the simulator accepts it (PROXY.md "system prompt").
const ROLES = new Set(["user", "assistant", "system"]);
const BLOCK_TYPES = new Set(["text", "image", "tool_use", "tool_result"]);
const SAMPLING_KEYS = ["temperature", "top_p", "top_k", "stop_sequences"] as const;

/** Families whose Bedrock body schema rejects keys it does not know (Nova: observed "extraneous key"). */
const STRICT_BODY: Readonly<Record<FamilyId, boolean>> = {
  "amazon-nova": true,
  "anthropic-claude": false,
  "meta-llama": false,
  mistral: false,
  deepseek: false,
};

/** Why the body is not an invoke request (400), or undefined. */
export function shapeProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.model !== "string" || body.model.trim() === "") return "Missing required field: model";
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return "Missing required field: messages (a non-empty list)";
  for (const [i, message] of body.messages.entries()) {
    const m = message as { role?: unknown; content?: unknown } | null;
    if (m === null || typeof m !== "object") return `messages[${i}] must be an object with role and content`;
    if (typeof m.role !== "string" || !ROLES.has(m.role))
      return `messages[${i}].role must be "user" or "assistant"`;
    if (typeof m.content !== "string" && !Array.isArray(m.content))
      return `messages[${i}].content must be a string or a list of content blocks`;
    if (Array.isArray(m.content)) {
      for (const [j, block] of m.content.entries()) {
        const type = (block as { type?: unknown } | null)?.type;
        if (typeof type !== "string" || !BLOCK_TYPES.has(type))
          return `messages[${i}].content[${j}].type must be one of text, image, tool_use, tool_result`;
      }
    }
  }
  if (body.max_tokens === undefined) return "Missing required field: max_tokens";
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return "max_tokens must be a positive integer";
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return "tools must be a list";
    for (const [i, tool] of body.tools.entries()) {
      const t = tool as { name?: unknown; input_schema?: unknown } | null;
      if (t === null || typeof t !== "object" || typeof t.name !== "string" || t.name === "")
        return `tools[${i}].name is required`;
      if (t.input_schema === null || typeof t.input_schema !== "object" || Array.isArray(t.input_schema)) {
        return `tools[${i}].input_schema must be a JSON schema object`;
      }
    }
  }
  return undefined;
}

function blocks(request: InvokeRequest): InvokeContentBlock[] {
  return request.messages.flatMap((m) => (typeof m.content === "string" ? [] : m.content));
}

/** The model's short name as Bedrock quotes it: `us.anthropic.claude-3-5-haiku-20241022-v1:0` → `claude-3-5-haiku-20241022`. */
export function shortModelName(id: string): string {
  return id
    .replace(/^(us|eu|apac|global)\./, "")
    .replace(/^[a-z]+\./, "")
    .replace(/-v\d+(:\d+)?$/, "");
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Why a content block is malformed, Anthropic-style (`messages.0.content.1.text: Field required`). */
function blockFieldProblem(block: Record<string, unknown>, at: string): string | undefined {
  switch (block.type) {
    case "text":
      return typeof block.text === "string" ? undefined : `${at}.text: Field required`;
    case "image": {
      const source = block.source;
      return isObject(source) && typeof source.data === "string" && typeof source.media_type === "string"
        ? undefined
        : `${at}.source: Field required`;
    }
    case "tool_use":
      if (typeof block.id !== "string" || typeof block.name !== "string")
        return `${at}: tool_use blocks need id and name`;
      return isObject(block.input) ? undefined : `${at}.input: Input should be a valid dictionary`;
    case "tool_result":
      if (typeof block.tool_use_id !== "string") return `${at}.tool_use_id: Field required`;
      if (block.content === undefined || typeof block.content === "string") return undefined;
      if (!Array.isArray(block.content)) return `${at}.content: Input should be a valid list`;
      for (const [k, inner] of block.content.entries()) {
        const why = isObject(inner)
          ? blockFieldProblem(inner, `${at}.content.${k}`)
          : `${at}.content.${k}: Input should be an object`;
        if (why !== undefined) return why;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Bedrock's answer to malformed content blocks (their types were checked by `shapeProblem`). */
export function blockProblem(request: InvokeRequest): UpstreamResponse | undefined {
  for (const [i, message] of request.messages.entries()) {
    if (typeof message.content === "string") continue;
    for (const [j, block] of message.content.entries()) {
      const why = blockFieldProblem(
        block as unknown as Record<string, unknown>,
        `messages.${i}.content.${j}`,
      );
      if (why !== undefined) return validationError(why);
    }
  }
  return undefined;
}

/** The Bedrock rejection for this request, or undefined when Bedrock would run it. */
export function bedrockProblem(request: InvokeRequest, model: ModelInfo): UpstreamResponse | undefined {
  const family = model.family;
  if (STRICT_BODY[family.id]) {
    const extraneous = SAMPLING_KEYS.find(
      (key) => request[key] !== undefined && !family.samplingKeys.includes(key),
    );
    if (extraneous !== undefined) {
      return validationError(
        `Malformed input request: #: extraneous key [${extraneous}] is not permitted, please reformat your input and try again.`,
      );
    }
  }
  if (request.max_tokens > model.maxOutputTokens) {
    return validationError(
      `Malformed input request: max_tokens: ${request.max_tokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${shortModelName(model.id)}`,
    );
  }
  const all = blocks(request);
  if (!model.capabilities.vision && all.some((b) => b.type === "image")) {
    return family.id === "deepseek"
      ? validationError("Validation Error")
      : validationError(`'${shortModelName(model.id)}' does not support image input.`);
  }
  if (request.tools !== undefined && request.tools.length > 0 && request.response_format !== undefined) {
    return validationError(
      "Malformed input request: tools and response_format cannot be used together, please reformat your input and try again.",
    );
  }
  return undefined;
}

/** Input longer than the context window: each family's own message (models/families.ts). */
export function contextProblem(model: ModelInfo, inputTokens: number): UpstreamResponse | undefined {
  return inputTokens > model.contextWindow
    ? validationError(model.family.contextExceededMessage(model.contextWindow))
    : undefined;
}

/** The JSON schema a `response_format` asks for, in any of the three accepted forms (CONTRACT §5). */
export function structuredSchema(responseFormat: unknown): unknown {
  if (responseFormat === null || typeof responseFormat !== "object" || Array.isArray(responseFormat))
    return undefined;
  const rf = responseFormat as Record<string, unknown>;
  if (rf.type === "json_object") return { type: "object" };
  const wrapped = rf.json_schema as Record<string, unknown> | undefined;
  if (wrapped !== null && typeof wrapped === "object") return wrapped.schema ?? {};
  return rf;
}
