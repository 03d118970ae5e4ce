// Which team a request on /v1, /quota or /gpu acts for (CONTRACT §3 "Credentials"): X-Team-ID and
// X-API-Token headers; else a bearer key (or, from Anthropic clients, an `x-api-key`) of the form
// TEAM_ID:API_TOKEN; else the configured upstream credentials; else, where no real credentials are
// needed (the simulator, or replay, which never calls out), the first simulated team. So any OpenAI or
// Anthropic SDK with any key works offline. AWS SDKs sign with SigV4 (CONTRACT §3d): the signature is not
// verified; where the simulator answers (or replay), an access key id naming a simulated team picks that
// team, and any other key falls through to the same defaults.
import type { IncomingMessage } from "node:http";
import { simulatorAnswers, type Config } from "../config/types.ts";
import { tokenFromHeaders } from "../upstream/credentials.ts";
import type { Credentials } from "../upstream/types.ts";
import { headerOf } from "./exchange.ts";

/** A key of the form TEAM_ID:API_TOKEN in a header, or undefined. */
function teamKeyIn(value: string | undefined, form: RegExp): Credentials | undefined {
  const match = form.exec(value?.trim() ?? "");
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { teamId: match[1], apiToken: match[2], teamField: "team_id" };
}

export function resolveCredentials(req: IncomingMessage, config: Readonly<Config>): Credentials | undefined {
  const header = (name: string): string | undefined => headerOf(req, name);
  const teamHeader = header("x-team-id")?.trim();
  const tokenHeader = header("x-api-token")?.trim();
  if (teamHeader && tokenHeader) return { teamId: teamHeader, apiToken: tokenHeader, teamField: "team_id" };

  // OpenAI clients send their key as a bearer token, Anthropic's as `x-api-key` (or a bearer auth token).
  const teamKey =
    teamKeyIn(header("authorization"), /^Bearer\s+([^:\s]+):(\S+)$/i) ??
    teamKeyIn(header("x-api-key"), /^([^:\s]+):(\S+)$/);
  if (teamKey !== undefined) return teamKey;
  if (teamHeader) {
    const token = tokenFromHeaders(header);
    if (token !== undefined && !token.includes(":"))
      return { teamId: teamHeader, apiToken: token, teamField: "team_id" };
  }

  const simulated = simulatorAnswers(config) || config.mode === "replay";
  if (simulated) {
    const keyId = sigV4AccessKeyId(header("authorization"));
    const team = keyId === undefined ? undefined : config.mock.teams.find((t) => t.team_id === keyId);
    if (team !== undefined) return { teamId: team.team_id, apiToken: team.api_token, teamField: "team_id" };
  }

  const { team_id: teamId, api_token: apiToken } = config.upstream;
  if (teamId && apiToken) return { teamId, apiToken, teamField: "team_id" };

  const firstTeam = config.mock.teams[0];
  if (firstTeam !== undefined && simulated) {
    return { teamId: firstTeam.team_id, apiToken: firstTeam.api_token, teamField: "team_id" };
  }
  return undefined;
}

/** The access key id of a SigV4 `Authorization` header (`AWS4-HMAC-SHA256 Credential=AKID/date/…`). */
export function sigV4AccessKeyId(authorization: string | undefined): string | undefined {
  return /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\//.exec(authorization?.trim() ?? "")?.[1];
}
