// The gateway's typed errors as Bedrock Runtime errors (CONTRACT §3d; AWS API reference, "Errors"): a
// JSON body `{"message"}` with `x-amzn-ErrorType` and `x-amzn-RequestId`, which the AWS SDKs turn into
// their exception classes. An exhausted budget is ServiceQuotaExceededException with status 400, as
// Bedrock sends it, so no SDK retries it. Mid-stream, the same errors are event-stream exceptions named
// by the stream union's member (`throttlingException`, …).
import type { ServerResponse } from "node:http";
import type { GatewayError } from "../../shared/errors.ts";
import { sendJson } from "../../http/send.ts";

export interface AwsError {
  /** The exception's shape name, sent as `x-amzn-ErrorType`. */
  name: string;
  status: number;
}

/** By the error's stable code first, then by its status (CONTRACT §3 error table → §3d). */
const BY_CODE: Readonly<Record<string, AwsError>> = {
  insufficient_quota: { name: "ServiceQuotaExceededException", status: 400 },
  rate_limit_exceeded: { name: "ThrottlingException", status: 429 },
  model_not_found: { name: "ValidationException", status: 400 }, // Bedrock: "The provided model identifier is invalid."
  upstream_timeout: { name: "ModelTimeoutException", status: 408 },
  cassette_miss: { name: "ResourceNotFoundException", status: 404 },
  unknown_operation: { name: "UnknownOperationException", status: 404 }, // AWS JSON services, unknown path
};

const BY_STATUS: Readonly<Record<number, AwsError>> = {
  400: { name: "ValidationException", status: 400 },
  401: { name: "AccessDeniedException", status: 403 },
  403: { name: "AccessDeniedException", status: 403 },
  404: { name: "ResourceNotFoundException", status: 404 },
  413: { name: "ValidationException", status: 400 },
  415: { name: "ValidationException", status: 400 },
  429: { name: "ThrottlingException", status: 429 },
};

const INTERNAL: AwsError = { name: "InternalServerException", status: 500 };

export function awsErrorOf(error: GatewayError): AwsError {
  return BY_CODE[error.code] ?? BY_STATUS[error.status] ?? INTERNAL;
}

/**
 * The proxy wraps what Bedrock said as `Bedrock error: An error occurred (<Code>) when calling the
 * InvokeModel operation[ (reached max retries: N)]: <message>`. Here the AWS SDK already names the code
 * and its own operation ("An error occurred (ValidationException) when calling the Converse operation:
 * …"), so the wrapper would be said twice: the face sends Bedrock's own message, as Bedrock does.
 */
const PROXY_WRAPPER =
  /^Bedrock error: An error occurred \([A-Za-z]+\) when calling the \w+ operation(?: \([^)]*\))?: /;

export function awsMessageOf(error: GatewayError): string {
  const inner = error.message.replace(PROXY_WRAPPER, "");
  return inner === "" ? error.message : inner;
}

/** The face's error writer before the first byte (HotRoute.writeError). */
export function writeBedrockError(res: ServerResponse, error: GatewayError): void {
  const aws = awsErrorOf(error);
  res.statusCode = aws.status;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader("x-amzn-ErrorType", aws.name);
  const requestId = res.getHeader("x-request-id");
  if (requestId !== undefined) res.setHeader("x-amzn-RequestId", String(requestId));
  sendJson(res, { message: awsMessageOf(error) });
}

/**
 * The stream union member for an error after the first byte. Both stream outputs (ConverseStreamOutput,
 * ResponseStream) model these; anything else becomes the catch-all the SDKs know, modelStreamErrorException.
 */
const STREAM_MEMBERS: Readonly<Record<string, string>> = {
  ValidationException: "validationException",
  ThrottlingException: "throttlingException",
  InternalServerException: "internalServerException",
  ServiceUnavailableException: "serviceUnavailableException",
  ModelTimeoutException: "modelTimeoutException",
};

export function streamExceptionOf(error: GatewayError, operation: "converse" | "invoke"): string {
  const name = awsErrorOf(error).name;
  // ConverseStreamOutput has no modelTimeoutException member.
  if (name === "ModelTimeoutException" && operation === "converse") return "modelStreamErrorException";
  return STREAM_MEMBERS[name] ?? "modelStreamErrorException";
}
