// The one error middleware (STYLE.md #1): typed GatewayErrors render as OpenAI error bodies on the
// OpenAI surface and as the proxy's own shapes on /prod/invoke; anything unknown becomes a generic 500
// whose detail goes to the log only.
import type { ServerResponse } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { GatewayError, internalError, invalidRequest, notFound } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { OpenAIErrorBody } from "../openai/types.ts";
import { sendJson } from "./send.ts";
import { pathRedactor } from "./log-path.ts";

/** The proxy-compatible surface answers errors the way the real proxy does (PROXY.md "Errors"). */
export function isProxySurface(path: string): boolean {
  return path === "/prod/invoke" || path === "/invoke";
}

/** The OpenAI error body (`ErrorResponse` in the OpenAI spec). */
export function openAIErrorBody(error: GatewayError): OpenAIErrorBody {
  return {
    error: {
      message: error.message,
      type: error.type,
      param: error.param,
      code: error.code,
      ...error.details,
    },
  };
}

/** The real proxy's error shapes: API-gateway errors use `message`, the Lambda uses `error`. */
function proxyErrorBody(error: GatewayError): Record<string, unknown> {
  // The API gateway in front of the real proxy answers an oversized body with exactly this text.
  if (error.status === 413) return { message: "Request Entity Too Large" };
  if (error.status === 504 || error.status === 502) return { message: error.message };
  return { error: error.message, message: error.message };
}

function isClientFrameworkError(error: { status?: unknown; expose?: unknown } | null): boolean {
  const status = error?.status;
  return error?.expose === true && typeof status === "number" && status >= 400 && status < 500;
}

/** Body-parser and other framework errors become typed errors with a useful message. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const framework = error as { type?: unknown; status?: unknown; limit?: unknown; expose?: unknown } | null;
  switch (framework?.type) {
    case "entity.too.large":
      return new GatewayError(
        `Request body is larger than the ${String(framework.limit)}-byte limit (server.body_limit_bytes).`,
        {
          status: 413,
          type: "invalid_request_error",
          code: "request_too_large",
        },
      );
    case "entity.parse.failed":
      return invalidRequest(
        "We could not parse the JSON body of your request. The body must be valid JSON.",
        null,
        "invalid_json",
      );
    case "encoding.unsupported":
    case "charset.unsupported":
      return new GatewayError("The request body's encoding or charset is not supported.", {
        status: 415,
        type: "invalid_request_error",
        code: "unsupported_media_type",
      });
    case "request.aborted":
      return invalidRequest("The request body was not received completely.", null, "request_aborted");
    default:
      // Any other client-caused framework error (e.g. a corrupt gzip body) is the caller's 400.
      if (isClientFrameworkError(framework)) {
        return invalidRequest(
          "The request body could not be read (bad content encoding or framing).",
          null,
          "invalid_body",
        );
      }
      return internalError(error);
  }
}

/** Answer `error` on `res`: the OpenAI error body, or the proxy's own shapes on its surface. */
export function writeError(res: ServerResponse, path: string, error: GatewayError): void {
  res.statusCode = error.status;
  res.setHeader("x-should-retry", String(error.shouldRetry));
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  const proxy = isProxySurface(path);
  // The real proxy's API gateway sends CORS headers on every answer, refusals included.
  if (proxy) res.setHeader("Access-Control-Allow-Origin", "*");
  sendJson(res, proxy ? proxyErrorBody(error) : openAIErrorBody(error));
}

/**
 * Everything that happens to a request that failed: map it to a typed error, log the unexpected ones,
 * note the code for the access log, and answer — or, when a stream already started (the SSE writer
 * owns the mid-stream error frame), just end.
 */
export function failRequest(
  logger: Logger,
  res: ServerResponse,
  path: string,
  record: { requestId?: string; errorCode?: string },
  rawError: unknown,
  write: (res: ServerResponse, error: GatewayError) => void = (r, e) => writeError(r, path, e),
): GatewayError {
  const error = toGatewayError(rawError);
  if (error.status >= 500 && error.code === "internal_error") {
    logger.error({ err: error.cause ?? rawError, requestId: record.requestId }, "unexpected error");
  }
  record.errorCode = error.code;
  if (res.headersSent) res.end();
  else write(res, error);
  return error;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return function renderError(rawError, req, res, _next) {
    failRequest(logger, res, req.path, res.locals, rawError);
  };
}

/** OpenAI APIs clients reach for that the gateway does not serve, and what it serves instead. */
const OTHER_OPENAI_APIS: readonly [RegExp, string][] = [
  [
    /^\/v1\/(completions|embeddings|images|audio|moderations|files|batches|assistants|threads)(\/|$)/,
    "On /v1 the gateway serves POST /v1/chat/completions, POST /v1/responses (GET and DELETE " +
      "/v1/responses/{id} for stored ones), POST /v1/messages (Anthropic) and GET /v1/models; " +
      "the proxy has no embedding, completion, image or audio models.",
  ],
  [
    /^\/v1\/conversations(\/|$)/,
    "The Conversations API is not served: continue a conversation with previous_response_id (POST " +
      "/v1/responses stores responses by default), or send the history in 'input' (the OpenAI Agents " +
      "SDK: previousResponseId, or a session other than OpenAIConversationsSession).",
  ],
  [
    /^\/(gpu|admin)(\/|$)/,
    "GPU notebooks (/gpu) and /admin are served only when the simulator is the upstream (mode mock, or " +
      "record/replay/auto with upstream.kind mock), except /admin/requests and /admin/cassettes/unused; " +
      "the README lists their routes.",
  ],
];

/** The 404 quotes the path back: never a credential pasted into it, never a megabyte of it. */
const redactPath = pathRedactor([]);

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  const hint = OTHER_OPENAI_APIS.find(([pattern]) => pattern.test(req.path))?.[1];
  next(
    notFound(
      `Unknown route: ${req.method} ${redactPath(req.path)}. ${hint ?? "See GET /healthz and the README for the routes served."}`,
      "unknown_route",
    ),
  );
};
