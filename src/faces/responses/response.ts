// The finished ChatCompletion of the shared translation (translation/response.ts: text, tool calls with
// `call_<upstream id>` ids, finish reason, usage with cost, `bedrock`) → a Response object. Output item
// ids carry the response's own token (`msg_<token>_<index>`), so an `item_reference` finds its item in
// the stored response without an index of its own. Pure.
import type { ChatCompletion } from "../../openai/types.ts";
import type {
  ResponseCreateParams,
  ResponseErrorCode,
  ResponseObject,
  ResponseOutputItem,
  ResponseUsage,
} from "./types.ts";

export interface ResponseIdentity {
  /** The random part of every id of this response (`resp_<token>`, `msg_<token>_0`, …). */
  token: string;
  /** Unix seconds. */
  createdAt: number;
}

const ITEM_ID = /^(?:msg|fc|rs)_([A-Za-z0-9]+)_(\d+)$/;

export const responseId = (token: string): string => `resp_${token}`;

/** Where an output item id points: its response and index; undefined for ids the gateway did not make. */
export function itemAddress(itemId: string): { responseId: string; index: number } | undefined {
  const match = ITEM_ID.exec(itemId);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { responseId: responseId(match[1]), index: Number(match[2]) };
}

function outputItems(completion: ChatCompletion, token: string): ResponseOutputItem[] {
  const message = completion.choices[0]?.message;
  const items: ResponseOutputItem[] = [];
  if (message?.reasoning_content !== undefined && message.reasoning_content !== "") {
    items.push({
      type: "reasoning",
      id: `rs_${token}_0`,
      summary: [],
      content: [{ type: "reasoning_text", text: message.reasoning_content }],
      status: "completed",
    });
  }
  const text = message?.content ?? "";
  const calls = message?.tool_calls ?? [];
  // An answer that only calls tools has no message item; one that says nothing still has one (empty).
  if (text !== "" || calls.length === 0) {
    items.push({
      type: "message",
      id: `msg_${token}_${items.length}`,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
    });
  }
  for (const call of calls) {
    items.push({
      type: "function_call",
      id: `fc_${token}_${items.length}`,
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: "completed",
    });
  }
  return items;
}

function usageOf(completion: ChatCompletion): ResponseUsage {
  const u = completion.usage;
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: {
      cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: 0,
    },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 }, // the proxy does not count them apart
    total_tokens: u.total_tokens,
    ...(u.cost === undefined ? {} : { cost: u.cost }),
  };
}

/** The response as it stands before any output: what `response.created` carries, and the failed shape. */
export function pendingResponse(params: ResponseCreateParams, identity: ResponseIdentity): ResponseObject {
  return {
    id: responseId(identity.token),
    object: "response",
    created_at: identity.createdAt,
    status: "in_progress",
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: params.instructions,
    max_output_tokens: params.max_output_tokens,
    model: params.model,
    output: [],
    parallel_tool_calls: params.parallel_tool_calls,
    previous_response_id: params.previous_response_id,
    reasoning: { effort: null, summary: null },
    store: params.store,
    temperature: params.temperature,
    text: params.text,
    tool_choice: params.tool_choice,
    tools: params.tools,
    top_p: params.top_p,
    truncation: "disabled",
    metadata: params.metadata,
  };
}

/** finish_reason → status: `length` is an incomplete response (max_output_tokens), the rest complete. */
export function toResponse(
  completion: ChatCompletion,
  params: ResponseCreateParams,
  identity: ResponseIdentity,
  completedAt: number,
): ResponseObject {
  const finish = completion.choices[0]?.finish_reason;
  const incomplete =
    finish === "length" ? "max_output_tokens" : finish === "content_filter" ? "content_filter" : undefined;
  return {
    ...pendingResponse(params, identity),
    status: incomplete === undefined ? "completed" : "incomplete",
    completed_at: incomplete === undefined ? completedAt : null,
    incomplete_details: incomplete === undefined ? null : { reason: incomplete },
    output: outputItems(completion, identity.token),
    usage: usageOf(completion),
    ...(completion.bedrock === undefined ? {} : { bedrock: completion.bedrock }),
  };
}

/** The spec's error codes for a failed response (ResponseErrorCode): throttling, bad input, the rest. */
export function failureCode(status: number): ResponseErrorCode {
  if (status === 429) return "rate_limit_exceeded";
  return status === 400 ? "invalid_prompt" : "server_error";
}
