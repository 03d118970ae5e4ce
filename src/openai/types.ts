// The OpenAI Chat Completions wire types (the subset the gateway reads or writes), named after the wire
// and shaped like openai-node's `src/resources/chat/completions/completions.ts`. snake_case on purpose.

export type ChatCompletionRole = "system" | "developer" | "user" | "assistant" | "tool" | "function";

export interface ChatCompletionContentPartText {
  type: "text";
  text: string;
}

export interface ChatCompletionContentPartImage {
  type: "image_url";
  image_url: { url: string; detail?: string };
}

/** Parts the gateway cannot forward (the proxy has no block for them); kept so the 400 can name them. */
export interface ChatCompletionContentPartOther {
  type: "input_audio" | "file" | "refusal";
  [key: string]: unknown;
}

export type ChatCompletionContentPart =
  ChatCompletionContentPartText | ChatCompletionContentPartImage | ChatCompletionContentPartOther;

export interface ChatCompletionMessageToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatCompletionMessageParam =
  | { role: "system" | "developer"; content: string | ChatCompletionContentPart[]; name?: string }
  | { role: "user"; content: string | ChatCompletionContentPart[]; name?: string }
  | {
      role: "assistant";
      content: string | ChatCompletionContentPart[] | null;
      tool_calls?: ChatCompletionMessageToolCall[];
      name?: string;
    }
  | { role: "tool"; content: string | ChatCompletionContentPart[]; tool_call_id: string };

export interface ChatCompletionFunctionTool {
  type: "function";
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export type ChatCompletionToolChoiceOption =
  "none" | "auto" | "required" | { type: "function"; function: { name: string } };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: {
        name: string;
        description?: string;
        schema?: Record<string, unknown>;
        strict?: boolean | null;
      };
    };

/** The validated request. Keys the gateway ignores by documented rule are not carried. */
export interface ChatCompletionCreateParams {
  model: string;
  messages: ChatCompletionMessageParam[];
  stream: boolean;
  stream_options?: { include_usage?: boolean };
  max_completion_tokens?: number;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  n: number;
  tools?: ChatCompletionFunctionTool[];
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  /** USD spent on the request (OpenRouter's convention). */
  cost?: number;
}

export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  refusal: null;
  tool_calls?: ChatCompletionMessageToolCall[];
  /** DeepSeek-style reasoning text, split out of `<think>…</think>`. */
  reasoning_content?: string;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  logprobs: null;
  finish_reason: FinishReason;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage: CompletionUsage;
  /** The upstream proxy's `metadata`, unchanged (CONTRACT §3). */
  bedrock?: Record<string, unknown>;
}

export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

export interface ChatCompletionChunkDelta {
  role?: "assistant";
  content?: string | null;
  reasoning_content?: string;
  tool_calls?: ChatCompletionChunkToolCall[];
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionChunkDelta;
  logprobs: null;
  finish_reason: FinishReason | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  /** Present (null on all but the last chunk) only when `stream_options.include_usage` is set. */
  usage?: CompletionUsage | null;
  bedrock?: Record<string, unknown>;
}

export interface OpenAIModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  /** For aliases: the Bedrock id the alias stands for. */
  alias_for?: string;
  capabilities: { tools: boolean; vision: boolean; structured_output: boolean };
  pricing: { input_usd_per_mtok: number; output_usd_per_mtok: number };
  context_window: number;
  max_output_tokens: number;
}

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    [extra: string]: unknown;
  };
}
