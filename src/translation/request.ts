// ChatCompletionCreateParams → InvokeRequest (CONTRACT §3, translation.md §§1–6). Pure: the model is
// resolved by the caller, options come from config, and everything that cannot work is refused with a
// 400 before any upstream call, so no budget is spent on it.
import type { ModelInfo } from "../models/catalog.ts";
import type { ChatCompletionCreateParams, ChatCompletionFunctionTool } from "../openai/types.ts";
import { invalidRequest } from "../shared/errors.ts";
import type { InvokeRequest, InvokeTool, InvokeToolChoice } from "../upstream/types.ts";
import { collectSystem, convertMessages } from "./messages.ts";
import {
  MIXES_TOOL_RESULTS_AND_TEXT,
  familySampling,
  hasToolBlocks,
  invokeTool,
  openConversation,
  type SystemPromptPlacement,
} from "./request-parts.ts";
import { sanitizeToolName } from "./tool-ids.ts";

export interface RequestOptions {
  /** `translation.system_prompt`: fold into the first user turn, or top-level `system` (Claude only). */
  systemPrompt: SystemPromptPlacement;
  /** `translation.tool_emulation`: describe tools in the prompt for families without native tools. */
  toolEmulation: boolean;
  /** `translation.max_n`. */
  maxN: number;
}

/** What the response side needs to know about the request it answers. */
export interface TranslationPlan {
  /** The model name the client sent (echoed as `model`). */
  requestedModel: string;
  model: ModelInfo;
  maxTokens: number;
  n: number;
  /** Sanitised tool name → the client's own name. */
  toolNames: Record<string, string>;
  /** Tools were described in the prompt; parse `<tool_call>` tags out of the answer. */
  emulatedTools: boolean;
  /** `parallel_tool_calls: false`: at most one tool call per choice (the first the model made). */
  oneToolCall: boolean;
}

export interface TranslatedRequest {
  request: InvokeRequest;
  plan: TranslationPlan;
}

const DEFAULT_MAX_TOKENS = 1024; // CONTRACT §3; the guide's default

function maxTokens(params: ChatCompletionCreateParams, model: ModelInfo): number {
  // max_completion_tokens wins: max_tokens is deprecated in the spec (translation.md §6).
  const asked = params.max_completion_tokens ?? params.max_tokens ?? DEFAULT_MAX_TOKENS;
  return Math.min(asked, model.maxOutputTokens);
}

function sampling(params: ChatCompletionCreateParams, model: ModelInfo): Partial<InvokeRequest> {
  return familySampling(
    {
      // OpenAI's range is 0–2; Bedrock models take 0–1, so clamp (PK-A does the same).
      temperature: params.temperature === undefined ? undefined : Math.min(params.temperature, 1),
      top_p: params.top_p,
      stop_sequences: params.stop,
    },
    model,
  );
}

function toInvokeTool(tool: ChatCompletionFunctionTool): InvokeTool {
  return invokeTool(tool.function.name, tool.function.description, tool.function.parameters);
}

function toolNameMap(tools: readonly ChatCompletionFunctionTool[]): Record<string, string> {
  const names: Record<string, string> = {};
  tools.forEach((tool, j) => {
    const safe = sanitizeToolName(tool.function.name);
    if (Object.hasOwn(names, safe)) {
      throw invalidRequest(
        `Tool names must be unique (after replacing characters other than letters, digits, _ and -): '${tool.function.name}'.`,
        `tools[${j}].function.name`,
        "duplicate_tool_name",
      );
    }
    names[safe] = tool.function.name;
  });
  return names;
}

function toolChoice(
  params: ChatCompletionCreateParams,
  names: Record<string, string>,
): InvokeToolChoice | undefined {
  const choice = params.tool_choice;
  if (choice === undefined) return undefined;
  if (choice === "auto") return { type: "auto" };
  if (choice === "required") return { type: "any" };
  if (choice === "none") return { type: "none" };
  const name = sanitizeToolName(choice.function.name);
  if (!Object.hasOwn(names, name)) {
    throw invalidRequest(
      `tool_choice names '${choice.function.name}', which is not among 'tools'.`,
      "tool_choice.function.name",
      "invalid_value",
    );
  }
  return { type: "tool", name };
}

function emulationPrompt(
  tools: readonly ChatCompletionFunctionTool[],
  choice: ChatCompletionCreateParams["tool_choice"],
): string {
  const list = tools
    .map(
      (t) =>
        `- ${t.function.name}: ${t.function.description ?? ""}\n  parameters (JSON schema): ${JSON.stringify(t.function.parameters ?? { type: "object", properties: {} })}`,
    )
    .join("\n");
  const must =
    choice === "required"
      ? "You must call at least one tool."
      : typeof choice === "object"
        ? `You must call the tool ${choice.function.name}.`
        : "Call a tool only when it helps.";
  return (
    `You can call these tools:\n${list}\n${must} To call tools, reply with nothing but one line per call of the form ` +
    `<tool_call>{"name": "<tool name>", "arguments": {…}}</tool_call>. Tool results come back as <tool_result> messages.`
  );
}

function responseFormat(
  params: ChatCompletionCreateParams,
  model: ModelInfo,
  system: string[],
): Partial<InvokeRequest> {
  const format = params.response_format;
  if (format === undefined || format.type === "text") return {};
  if (params.tools !== undefined && params.tool_choice !== "none") {
    throw invalidRequest(
      "The proxy cannot combine 'tools' with 'response_format' (it answers 500); send them in separate requests.",
      "response_format",
      "unsupported_parameter",
    );
  }
  if (!model.capabilities.structuredOutput) {
    if (format.type === "json_schema") {
      throw invalidRequest(
        `Model ${model.id} cannot enforce a JSON schema; use a model with capabilities.structured_output (GET /v1/models).`,
        "response_format",
        "unsupported_parameter",
      );
    }
    // json_object without native support: best effort through the prompt (translation.md §5).
    system.push("Reply with one valid JSON object and nothing else.");
    return {};
  }
  if (format.type === "json_object") {
    return {
      response_format: {
        type: "json_schema",
        json_schema: { name: "json_object", schema: { type: "object" } },
      },
    };
  }
  const { name, schema, strict } = format.json_schema;
  return {
    response_format: {
      type: "json_schema",
      json_schema: {
        name,
        schema: schema ?? { type: "object" },
        ...(strict === undefined || strict === null ? {} : { strict }),
      },
    },
  };
}

export function toInvokeRequest(
  params: ChatCompletionCreateParams,
  model: ModelInfo,
  options: RequestOptions,
): TranslatedRequest {
  if (params.n > options.maxN) {
    throw invalidRequest(
      `'n' may be at most ${options.maxN} (translation.max_n): each choice is one upstream call.`,
      "n",
      "invalid_value",
    );
  }
  const native = model.family.nativeTools;
  const wantsTools = params.tools !== undefined && params.tool_choice !== "none";
  if (wantsTools && !native && !options.toolEmulation) {
    throw invalidRequest(
      `Model ${model.id} (${model.family.id}) has no native tool use; pick a model with capabilities.tools (GET /v1/models) or enable translation.tool_emulation.`,
      "tools",
      "tools_not_supported",
    );
  }
  const emulated = wantsTools && !native;
  const tools = params.tools ?? [];
  const toolNames = toolNameMap(tools);
  const convert = (toolsAsText: boolean) =>
    convertMessages(params.messages, { model, toolsAsText }, MIXES_TOOL_RESULTS_AND_TEXT[model.family.id]);
  let turns = convert(!native);
  // A conversation that called tools, continued without any (the OpenAI Agents SDK hands off to an agent
  // with no tools, history and all): OpenAI takes it, Bedrock refuses tool blocks without their
  // definitions, so the earlier calls and results travel as text.
  if (native && tools.length === 0 && hasToolBlocks(turns)) turns = convert(true);

  const system = collectSystem(params.messages);
  const extra = responseFormat(params, model, system);
  if (emulated) system.push(emulationPrompt(tools, params.tool_choice));

  const { messages, system: topSystem } = openConversation(turns, system, options.systemPrompt, model);
  const request: InvokeRequest = {
    model: model.id,
    messages,
    max_tokens: maxTokens(params, model),
    ...topSystem,
    ...sampling(params, model),
    ...extra,
  };
  if (native && tools.length > 0 && (wantsTools || hasToolBlocks(turns))) {
    request.tools = tools.map(toInvokeTool);
    const choice = toolChoice(params, toolNames);
    if (choice !== undefined) request.tool_choice = choice;
  }
  return {
    request,
    plan: {
      requestedModel: params.model,
      model,
      maxTokens: request.max_tokens,
      n: params.n,
      toolNames,
      emulatedTools: emulated,
      oneToolCall: params.parallel_tool_calls === false,
    },
  };
}
