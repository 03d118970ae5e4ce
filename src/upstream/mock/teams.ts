// Team authentication for the simulator: the configured `mock.teams`, tokens compared in constant time.
import type { MockTeamConfig } from "../../config/types.ts";
import { matchesSecret, secretDigest } from "../../shared/secrets.ts";
import type { Credentials } from "../types.ts";

export interface TeamDirectory {
  /** The team these credentials belong to, or undefined when the team or token is wrong. */
  authenticate(credentials: Credentials | undefined): MockTeamConfig | undefined;
  find(teamId: string): MockTeamConfig | undefined;
  all(): readonly MockTeamConfig[];
}

/** Compared against for unknown teams, so timing does not reveal which team ids exist. */
const NO_TEAM = secretDigest("\0no such team");

export function createTeamDirectory(teams: readonly MockTeamConfig[]): TeamDirectory {
  const byId = new Map(teams.map((t) => [t.team_id, { team: t, token: secretDigest(t.api_token) }]));
  return {
    authenticate(credentials) {
      if (credentials === undefined) return undefined;
      const entry = byId.get(credentials.teamId);
      const ok = matchesSecret(credentials.apiToken, entry?.token ?? NO_TEAM);
      return ok && entry !== undefined ? entry.team : undefined;
    },
    find: (teamId) => byId.get(teamId)?.team,
    all: () => teams,
  };
}
