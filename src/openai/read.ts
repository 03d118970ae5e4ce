// Small typed readers for hostile JSON: each either returns a typed value or throws a 400 naming the
// exact `param` path (e.g. `messages[2].content`), in OpenAI's wording.
import { invalidRequest } from "../shared/errors.ts";

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function invalidType(param: string, expected: string, value: unknown): Error {
  return invalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${describe(value)}.`,
    param,
    "invalid_type",
  );
}

export function missing(param: string): Error {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
}

export function readRecord(value: unknown, param: string): Json {
  if (!isRecord(value)) throw invalidType(param, "an object", value);
  return value;
}

export function readString(value: unknown, param: string): string {
  if (value === undefined) throw missing(param);
  if (typeof value !== "string") throw invalidType(param, "a string", value);
  return value;
}

export function optionalString(value: unknown, param: string): string | undefined {
  return value === undefined || value === null ? undefined : readString(value, param);
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidType(param, "a boolean", value);
  return value;
}

export function optionalNumber(value: unknown, param: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalidType(param, "a number", value);
  if (value < min || value > max) {
    throw invalidRequest(
      `Invalid '${param}': ${value} is out of range; expected a value from ${min} to ${max}.`,
      param,
      "invalid_value",
    );
  }
  return value;
}

export function optionalInteger(value: unknown, param: string, min: number, max: number): number | undefined {
  const n = optionalNumber(value, param, min, max);
  if (n !== undefined && !Number.isInteger(n)) throw invalidType(param, "an integer", value);
  return n;
}

export function readArray(value: unknown, param: string): unknown[] {
  if (value === undefined) throw missing(param);
  if (!Array.isArray(value)) throw invalidType(param, "an array", value);
  return value;
}

export function oneOf<T extends string>(value: unknown, param: string, allowed: readonly T[]): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  if (value === undefined) throw missing(param);
  throw invalidRequest(
    `Invalid value for '${param}': ${JSON.stringify(value)}. Supported values are: ${allowed.map((a) => `'${a}'`).join(", ")}.`,
    param,
    "invalid_value",
  );
}
