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
  // Credentials already proven right, so the hash runs once per team rather than once per request. It
  // holds only correct pairs (at most one per team) and a Map lookup hashes the whole key before any
  // comparison, so it reveals nothing a wrong guess could use; a wrong pair is always hashed and compared.
  const proven = new Map<string, MockTeamConfig>();
  return {
    authenticate(credentials) {
      if (credentials === undefined) return undefined;
      const key = `${credentials.teamId}\n${credentials.apiToken}`;
      const known = proven.get(key);
      // (the team id check makes the key unambiguous even when a team id or token holds a newline)
      if (known !== undefined && known.team_id === credentials.teamId) return known;
      const entry = byId.get(credentials.teamId);
      const ok = matchesSecret(credentials.apiToken, entry?.token ?? NO_TEAM);
      if (!ok || entry === undefined) return undefined;
      proven.set(key, entry.team);
      return entry.team;
    },
    find: (teamId) => byId.get(teamId)?.team,
    all: () => teams,
  };
}
