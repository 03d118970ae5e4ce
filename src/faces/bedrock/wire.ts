// The Bedrock Runtime wire (AWS API reference: Converse, ConverseStream, InvokeModel), camelCase as AWS
// spells it, and the small readers that parse `unknown` bodies into it at the edge: a bad field is a
// ValidationException naming it, as Bedrock answers.
import { invalidRequest } from "../../shared/errors.ts";

/** Converse `ContentBlock` members the face understands (the union has one key set per block). */
export interface ConverseContentBlock {
  text?: string;
  image?: { format: string; source: { bytes: string } };
  toolUse?: { toolUseId: string; name: string; input: unknown };
  toolResult?: {
    toolUseId: string;
    content: { text?: string; json?: unknown }[];
    status?: "success" | "error";
  };
  reasoningContent?: { reasoningText?: { text: string } };
}

export interface ConverseMessage {
  role: "user" | "assistant";
  content: ConverseContentBlock[];
}

export interface ConverseTool {
  toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } };
}

export type ConverseToolChoice = { auto: object } | { any: object } | { tool: { name: string } };

export interface InferenceConfiguration {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: { text: string }[];
  inferenceConfig?: InferenceConfiguration;
  toolConfig?: { tools: ConverseTool[]; toolChoice?: ConverseToolChoice };
  additionalModelRequestFields?: Record<string, unknown>;
}

export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";

export interface ConverseResponse {
  output: { message: ConverseMessage };
  stopReason: StopReason;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
  metrics: { latencyMs: number };
}

/** One AWS event-stream event before framing: its `:event-type` and JSON payload. */
export interface BedrockEvent {
  type: string;
  payload: Record<string, unknown>;
}

/** A JSON object at `path`, or a ValidationException naming it. */
export function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw invalidRequest(`1 validation error detected: Value at '${path}' must be an object.`, path);
  return value as Record<string, unknown>;
}

export function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value))
    throw invalidRequest(`1 validation error detected: Value at '${path}' must be a list.`, path);
  return value;
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value !== "string")
    throw invalidRequest(`1 validation error detected: Value at '${path}' must be a string.`, path);
  return value;
}

/** An optional number within [min, max]. */
export function numberAt(value: unknown, path: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
    throw invalidRequest(
      `1 validation error detected: Value at '${path}' must be a number between ${min} and ${max}.`,
      path,
    );
  return value;
}

/** An optional positive integer. */
export function countAt(value: unknown, path: string): number | undefined {
  const n = numberAt(value, path, 1, Number.MAX_SAFE_INTEGER);
  if (n !== undefined && !Number.isInteger(n))
    throw invalidRequest(`1 validation error detected: Value at '${path}' must be an integer.`, path);
  return n;
}

export function stringsAt(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return arrayAt(value, path).map((s, i) => stringAt(s, `${path}.${i + 1}`));
}
