// Team authentication for the simulator: the configured `mock.teams`, tokens compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MockTeamConfig } from "../../config/types.ts";
import type { Credentials } from "../types.ts";

function digest(value: string): Buffer {
  // Hash first so tokens of different lengths still compare in constant time.
  return createHash("sha256").update(value).digest();
}

export interface TeamDirectory {
  /** The team these credentials belong to, or undefined when the team or token is wrong. */
  authenticate(credentials: Credentials | undefined): MockTeamConfig | undefined;
  find(teamId: string): MockTeamConfig | undefined;
  all(): readonly MockTeamConfig[];
}

export function createTeamDirectory(teams: readonly MockTeamConfig[]): TeamDirectory {
  const byId = new Map(teams.map((t) => [t.team_id, { team: t, token: digest(t.api_token) }]));
  // The digest of the token presented last, per team: a client sends the same token on every request,
  // so the hash is computed once. The comparison below still runs, in constant time, on every request.
  const lastPresented = new Map<string, { token: string; digest: Buffer }>();
  function presentedDigest(teamId: string, token: string): Buffer {
    const cached = byId.has(teamId) ? lastPresented.get(teamId) : undefined;
    if (cached !== undefined && cached.token === token) return cached.digest;
    const fresh = digest(token);
    // Only configured teams are cached, so hostile team ids cannot grow the map.
    if (byId.has(teamId)) lastPresented.set(teamId, { token, digest: fresh });
    return fresh;
  }
  return {
    authenticate(credentials) {
      if (credentials === undefined) return undefined;
      const entry = byId.get(credentials.teamId);
      const presented = presentedDigest(credentials.teamId, credentials.apiToken);
      // Compare even for unknown teams so timing does not reveal which team ids exist.
      const ok = timingSafeEqual(presented, entry?.token ?? digest(`\0${credentials.apiToken}`));
      return ok && entry !== undefined ? entry.team : undefined;
    },
    find: (teamId) => byId.get(teamId)?.team,
    all: () => teams,
  };
}
