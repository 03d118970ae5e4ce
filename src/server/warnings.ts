// Startup warnings: what will fail on the first request unless the user acts now, said at startup
// (through the logger, so `startGateway()` users see them too, as warnings).
import type { Config } from "../config/types.ts";
import { CREDENTIALS_HINT } from "../upstream/credentials.ts";

/** True when requests may go to the real proxy (live mode, or record/auto on `upstream.kind: live`). */
function callsRealProxy(config: Readonly<Config>): boolean {
  return (
    config.mode === "live" ||
    ((config.mode === "record" || config.mode === "auto") && config.upstream.kind === "live")
  );
}

export function startupWarnings(config: Readonly<Config>): string[] {
  const warnings: string[] = [];
  if (callsRealProxy(config) && (config.upstream.team_id === null || config.upstream.api_token === null)) {
    warnings.push(
      `mode ${config.mode} has no team credentials for the real proxy: ${CREDENTIALS_HINT}; requests without any get a 401 saying so`,
    );
  }
  return warnings;
}
