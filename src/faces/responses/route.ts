// POST /v1/responses (a hot route): parse → the stored conversation it continues → the shared Chat
// Completions translation → one upstream call → a Response, stored unless `store: false` → JSON, or the
// event stream. Errors before the first byte are the OpenAI error body (the lane's default renderer).
import type { HotRoute } from "../../http/exchange.ts";
import {
  invokeAnswer,
  invokeContextOf,
  resolveModel,
  setBedrockHeaders,
  streamOptionsOf,
  type FaceDeps,
} from "../../http/face.ts";
import { sendJson } from "../../http/send.ts";
import { streamEvents } from "../../http/stream-events.ts";
import { GatewayError } from "../../shared/errors.ts";
import { toInvokeRequest, type TranslatedRequest } from "../../translation/request.ts";
import { toChatCompletion } from "../../translation/response.ts";
import type { ChatCompletionCreateParams } from "../../openai/types.ts";
import type { ModelInfo } from "../../models/catalog.ts";
import { conversationOf } from "./conversation.ts";
import { responseEventWriter } from "./events.ts";
import { parseResponseCreateParams } from "./parse.ts";
import { toChatParams } from "./request.ts";
import { pendingResponse, toResponse } from "./response.ts";
import type { ResponseStore } from "./store.ts";
import { eventText, toStreamEvents } from "./stream.ts";

export interface ResponsesDeps extends FaceDeps {
  store: ResponseStore;
}

/** Chat Completions parameter names in the shared translation's 400s → the Responses names. */
const PARAM_NAMES: readonly [RegExp, string][] = [
  [/^messages(\[\d+\].*)?$/, "input"],
  [/^response_format(\..*)?$/, "text.format"],
  [/^max_completion_tokens$/, "max_output_tokens"],
  [/^tools\[(\d+)\]\.function\.(\w+)$/, "tools[$1].$2"],
  [/^tool_choice\.function\.name$/, "tool_choice.name"],
];

function renamed(error: GatewayError): GatewayError {
  const param = error.param;
  const row = param === null ? undefined : PARAM_NAMES.find(([pattern]) => pattern.test(param));
  if (param === null || row === undefined) return error;
  return new GatewayError(error.message.replaceAll("'response_format'", "'text.format'"), {
    status: error.status,
    type: error.type,
    code: error.code,
    param: param.replace(row[0], row[1]),
  });
}

function translate(
  chat: ChatCompletionCreateParams,
  model: ModelInfo,
  deps: ResponsesDeps,
): TranslatedRequest {
  const { translation } = deps.config;
  try {
    return toInvokeRequest(chat, model, {
      systemPrompt: translation.system_prompt,
      toolEmulation: translation.tool_emulation,
      maxN: 1,
    });
  } catch (error) {
    throw error instanceof GatewayError ? renamed(error) : error;
  }
}

export function responsesRoute(deps: ResponsesDeps): HotRoute {
  const { config, store } = deps;
  return {
    paths: ["/v1/responses"],
    face: "responses",
    async handle(x) {
      const params = parseResponseCreateParams(x.body);
      const model = resolveModel(deps.models, params.model);
      const context = invokeContextOf(x, config);
      const team = context.credentials?.teamId ?? "";
      const items = conversationOf(params, store, team);
      const { request, plan } = translate(toChatParams(params, items), model, deps);
      x.record.logFields = params.stream ? { model: model.id, stream: true } : { model: model.id };

      const answer = await invokeAnswer(deps, request, context);
      const completion = toChatCompletion([answer], plan, { id: "", created: 0 });
      const now = Math.floor(deps.clock.now() / 1000);
      const identity = { token: deps.ids.token(32), createdAt: now };
      const response = toResponse(completion, params, identity, now);
      if (params.store) store.put(team, { response, input: items });
      setBedrockHeaders(x.res, completion.usage.cost, answer.metadata);
      if (!params.stream) {
        sendJson(x.res, response);
        return;
      }
      await streamEvents(
        responseEventWriter(x, pendingResponse(params, identity)),
        toStreamEvents(response),
        streamOptionsOf(x, context, deps, eventText),
      );
    },
  };
}
