// Where a request's proxy credentials come from (PROXY.md "Request"): the body (`team_id` or
// `participant_id`, `api_token`) or the headers (`X-Team-ID`, `X-API-Token`, also `x-api-key` and
// `Authorization: Bearer` for the token). Header names are case-insensitive.
import { jsonResponse } from "./result.ts";
import type { Credentials, UpstreamResponse } from "./types.ts";

/** The proxy's answer to missing or wrong credentials (PROXY.md fixes this text; no real body was captured). */
export function unauthorizedReply(message = "Unauthorized: invalid team_id or api_token"): UpstreamResponse {
  return jsonResponse(401, { error: message });
}

/** What to set for the real proxy, said alike at startup and in the 401 of a request that has none. */
export const CREDENTIALS_HINT =
  "set BEDROCK_TEAM_ID and BEDROCK_API_TOKEN (or upstream.team_id / upstream.api_token in config.yaml) " +
  "before starting the gateway, or send X-Team-ID and X-API-Token headers (on /v1 also the API key TEAM_ID:API_TOKEN)";

/** The live client's answer to a request with no credentials at all: it never reaches the proxy. */
export function noCredentialsReply(): UpstreamResponse {
  return unauthorizedReply(`Unauthorized: no team credentials for the real proxy; ${CREDENTIALS_HINT}.`);
}

/** Lower-cased header lookup over Node's incoming headers. */
export type HeaderGetter = (name: string) => string | undefined;

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1] === undefined ? undefined : nonEmpty(match[1]);
}

/** The token from the headers, in the order real clients send it. */
export function tokenFromHeaders(header: HeaderGetter): string | undefined {
  return nonEmpty(header("x-api-token")) ?? nonEmpty(header("x-api-key")) ?? bearer(header("authorization"));
}

/**
 * Credentials as the proxy reads them: body fields first, headers second. Returns what was found even
 * when incomplete (`teamId` or `apiToken` may be empty) so the caller can answer 401 precisely.
 */
export function proxyCredentials(
  body: Record<string, unknown>,
  header: HeaderGetter,
): Credentials | undefined {
  const bodyTeam = nonEmpty(body.team_id);
  const participant = nonEmpty(body.participant_id);
  const teamId = bodyTeam ?? participant ?? nonEmpty(header("x-team-id"));
  const apiToken = nonEmpty(body.api_token) ?? tokenFromHeaders(header);
  if (teamId === undefined || apiToken === undefined) return undefined;
  return {
    teamId,
    apiToken,
    teamField: bodyTeam === undefined && participant !== undefined ? "participant_id" : "team_id",
  };
}

/** Remove credential fields from an invoke body so nothing downstream can store or log them. */
export function stripCredentials(body: Record<string, unknown>): Record<string, unknown> {
  const { team_id: _t, participant_id: _p, api_token: _a, ...rest } = body;
  return rest;
}
