// What /quota needs from whatever keeps the teams' ledgers (the simulator in mock mode): authenticate
// a caller and read its `remaining_quota`. An interface, so http/ never imports an implementation.
import type { Credentials, RemainingQuota } from "./types.ts";

export interface QuotaService {
  /** The team these credentials belong to (token compared in constant time), or undefined. */
  authenticate(credentials: Credentials | undefined): string | undefined;
  /** The team's 8-key `remaining_quota` now (daily counters rolled over at UTC midnight). */
  quota(teamId: string): RemainingQuota;
}
