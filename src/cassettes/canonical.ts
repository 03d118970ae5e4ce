// The request key: canonical JSON (sorted keys) of the stored request minus the fields ignored for
// matching, hashed with sha256. Also the path-level diff a replay miss shows.
import { hash } from "node:crypto";

/**
 * Ignored for matching even when the user configures nothing. Credentials are never stored anyway
 * (scrub.ts); listing them here too means a hand-written cassette that carries them still matches.
 */
export const BUILT_IN_IGNORED_FIELDS: readonly string[] = ["team_id", "participant_id", "api_token"];

/** Assign an own property even for "__proto__" (hostile bodies must not reach the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with object keys sorted at every depth: key order never changes a key. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedCopy(value));
}

/**
 * A fresh copy with object keys sorted at every depth and undefined members dropped. Objects are
 * null-prototype, so a hostile "__proto__" key is a plain own key (cheaper than defineProperty per key).
 */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value !== null && typeof value === "object") {
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) out[key] = sortedCopy(child);
    }
    return out;
  }
  return value;
}

/** A copy of `value` without the dotted `paths` (`*` matches any key or array index). */
export function withoutPaths(value: unknown, paths: readonly string[]): unknown {
  let out = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  for (const path of paths) out = removePath(out, path.split("."));
  return out;
}

function removePath(value: unknown, segments: readonly string[]): unknown {
  const [head, ...rest] = segments;
  if (head === undefined || value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = head === "*" ? Object.keys(record) : Object.hasOwn(record, head) ? [head] : [];
  for (const key of keys) {
    if (rest.length === 0) {
      if (Array.isArray(record)) record[Number(key)] = null;
      else delete record[key];
    } else {
      record[key] = removePath(record[key], rest);
    }
  }
  return value;
}

export interface MatchRules {
  /** Built-ins plus `recording.ignore_fields`, in that order. */
  ignoredFields: readonly string[];
}

export function matchRules(configured: readonly string[]): MatchRules {
  return { ignoredFields: [...new Set([...BUILT_IN_IGNORED_FIELDS, ...configured])] };
}

/** What the key is computed from: the stored request minus ignored fields. */
export function matchForm(storedRequest: unknown, rules: MatchRules): unknown {
  return withoutPaths(storedRequest, rules.ignoredFields);
}

/**
 * sha256 of the canonical JSON of the match form. One sorted copy, pruned in place: the same bytes as
 * canonicalJson(matchForm(…)) without its two extra deep copies (this runs on every replayed request).
 */
export function requestKey(storedRequest: unknown, rules: MatchRules): string {
  let form = sortedCopy(storedRequest ?? null);
  for (const path of rules.ignoredFields) form = removePath(form, path.split("."));
  return `sha256:${hash("sha256", JSON.stringify(form), "hex")}`;
}

export interface PathDifference {
  path: string;
  /** JSON of the value in the incoming request, undefined when absent there. */
  request: string | undefined;
  /** JSON of the value in the recording, undefined when absent there. */
  recorded: string | undefined;
}

/** Leaf paths (`messages[0].content`) whose values differ between two JSON values. */
export function diffPaths(request: unknown, recorded: unknown): PathDifference[] {
  const a = flatten(request);
  const b = flatten(recorded);
  const out: PathDifference[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const left = a.get(path);
    const right = b.get(path);
    if (left !== right) out.push({ path, request: left, recorded: right });
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

function flatten(value: unknown, path = "", out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, index) => flatten(item, `${path}[${index}]`, out));
  } else if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0
  ) {
    for (const [key, child] of Object.entries(value as Record<string, Json>)) {
      flatten(child, path === "" ? key : `${path}.${key}`, out);
    }
  } else {
    out.set(path === "" ? "(root)" : path, JSON.stringify(value ?? null));
  }
  return out;
}
