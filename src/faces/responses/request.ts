// Responses request → the Chat Completions params the shared translation (translation/request.ts)
// already turns into an InvokeRequest: items map to messages one to one (table below), so system
// folding, tool names and ids, images, response formats, sampling keys per family and the max_tokens
// cap are decided in one place for every OpenAI face. Pure.
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ResponseFormat,
} from "../../openai/types.ts";
import type {
  ResponseCreateParams,
  ResponseInputContent,
  ResponseInputItem,
  ResponseTextFormat,
  ResponseToolChoice,
} from "./types.ts";

function parts(content: readonly ResponseInputContent[]): ChatCompletionContentPart[] {
  return content.map((part) =>
    part.type === "input_image"
      ? { type: "image_url", image_url: { url: part.image_url, detail: part.detail } }
      : { type: "text", text: part.text },
  );
}

const textOf = (content: readonly ResponseInputContent[]): string =>
  content.map((p) => (p.type === "input_image" ? "" : p.text)).join("");

/**
 * One chat message per item (translation/messages.ts merges same-role neighbours, so consecutive
 * function calls become one assistant turn with several tool calls):
 * - message user → user; system/developer → system (folded by the shared rules); assistant → assistant text
 * - function_call → assistant tool_calls (`call_id` is the tool-call id, mapped to the upstream id)
 * - function_call_output → tool message for `call_id`
 */
function toMessage(item: ResponseInputItem): ChatCompletionMessageParam {
  switch (item.type) {
    case "message":
      if (item.role === "assistant") return { role: "assistant", content: textOf(item.content) };
      if (item.role === "user") return { role: "user", content: parts(item.content) };
      return { role: item.role, content: textOf(item.content) };
    case "function_call":
      return {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: item.call_id, type: "function", function: { name: item.name, arguments: item.arguments } },
        ],
      };
    case "function_call_output":
      return { role: "tool", content: item.output, tool_call_id: item.call_id };
  }
}

function responseFormat(format: ResponseTextFormat): ResponseFormat | undefined {
  switch (format.type) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      return {
        type: "json_schema",
        json_schema: {
          name: format.name,
          schema: format.schema,
          ...(format.description === undefined ? {} : { description: format.description }),
          ...(format.strict === undefined ? {} : { strict: format.strict }),
        },
      };
  }
}

function toolChoice(choice: ResponseToolChoice): NonNullable<ChatCompletionCreateParams["tool_choice"]> {
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}

/** `items` is the whole conversation: the stored history of previous_response_id, then this input. */
export function toChatParams(
  params: ResponseCreateParams,
  items: readonly ResponseInputItem[],
): ChatCompletionCreateParams {
  const messages: ChatCompletionMessageParam[] = items.map(toMessage);
  if (params.instructions !== null && params.instructions.trim() !== "")
    messages.unshift({ role: "system", content: params.instructions });
  const chat: ChatCompletionCreateParams = { model: params.model, messages, stream: false, n: 1 };
  if (params.max_output_tokens !== null) chat.max_completion_tokens = params.max_output_tokens;
  if (params.temperature !== null) chat.temperature = params.temperature;
  if (params.top_p !== null) chat.top_p = params.top_p;
  if (params.tools.length > 0) {
    chat.tools = params.tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description === null ? {} : { description: t.description }),
        ...(t.parameters === null ? {} : { parameters: t.parameters }),
      },
    }));
    chat.tool_choice = toolChoice(params.tool_choice);
  }
  if (!params.parallel_tool_calls) chat.parallel_tool_calls = false;
  const format = responseFormat(params.text.format);
  if (format !== undefined) chat.response_format = format;
  return chat;
}
