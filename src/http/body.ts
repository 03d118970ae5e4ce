// JSON body parsing for every POST: any content type is read as JSON, because `curl -d` sends
// application/x-www-form-urlencoded by default and users should not have to know that. Bodies nested
// deeper than MAX_JSON_DEPTH are refused here, once for every surface, because later recursive work
// (validation, hashing, JSON.stringify) would otherwise overflow the stack on a hostile body.
//
// Plain bodies (no Content-Encoding, UTF-8) — what every SDK sends — are read here directly; compressed
// bodies and declared charsets go through body-parser, which knows them all. Both give the same errors.
import type { IncomingMessage, ServerResponse } from "node:http";
import { StringDecoder } from "node:string_decoder";
import express from "express";
import { invalidRequest } from "../shared/errors.ts";

/** Far deeper than any real request (30 levels of nested JSON Schema fit easily), far below the stack. */
export const MAX_JSON_DEPTH = 128;

/** True when `value` nests objects/arrays deeper than `limit`; iterative, so it cannot overflow itself. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== "object") continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * True when `text` holds at most `limit` opening brackets: JSON nests no deeper than that, so the walk
 * can be skipped (brackets inside strings count too, which only makes the answer more cautious).
 */
function fewBrackets(text: string, limit: number): boolean {
  let n = 0;
  for (let i = text.indexOf("{"); i !== -1; i = text.indexOf("{", i + 1)) if (++n > limit) return false;
  for (let i = text.indexOf("["); i !== -1; i = text.indexOf("[", i + 1)) if (++n > limit) return false;
  return true;
}

/** An error shaped like body-parser's (http-errors), so one mapping (toGatewayError) renders both. */
function bodyError(status: number, type: string, message: string, extra: object = {}): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type, ...extra });
}

/** Whether a request carries a body at all (type-is's hasBody, as body-parser decides it). */
function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers["transfer-encoding"] !== undefined || !Number.isNaN(Number(req.headers["content-length"]))
  );
}

/** No Content-Encoding and no declared charset: bytes are UTF-8 JSON as they arrive. */
function isPlain(req: IncomingMessage): boolean {
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") return false;
  return !/charset/i.test(req.headers["content-type"] ?? "");
}

/** Read and parse a plain body, refusing it as soon as it passes `limit` bytes or nests too deep. */
function readPlain(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > limit) {
      req.resume(); // let the connection be reused once the 413 is out
      reject(bodyError(413, "entity.too.large", "request entity too large", { limit, length: declared }));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("aborted", onAborted);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        cleanup();
        req.resume();
        reject(bodyError(413, "entity.too.large", "request entity too large", { limit, received }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const text = chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : decodeChunks(chunks);
      if (text.length === 0) return resolve({}); // as body-parser: an empty JSON body is {}
      let value: unknown;
      try {
        value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch (error) {
        reject(bodyError(400, "entity.parse.failed", (error as Error).message));
        return;
      }
      try {
        resolve(fewBrackets(text, MAX_JSON_DEPTH) ? value : refuseDeepNesting(value));
      } catch (error) {
        reject(error as Error);
      }
    };
    const onAborted = (): void => {
      cleanup();
      reject(bodyError(400, "request.aborted", "request aborted"));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(req.destroyed ? bodyError(400, "request.aborted", "request aborted") : error);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("aborted", onAborted);
    req.on("error", onError);
  });
}

/**
 * Chunks decoded one by one into one string (a rope JSON.parse reads once), not first concatenated:
 * a 1.5 MB body as one buffer outside the JS heap left the allocator's high-water mark (RSS) behind.
 * The decoder carries a character split across two chunks.
 */
function decodeChunks(chunks: readonly Buffer[]): string {
  const decoder = new StringDecoder("utf8");
  let text = "";
  for (const chunk of chunks) text += decoder.write(chunk);
  return text + decoder.end();
}

function refuseDeepNesting(body: unknown): unknown {
  if (nestedDeeperThan(body, MAX_JSON_DEPTH)) {
    throw invalidRequest(
      `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
      null,
      "invalid_json",
    );
  }
  return body;
}

/**
 * readJsonBody(limitBytes) → (req, res) => the parsed body (undefined when the request has none).
 * Rejects with a body-parser-shaped error (too large, bad JSON, bad encoding, aborted) or a
 * GatewayError (nested too deep).
 */
export function jsonBodyReader(
  limitBytes: number,
): (req: IncomingMessage, res: ServerResponse) => Promise<unknown> {
  const parseWithBodyParser = express.json({ limit: limitBytes, strict: false, type: () => true });
  return async function readJsonBody(req, res) {
    if (!hasBody(req)) return undefined;
    if (isPlain(req)) return readPlain(req, limitBytes);
    const holder = req as IncomingMessage & { body?: unknown };
    await new Promise<void>((resolve, reject) => {
      parseWithBodyParser(holder as never, res as never, (error?: unknown) =>
        error === undefined || error === null ? resolve() : reject(error as Error),
      );
    });
    return refuseDeepNesting(holder.body);
  };
}

export type JsonBodyReader = ReturnType<typeof jsonBodyReader>;
