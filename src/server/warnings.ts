// Startup checks: the directories the mode will write (checked before listening: a bad one stops
// startup), and warnings for what will fail on the first request unless the user acts now (logged, so
// `startGateway()` users see them too).
import { dirname } from "node:path";
import type { Config } from "../config/types.ts";
import { CREDENTIALS_HINT } from "../upstream/credentials.ts";

/** True when requests may go to the real proxy (live mode, or record/auto on `upstream.kind: live`). */
function callsRealProxy(config: Readonly<Config>): boolean {
  return (
    config.mode === "live" ||
    ((config.mode === "record" || config.mode === "auto") && config.upstream.kind === "live")
  );
}

/** [directory, what it is] for every directory this mode writes into. */
export function writableDirs(config: Readonly<Config>): Array<[string, string]> {
  const dirs: Array<[string, string]> = [];
  if (config.mode === "record" || config.mode === "auto")
    dirs.push([config.recording.dir, "cassette directory"]);
  const simulator =
    config.mode === "mock" ||
    (config.mode !== "live" && config.mode !== "replay" && config.upstream.kind === "mock");
  if (simulator && config.mock.state !== "memory") dirs.push([dirname(config.mock.state), "state directory"]);
  return dirs;
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
