// Responses to and from their stored form. A JSON body is stored as YAML structure only when that is
// lossless: JSON.stringify of the parsed body must give back the exact bytes (so `1e-05`, spacing or
// duplicate keys force text) and the structure must survive YAML. Otherwise the body is stored as text
// (a block scalar when multi-line). Either way replay returns the recorded bytes, the caller's team
// id filled back in.
import { upstreamResponse } from "../upstream/result.ts";
import type { UpstreamResponse } from "../upstream/types.ts";
import { looksJson, yamlRoundTrips, type StoredResponse } from "./format.ts";
import { setOwn } from "./canonical.ts";
import { TEAM_PLACEHOLDER, fillTeam, fillTeamInText, type Scrubber } from "./scrub.ts";

function parsedExactly(body: string): { value: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return JSON.stringify(value) === body ? { value } : undefined;
  } catch {
    return undefined;
  }
}

export function encodeResponse(response: UpstreamResponse, scrubber: Scrubber): StoredResponse {
  const headers = scrubber.headers(response.headers);
  const body = response.text();
  const parsed = parsedExactly(body);
  if (parsed !== undefined) {
    const json = scrubber.value(parsed.value);
    if (yamlRoundTrips(json)) return { status: response.status, headers, json };
  }
  return { status: response.status, headers, text: scrubber.text(body, looksJson(body)) };
}

/** A stored JSON body serialised once, and whether the placeholder sits in any object key. */
interface Serialised {
  text: string;
  placeholderInKey: boolean;
}
const serialised = new WeakMap<object, Serialised>();

function placeholderInKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(placeholderInKey);
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(
    ([key, child]) => key.includes(TEAM_PLACEHOLDER) || placeholderInKey(child),
  );
}

/**
 * JSON.stringify(fillTeam(json, teamId)) without a deep copy per replayed request: the entry is
 * serialised once and the placeholder filled in the text. Equivalent because JSON escapes never contain
 * "<", so each placeholder in the text is one inside a string value — unless a key holds it (then fillTeam
 * must leave it alone, so the slow path runs).
 */
function jsonBody(json: unknown, teamId: string): string {
  if (json === null || typeof json !== "object") return JSON.stringify(fillTeam(json, teamId));
  let cached = serialised.get(json);
  if (cached === undefined) {
    cached = { text: JSON.stringify(json), placeholderInKey: placeholderInKey(json) };
    serialised.set(json, cached);
  }
  if (cached.placeholderInKey) return JSON.stringify(fillTeam(json, teamId));
  return fillTeamInText(cached.text, teamId, true);
}

/** A copy of a string that holds nothing of a larger one it may be a slice of (a parsed document). */
function detached(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * The stored response in the least memory that decodes to exactly the same answers, for a store to keep
 * while an entry is replayed again and again: a JSON body as its serialised text (decodeResponse fills
 * the team id into that text either way — unless the placeholder is in an object key, where the
 * structure stays), and every string detached from the document it was parsed from.
 */
export function compactResponse(stored: StoredResponse): StoredResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored.headers))
    setOwn(headers, detached(name), detached(value));
  const compact: StoredResponse = { status: stored.status, headers };
  const { json } = stored;
  if (json === undefined) compact.text = detached(stored.text ?? "");
  else if (json !== null && typeof json === "object" && placeholderInKey(json)) compact.json = json;
  else compact.text = JSON.stringify(json);
  return compact;
}

export function decodeResponse(stored: StoredResponse, teamId: string): UpstreamResponse {
  const body =
    stored.json !== undefined
      ? jsonBody(stored.json, teamId)
      : fillTeamInText(stored.text ?? "", teamId, looksJson(stored.text ?? ""));
  return upstreamResponse(stored.status, stored.headers, body);
}
