// Structured JSON logging (pino). Credentials are kept out by construction: request logs carry only
// named, safe fields (never headers or bodies). The redact list is a second line of defence for a log
// call that passes one of these keys (or a `headers` object) by mistake. It names top-level paths only:
// wildcard paths (`*.api_token`) made pino walk every logged object and cost ~9 µs per line — more than
// writing the line — on every request.
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export const REDACTED_LOG_PATHS: readonly string[] = [
  "api_token",
  "apiToken",
  "authorization",
  "headers.authorization",
  'headers["x-api-token"]',
  'headers["x-api-key"]',
  'headers["x-admin-key"]',
  "credentials",
  // An error logged as `err` whose own properties carry one of these (pino serialises own properties).
  "err.api_token",
  "err.apiToken",
  "err.authorization",
  "err.credentials",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: null,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: "[REDACTED]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
