// The OpenAI Responses wire types (the subset the gateway reads or writes), named after the wire and
// shaped like openai-node's `src/resources/responses/responses.ts`. snake_case on purpose.

/** Input content parts, normalised at the edge (a string content becomes one `input_text`). */
export type ResponseInputContent =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail: "low" | "high" | "auto" }
  | { type: "output_text"; text: string; annotations: unknown[] };

/** A message in `input`: user/system/developer instructions, or an earlier assistant answer. */
export interface ResponseInputMessage {
  type: "message";
  id?: string;
  role: "user" | "system" | "developer" | "assistant";
  content: ResponseInputContent[];
}

export interface ResponseFunctionCallItem {
  type: "function_call";
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
}

export interface ResponseFunctionCallOutputItem {
  type: "function_call_output";
  id?: string;
  call_id: string;
  /** The tool's result as text (content parts are joined at the edge). */
  output: string;
}

/** The input items the proxy can carry; reasoning items are dropped and references resolved at the edge. */
export type ResponseInputItem =
  ResponseInputMessage | ResponseFunctionCallItem | ResponseFunctionCallOutputItem;

/** An `item_reference` (`{type: "item_reference", id}`), resolved against the stored responses. */
export interface ResponseItemReference {
  type: "item_reference";
  id: string;
}

export interface ResponseFunctionTool {
  type: "function";
  name: string;
  description: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean | null;
}

export type ResponseToolChoice = "none" | "auto" | "required" | { type: "function"; name: string };

export type ResponseTextFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      name: string;
      schema: Record<string, unknown>;
      description?: string;
      strict?: boolean | null;
    };

/** The validated request. Keys the gateway ignores by documented rule are not carried. */
export interface ResponseCreateParams {
  model: string;
  /** In order; item references still unresolved (they need the store). */
  input: (ResponseInputItem | ResponseItemReference)[];
  instructions: string | null;
  tools: ResponseFunctionTool[];
  tool_choice: ResponseToolChoice;
  parallel_tool_calls: boolean;
  text: { format: ResponseTextFormat };
  max_output_tokens: number | null;
  temperature: number | null;
  top_p: number | null;
  store: boolean;
  previous_response_id: string | null;
  metadata: Record<string, string>;
  stream: boolean;
}

export interface ResponseOutputText {
  type: "output_text";
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface ResponseOutputMessage {
  type: "message";
  id: string;
  role: "assistant";
  status: "in_progress" | "completed" | "incomplete";
  content: ResponseOutputText[];
}

export interface ResponseFunctionToolCall {
  type: "function_call";
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: "in_progress" | "completed" | "incomplete";
}

/** DeepSeek R1's `<think>` text, split out by the shared translation (never sent upstream again). */
export interface ResponseReasoningItem {
  type: "reasoning";
  id: string;
  summary: [];
  content: ResponseReasoningText[];
  status: "in_progress" | "completed" | "incomplete";
}

export interface ResponseReasoningText {
  type: "reasoning_text";
  text: string;
}

export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionToolCall | ResponseReasoningItem;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** USD spent on the request (as `usage.cost` on Chat Completions). */
  cost?: number;
}

/** The spec's `ResponseErrorCode` values the gateway uses. */
export type ResponseErrorCode = "server_error" | "rate_limit_exceeded" | "invalid_prompt";

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: "completed" | "incomplete" | "in_progress" | "failed";
  completed_at: number | null;
  error: { code: ResponseErrorCode; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: null; summary: null };
  store: boolean;
  temperature: number | null;
  text: { format: ResponseTextFormat };
  tool_choice: ResponseToolChoice;
  tools: ResponseFunctionTool[];
  top_p: number | null;
  truncation: "disabled";
  /** Absent until the response is finished (the spec's `usage` is not nullable). */
  usage?: ResponseUsage;
  metadata: Record<string, string>;
  /** The upstream proxy's `metadata`, unchanged (CONTRACT §3). */
  bedrock?: Record<string, unknown>;
}

/** A stream event before its `sequence_number` (the writer numbers events as it sends them). */
export type ResponseStreamEvent =
  | { type: "response.created" | "response.in_progress" | "response.completed"; response: ResponseObject }
  | { type: "response.incomplete" | "response.failed"; response: ResponseObject }
  | {
      type: "response.output_item.added" | "response.output_item.done";
      output_index: number;
      item: ResponseOutputItem;
    }
  | {
      type: "response.content_part.added" | "response.content_part.done";
      item_id: string;
      output_index: number;
      content_index: number;
      part: ResponseOutputText | ResponseReasoningText;
    }
  | {
      type: "response.reasoning_text.delta";
      item_id: string;
      output_index: number;
      content_index: number;
      delta: string;
    }
  | {
      type: "response.reasoning_text.done";
      item_id: string;
      output_index: number;
      content_index: number;
      text: string;
    }
  | {
      type: "response.output_text.delta";
      item_id: string;
      output_index: number;
      content_index: number;
      delta: string;
      logprobs: unknown[];
    }
  | {
      type: "response.output_text.done";
      item_id: string;
      output_index: number;
      content_index: number;
      text: string;
      logprobs: unknown[];
    }
  | { type: "response.function_call_arguments.delta"; item_id: string; output_index: number; delta: string }
  | {
      type: "response.function_call_arguments.done";
      item_id: string;
      output_index: number;
      name: string;
      arguments: string;
    }
  | { type: "error"; code: string | null; message: string; param: string | null };
