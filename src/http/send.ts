// Answers on the hot paths without Express's res.json()/res.send() bookkeeping: no content-type
// re-parsing and charset rewriting, no freshness check (the gateway sets no ETag or Last-Modified, so a
// conditional request is never fresh). Node adds Content-Length for a body given to end() and drops
// the body of HEAD requests itself; 204/304 never carry one.
import type { ServerResponse } from "node:http";

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** End the response with `body` (text, UTF-8) and the status already set on `res`. */
export function endWith(res: ServerResponse, body: string): void {
  if (res.statusCode === 204 || res.statusCode === 304) {
    res.end();
    return;
  }
  res.end(body, "utf8");
}

/** `res.json(value)`, the same headers and bytes, cheaper. */
export function sendJson(res: ServerResponse, value: unknown): void {
  res.setHeader("Content-Type", JSON_CONTENT_TYPE);
  endWith(res, JSON.stringify(value));
}
