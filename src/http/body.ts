// JSON body parsing for every POST: any content type is read as JSON, because `curl -d` sends
// application/x-www-form-urlencoded by default and users should not have to know that. Bodies nested
// deeper than MAX_JSON_DEPTH are refused here, once for every surface, because later recursive work
// (validation, hashing, JSON.stringify) would otherwise overflow the stack on a hostile body.
import express, { type RequestHandler } from "express";
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

export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: false, type: () => true });
  return function parseJsonBody(req, res, next) {
    parse(req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) return next(error);
      if (nestedDeeperThan(req.body, MAX_JSON_DEPTH)) {
        return next(
          invalidRequest(
            `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
            null,
            "invalid_json",
          ),
        );
      }
      next();
    });
  };
}
