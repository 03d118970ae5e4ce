// What /quota needs from whatever knows the teams' quotas — the simulator's ledger in mock mode, the
// last answers seen from the real proxy otherwise (quota-memory.ts): authenticate a caller and read its
// `remaining_quota`. An interface, so http/ never imports an implementation.
import type { Credentials, RemainingQuota } from "./types.ts";

export interface QuotaService {
  /** The team these credentials belong to (token compared in constant time), or undefined. */
  authenticate(credentials: Credentials | undefined): string | undefined;
  /** The team's 8-key `remaining_quota` now, or undefined when it is not known (yet). */
  quota(teamId: string): RemainingQuota | undefined;
  /** Why a quota can be unknown, for the 404 message (the real proxy has no quota endpoint). */
  readonly unknownReason?: string;
}
