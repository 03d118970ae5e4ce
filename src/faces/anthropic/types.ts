// Anthropic Messages wire types (CONTRACT §3b), named after the wire: the subset of
// `MessageCreateParams` the face uses once parsed, the `Message` it answers, the stream events and the
// error body. Keys the face reads but cannot carry are not typed here: the parser drops and lists them.
import type { InvokeMetadata } from "../../upstream/types.ts";

export type TextBlockParam = { type: "text"; text: string };
export type ImageBlockParam = {
  type: "image";
  source: { type: "base64"; media_type: string; data: string };
};
export type ToolUseBlockParam = {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
};
export type ToolResultBlockParam = {
  type: "tool_result";
  tool_use_id: string;
  content: string | (TextBlockParam | ImageBlockParam)[];
  is_error?: boolean;
};
export type ContentBlockParam = TextBlockParam | ImageBlockParam | ToolUseBlockParam | ToolResultBlockParam;

export interface MessageParam {
  role: "user" | "assistant";
  content: ContentBlockParam[];
}

export interface Tool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type ToolChoice =
  | { type: "auto" | "any" | "none"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean };

/** A parsed request: `system` gathers the top-level system prompt and any `role: "system"` messages. */
export interface MessageCreateParams {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system: string[];
  stream: boolean;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  tools?: Tool[];
  tool_choice?: ToolChoice;
  /** `output_config.format` (or the beta `output_format`): the JSON schema the answer must follow. */
  output_schema?: Record<string, unknown>;
}

export interface CountTokensParams {
  model: string;
  messages: MessageParam[];
  system: string[];
  tools?: Tool[];
  tool_choice?: ToolChoice;
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";

export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface Message {
  id: string;
  type: "message";
  role: "assistant";
  /** The name the client asked for, echoed (the served model is in `x-bedrock-model`). */
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason;
  stop_sequence: string | null;
  usage: Usage;
  /** The upstream metadata, unchanged, as on /v1 (CONTRACT §3). */
  bedrock?: InvokeMetadata;
}

export type ContentDelta =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string }
  | { type: "input_json_delta"; partial_json: string };

export type MessageStreamEvent =
  | { type: "message_start"; message: Omit<Message, "stop_reason" | "bedrock"> & { stop_reason: null } }
  | { type: "content_block_start"; index: number; content_block: ContentBlock }
  | { type: "content_block_delta"; index: number; delta: ContentDelta }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: { stop_reason: StopReason; stop_sequence: string | null };
      usage: Usage;
      bedrock?: InvokeMetadata;
    }
  | { type: "message_stop" }
  | { type: "ping" };

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export interface AnthropicErrorBody {
  type: "error";
  /** `details.error_code`: Anthropic's machine-readable cause, which the SDKs map to an error class. */
  error: { type: AnthropicErrorType; message: string; details?: { error_code: string } };
  request_id?: string;
}
