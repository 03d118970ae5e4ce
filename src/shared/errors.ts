// Every error the gateway answers with knows its HTTP status, OpenAI error `type` and a stable `code`.
// One middleware renders them (http/errors.ts); anything that is not a GatewayError becomes a generic
// 500 whose detail goes to the log only.

/** OpenAI error `type` values the gateway uses (CONTRACT §3 error table). */
export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "insufficient_quota"
  | "rate_limit_error"
  | "api_error";

export interface GatewayErrorOptions {
  status: number;
  type: OpenAIErrorType;
  code: string;
  param?: string | null;
  /** Value of the `x-should-retry` header; SDKs honour it over their status-based default. */
  shouldRetry?: boolean;
  /** Extra fields merged into the `error` object (e.g. a cassette-miss diff). */
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly shouldRetry: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GatewayError";
    this.status = options.status;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param ?? null;
    this.shouldRetry = options.shouldRetry ?? false;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export function invalidRequest(
  message: string,
  param: string | null = null,
  code = "invalid_value",
): GatewayError {
  return new GatewayError(message, { status: 400, type: "invalid_request_error", code, param });
}

export function notFound(message: string, code = "not_found", param: string | null = null): GatewayError {
  return new GatewayError(message, { status: 404, type: "invalid_request_error", code, param });
}

export function unauthorized(message: string): GatewayError {
  return new GatewayError(message, { status: 401, type: "authentication_error", code: "invalid_api_key" });
}

export function forbidden(message: string, code = "forbidden"): GatewayError {
  return new GatewayError(message, { status: 403, type: "permission_error", code });
}

export function internalError(cause?: unknown): GatewayError {
  return new GatewayError("The gateway hit an unexpected error. See its log for details.", {
    status: 500,
    type: "api_error",
    code: "internal_error",
    cause,
  });
}
