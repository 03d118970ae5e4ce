// POST /v1/chat/completions: parse → resolve the model → translate → one upstream call per choice →
// translate back → JSON, or SSE chunks through the SSE writer. Errors before the first byte are normal
// HTTP errors (the one error renderer, via the hot lane); after it, the writer's error frame.
import { parseChatCompletionCreateParams } from "../openai/parse.ts";
import { notFound } from "../shared/errors.ts";
import { quoteUser } from "./log-path.ts";
import { toInvokeRequest } from "../translation/request.ts";
import { toChatCompletion } from "../translation/response.ts";
import { toChunks } from "../translation/stream.ts";
import type { Exchange, HotRoute } from "./exchange.ts";
import { openAIErrorBody } from "./errors.ts";
import { streamEvents, type EventWriter } from "./stream-events.ts";
import { sendJson } from "./send.ts";
import { apiKeyCheck } from "./auth.ts";
import { createSseWriter } from "./sse.ts";
import { invokeAnswers, invokeContextOf, setBedrockHeaders, streamPacing, type FaceDeps } from "./face.ts";
import type { ChatCompletionChunk } from "../openai/types.ts";

/** The chat completions face needs only what every face needs. */
export type ChatDeps = FaceDeps;

/** The text a chunk adds, for stream pacing. */
function chunkText(chunk: ChatCompletionChunk): string {
  const delta = chunk.choices[0]?.delta;
  return (
    (delta?.content ?? "") +
    (delta?.reasoning_content ?? "") +
    (delta?.tool_calls?.[0]?.function.arguments ?? "")
  );
}

/** Chat completion chunks as SSE `data:` frames, ending in `[DONE]` or the OpenAI error frame. */
function chunkWriter(x: Exchange): EventWriter<ChatCompletionChunk> {
  const sse = createSseWriter(x.res);
  return {
    open: () => sse.open(),
    send: (chunk) => sse.send(chunk),
    done: () => sse.done(),
    fail: (error) => sse.fail(openAIErrorBody(error)),
    get closed() {
      return sse.closed;
    },
  };
}

/** POST /v1/chat/completions, served by the hot lane (the /v1 API-key check runs before the body is read). */
export function chatRoute(deps: ChatDeps): HotRoute {
  const { config } = deps;
  const options = {
    systemPrompt: config.translation.system_prompt,
    toolEmulation: config.translation.tool_emulation,
    maxN: config.translation.max_n,
  };
  const pace = streamPacing(deps);

  return {
    paths: ["/v1/chat/completions"],
    authorize: apiKeyCheck(config.server.api_keys),
    async handle(x) {
      const params = parseChatCompletionCreateParams(x.body);
      const model = deps.models.resolve(params.model);
      if (model === undefined) {
        throw notFound(
          `The model ${quoteUser(params.model)} does not exist. GET /v1/models lists the models and aliases served.`,
          "model_not_found",
          "model",
        );
      }
      const { request, plan } = toInvokeRequest(params, model, options);
      // The model always; n and stream when they differ from a plain call.
      x.record.logFields =
        params.n === 1 && !params.stream
          ? { model: model.id }
          : { model: model.id, n: params.n, stream: params.stream };

      // Stop upstream work (and retries) when the client goes away.
      const context = invokeContextOf(x, config);
      const { abort } = context;
      const { res } = x;
      const answers = await invokeAnswers(deps, request, context, params.n, abort);
      const completion = toChatCompletion(answers, plan, {
        id: `chatcmpl-${deps.ids.token(29)}`,
        created: Math.floor(deps.clock.now() / 1000),
      });
      setBedrockHeaders(res, completion.usage.cost, answers[0]?.metadata);
      if (!params.stream) {
        sendJson(res, completion);
        return;
      }
      await streamEvents(
        chunkWriter(x),
        toChunks(completion, { includeUsage: params.stream_options?.include_usage === true }),
        { textOf: chunkText, pace, signal: abort.signal, logger: deps.logger, requestId: x.record.requestId },
      );
    },
  };
}
