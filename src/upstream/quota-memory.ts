// withQuotaMemory(inner): /quota where no simulator keeps a ledger (live, and record/replay/auto on the
// real proxy). The real proxy has no quota endpoint, but every answer carries the team's
// `remaining_quota`; this decorator remembers the latest answer per team and reads the quota from it
// only when asked, so the hot path pays one cache set. A caller must present the same token the remembered
// answer was obtained with — a team id alone never reveals a quota.
import { LRUCache } from "lru-cache";
import { matchesSecret, secretDigest } from "../shared/secrets.ts";
import type { QuotaService } from "./quota.ts";
import type {
  Credentials,
  InvokeContext,
  InvokeRequest,
  RemainingQuota,
  UpstreamClient,
  UpstreamResponse,
} from "./types.ts";

interface Seen {
  apiToken: string;
  response: UpstreamResponse;
}

/** Remembered teams at most; the oldest is forgotten first. */
const MAX_TEAMS = 1_000;

/** The quota an answer (metadata.remaining_quota) or a budget refusal (result.ts reads it) carries. */
function quotaIn(response: UpstreamResponse): RemainingQuota | undefined {
  const quota: unknown = response.ok ? response.answer.metadata.remaining_quota : response.quota;
  return quota !== null && typeof quota === "object" ? (quota as RemainingQuota) : undefined;
}

export function withQuotaMemory(inner: UpstreamClient): UpstreamClient & QuotaService {
  const seen = new LRUCache<string, Seen>({ max: MAX_TEAMS });

  function remember(credentials: Credentials | undefined, response: UpstreamResponse): void {
    // Successful answers and budget refusals (429) carry the quota; nothing else does.
    if (credentials === undefined || (response.status !== 200 && response.status !== 429)) return;
    seen.set(credentials.teamId, { apiToken: credentials.apiToken, response });
  }

  return {
    async invoke(request: InvokeRequest, context: InvokeContext): Promise<UpstreamResponse> {
      const response = await inner.invoke(request, context);
      remember(context.credentials, response);
      return response;
    },
    close: () => inner.close(),
    unknownReason:
      "No quota is known for this team yet: the real proxy reports it only with answers, so make one call first.",
    authenticate(credentials) {
      if (credentials === undefined) return undefined;
      const entry = seen.get(credentials.teamId);
      if (entry === undefined) return credentials.teamId; // nothing to reveal; quota() says unknown
      return matchesSecret(credentials.apiToken, secretDigest(entry.apiToken))
        ? credentials.teamId
        : undefined;
    },
    quota(teamId) {
      const entry = seen.get(teamId);
      return entry === undefined ? undefined : quotaIn(entry.response);
    },
  };
}
