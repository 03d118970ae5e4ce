// Responses to and from their stored form. A JSON body is stored as YAML structure only when that is
// lossless: JSON.stringify of the parsed body must give back the exact bytes (so `1e-05`, spacing or
// duplicate keys force text) and the structure must survive YAML. Otherwise the body is stored as text
// (a block scalar when multi-line). Either way replay returns the recorded bytes, the caller's team
// id filled back in.
import type { UpstreamResponse } from "../upstream/types.ts";
import { looksJson, yamlRoundTrips, type StoredResponse } from "./format.ts";
import { fillTeam, fillTeamInText, type Scrubber } from "./scrub.ts";

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
  const parsed = parsedExactly(response.body);
  if (parsed !== undefined) {
    const json = scrubber.value(parsed.value);
    if (yamlRoundTrips(json)) return { status: response.status, headers, json };
  }
  return { status: response.status, headers, text: scrubber.text(response.body, looksJson(response.body)) };
}

export function decodeResponse(stored: StoredResponse, teamId: string): UpstreamResponse {
  const body =
    stored.json !== undefined
      ? JSON.stringify(fillTeam(stored.json, teamId))
      : fillTeamInText(stored.text ?? "", teamId, looksJson(stored.text ?? ""));
  return { status: stored.status, headers: { ...stored.headers }, body };
}
