// Structured JSON logging (pino). Credentials are kept out by construction: request logs carry only
// named, safe fields (never headers or bodies). The redact list is a second line of defence for any
// object that carries one of these keys by mistake.
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export const REDACTED_LOG_PATHS: readonly string[] = [
  "api_token",
  "*.api_token",
  "apiToken",
  "*.apiToken",
  "authorization",
  "*.authorization",
  "headers.authorization",
  'headers["x-api-token"]',
  'headers["x-api-key"]',
  'headers["x-admin-key"]',
  "credentials",
  "*.credentials",
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
