// Human-readable log lines for a terminal (`bpg serve` with stdout a TTY): the same pino records, one
// short line each — `06:33:20 INFO  POST /v1/chat/completions 200 61ms model=… req_9fcf…`. Anything
// else (a pipe, a file, a log collector) keeps pino's JSON. Formatting here rather than pino-pretty: one
// small synchronous function, no worker thread, no dependency.
import type { DestinationStream } from "pino";

const LEVELS: Record<number, [string, string]> = {
  10: ["TRACE", "\u001b[90m"],
  20: ["DEBUG", "\u001b[90m"],
  30: ["INFO ", "\u001b[32m"],
  40: ["WARN ", "\u001b[33m"],
  50: ["ERROR", "\u001b[31m"],
  60: ["FATAL", "\u001b[31m"],
};
const RESET = "\u001b[0m";
/** Shown in the line itself, not as key=value. */
const SHAPED = new Set(["level", "time", "msg", "method", "path", "status", "ms", "requestId"]);

function value(v: unknown): string {
  if (typeof v === "string") return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One JSON log record as a terminal line (without the newline); a line that is not JSON is kept. */
export function prettyLine(json: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const [name, tint] = LEVELS[Number(record.level)] ?? ["LOG  ", ""];
  const time = typeof record.time === "string" ? record.time.slice(11, 19) : "";
  const parts = [time, color ? `${tint}${name}${RESET}` : name];
  if (record.msg === "request" && typeof record.path === "string") {
    parts.push(`${String(record.method)} ${record.path} ${String(record.status)} ${String(record.ms)}ms`);
  } else if (typeof record.msg === "string") {
    parts.push(record.msg);
  }
  for (const [k, v] of Object.entries(record)) {
    if (!SHAPED.has(k) && v !== undefined) parts.push(`${k}=${value(v)}`);
  }
  if (typeof record.requestId === "string") parts.push(record.requestId);
  return parts.filter((p) => p !== "").join(" ");
}

/** A pino destination writing pretty lines to `out` (a TTY), coloured when `color`. */
export function prettyDestination(out: { write(text: string): unknown }, color = true): DestinationStream {
  return {
    write(chunk: string): void {
      for (const line of chunk.split("\n")) if (line !== "") out.write(`${prettyLine(line, color)}\n`);
    },
  };
}
