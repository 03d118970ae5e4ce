// JSON body parsing for every POST: any content type is read as JSON, because `curl -d` sends
// application/x-www-form-urlencoded by default and users should not have to know that.
import express, { type RequestHandler } from "express";

export function jsonBody(limitBytes: number): RequestHandler {
  return express.json({ limit: limitBytes, strict: false, type: () => true });
}
