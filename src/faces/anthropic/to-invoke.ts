// MessageCreateParams → InvokeRequest (CONTRACT §3b). The proxy's invoke body is already
// Anthropic-shaped, so this is mostly what to leave out: blank text, sampling keys the family refuses,
// tool definitions the model cannot use. Pure; everything that cannot work is refused with a 400 before
// any upstream call, so no budget is spent on it. Tool ids pass through (made safe for Bedrock's id rule
// by the same function as on /v1), so `tool_use` ids round-trip and one recording replays on both faces.
import type { ModelInfo } from "../../models/catalog.ts";
import { invalidRequest } from "../../shared/errors.ts";
import { mergeTurns, trimPrefill, type Turn } from "../../translation/messages.ts";
import {
  MIXES_TOOL_RESULTS_AND_TEXT,
  familySampling,
  hasToolBlocks,
  invokeTool,
  openConversation,
  type SystemPromptPlacement,
} from "../../translation/request-parts.ts";
import { sanitizeToolName, toUpstreamToolUseId } from "../../translation/tool-ids.ts";
import type { InvokeContentBlock, InvokeRequest, InvokeToolChoice } from "../../upstream/types.ts";
import type { ContentBlockParam, CountTokensParams, MessageCreateParams, MessageParam } from "./types.ts";

/** What the response side needs to know about the request it answers. */
export interface MessagesPlan {
  /** The name the client asked for, echoed as `model`. */
  requestedModel: string;
  model: ModelInfo;
  maxTokens: number;
  stopSequences: readonly string[];
  /** Sanitised tool name → the client's own name. */
  toolNames: Record<string, string>;
}

export interface TranslatedMessages {
  request: InvokeRequest;
  plan: MessagesPlan;
  /** Request keys the family does not take (e.g. `temperature` on Nova), for `x-bedrock-dropped`. */
  dropped: string[];
}

function visionCheck(model: ModelInfo, param: string): void {
  if (!model.capabilities.vision) {
    throw invalidRequest(
      `${param}: model ${model.id} does not accept images; use a vision model (GET /v1/models, capabilities.vision).`,
      param,
      "model_not_vision_capable",
    );
  }
}

function toBlock(block: ContentBlockParam, param: string, model: ModelInfo): InvokeContentBlock[] {
  switch (block.type) {
    case "text":
      // Bedrock rejects blank text blocks (translation.md §1.2).
      return block.text.trim() === "" ? [] : [block];
    case "image":
      visionCheck(model, param);
      return [block];
    case "tool_use":
      return [
        {
          type: "tool_use",
          id: toUpstreamToolUseId(block.id),
          name: sanitizeToolName(block.name),
          input: block.input,
        },
      ];
    case "tool_result": {
      const parts = typeof block.content === "string" ? [] : block.content;
      parts.forEach((p, k) =>
        p.type === "image" ? visionCheck(model, `${param}.content[${k}]`) : undefined,
      );
      // Text-only results travel as one string, as the proxy's clients send them (and as /v1 does).
      const content =
        typeof block.content === "string"
          ? block.content
          : parts.every((p) => p.type === "text")
            ? parts.map((p) => (p.type === "text" ? p.text : "")).join("")
            : parts;
      return [
        {
          type: "tool_result",
          tool_use_id: toUpstreamToolUseId(block.tool_use_id),
          content,
          ...(block.is_error === true ? { is_error: true } : {}),
        },
      ];
    }
  }
}

function toTurns(messages: readonly MessageParam[], model: ModelInfo): Turn[] {
  return messages
    .map((m, i): Turn => ({
      role: m.role,
      blocks: m.content.flatMap((b, j) => toBlock(b, `messages[${i}].content[${j}]`, model)),
      from: i,
    }))
    .filter((t) => t.blocks.length > 0);
}

function toolNameMap(params: CountTokensParams): Record<string, string> {
  const names: Record<string, string> = {};
  (params.tools ?? []).forEach((tool, j) => {
    const safe = sanitizeToolName(tool.name);
    if (Object.hasOwn(names, safe))
      throw invalidRequest(
        `tools[${j}].name: tool names must be unique ('${tool.name}').`,
        `tools[${j}].name`,
        "duplicate_tool_name",
      );
    names[safe] = tool.name;
  });
  return names;
}

function toolChoice(params: CountTokensParams, names: Record<string, string>): InvokeToolChoice | undefined {
  const choice = params.tool_choice;
  if (choice === undefined || choice.type !== "tool") return choice;
  const name = sanitizeToolName(choice.name);
  if (!Object.hasOwn(names, name))
    throw invalidRequest(
      `tool_choice.name: '${choice.name}' is not among 'tools'.`,
      "tool_choice.name",
      "invalid_value",
    );
  return { ...choice, name };
}

/** The invoke body of a request, without max_tokens and sampling (what count_tokens counts too). */
export function toInvokeConversation(
  params: CountTokensParams,
  model: ModelInfo,
  systemPrompt: SystemPromptPlacement,
): { request: InvokeRequest; toolNames: Record<string, string> } {
  const tools = params.tools ?? [];
  const wantsTools = tools.length > 0 && params.tool_choice?.type !== "none";
  const toolHistory = params.messages.some((m) =>
    m.content.some((b) => b.type === "tool_use" || b.type === "tool_result"),
  );
  if ((wantsTools || toolHistory) && !model.family.nativeTools) {
    throw invalidRequest(
      `tools: model ${model.id} (${model.family.id}) has no native tool use; pick a model with capabilities.tools (GET /v1/models).`,
      "tools",
      "tools_not_supported",
    );
  }
  const toolNames = toolNameMap(params);
  const turns = trimPrefill(
    mergeTurns(toTurns(params.messages, model), MIXES_TOOL_RESULTS_AND_TEXT[model.family.id]),
  );
  const system = params.system.filter((s) => s.trim() !== "");
  const { messages, system: topSystem } = openConversation(turns, system, systemPrompt, model);
  if (hasToolBlocks(turns) && tools.length === 0) {
    throw invalidRequest(
      "tools: the conversation holds tool_use or tool_result blocks, so 'tools' must be given (Bedrock requires the definitions).",
      "tools",
      "missing_required_parameter",
    );
  }
  const request: InvokeRequest = { model: model.id, messages, max_tokens: 1, ...topSystem };
  if (tools.length > 0 && (wantsTools || hasToolBlocks(turns))) {
    request.tools = tools.map((t) => invokeTool(t.name, t.description, t.input_schema));
    const choice = toolChoice(params, toolNames);
    if (choice !== undefined) request.tool_choice = choice;
  }
  return { request, toolNames };
}

const SAMPLING_KEYS = ["temperature", "top_p", "top_k", "stop_sequences"] as const;

/** `output_config.format` as the proxy's `response_format`; refused where the proxy cannot honour it. */
function responseFormat(
  params: MessageCreateParams,
  model: ModelInfo,
  tools: boolean,
): Pick<InvokeRequest, "response_format"> {
  const schema = params.output_schema;
  if (schema === undefined) return {};
  if (tools) {
    throw invalidRequest(
      "output_config.format: the proxy cannot combine 'tools' with a JSON output format (it answers 500); send them in separate requests.",
      "output_config.format",
      "unsupported_parameter",
    );
  }
  if (!model.capabilities.structuredOutput) {
    throw invalidRequest(
      `output_config.format: model ${model.id} cannot enforce a JSON schema; use a model with capabilities.structured_output (GET /v1/models).`,
      "output_config.format",
      "unsupported_parameter",
    );
  }
  return { response_format: { type: "json_schema", json_schema: { name: "output", schema } } };
}

export function toInvokeRequest(
  params: MessageCreateParams,
  model: ModelInfo,
  systemPrompt: SystemPromptPlacement,
): TranslatedMessages {
  const { request: conversation, toolNames } = toInvokeConversation(params, model, systemPrompt);
  const { tools, tool_choice, ...rest } = conversation;
  // max_tokens above the model's limit is capped, not refused: Claude Code asks for 64k–128k.
  const maxTokens = Math.min(params.max_tokens, model.maxOutputTokens);
  const sampling = familySampling(params, model);
  const request: InvokeRequest = {
    ...rest,
    max_tokens: maxTokens,
    ...sampling,
    ...(tools === undefined ? {} : { tools }),
    ...(tool_choice === undefined ? {} : { tool_choice }),
    ...responseFormat(params, model, tools !== undefined),
  };
  return {
    request,
    plan: {
      requestedModel: params.model,
      model,
      maxTokens,
      stopSequences: params.stop_sequences ?? [],
      toolNames,
    },
    dropped: SAMPLING_KEYS.filter((k) => params[k] !== undefined && !Object.hasOwn(sampling, k)),
  };
}
