// What `bpg serve` prints once listening: the first line (URL, mode, storage, config — scripts grep
// "listening on"), then what a newcomer needs next: the base URL for OpenAI, Anthropic and Bedrock clients, the simulated
// teams' credentials for /prod/invoke (they are made up, not secrets), and where cassettes and state live.
import { resolve } from "node:path";
import type { Config } from "../config/types.ts";
import { VERSION } from "../shared/version.ts";

/** Simulated teams listed by name; the rest are counted. */
const TEAMS_SHOWN = 3;

function describeStorage(config: Readonly<Config>): string {
  switch (config.mode) {
    case "mock":
      return `state: ${config.mock.state === "memory" ? "in memory" : resolve(config.mock.state)}`;
    case "live":
      return `upstream: ${new URL(config.upstream.url).host}`;
    case "replay":
      // Replay never calls out, whatever upstream.kind says.
      return `cassettes: ${resolve(config.recording.dir)} (default "${config.recording.cassette}"), offline`;
    case "record":
    case "auto":
      return `cassettes: ${resolve(config.recording.dir)} (default "${config.recording.cassette}"), upstream: ${config.upstream.kind}`;
  }
}

/** True when the simulator answers (mock, or record/auto on `upstream.kind: mock`). */
function simulated(config: Readonly<Config>): boolean {
  return (
    config.mode === "mock" ||
    (config.mode !== "live" && config.mode !== "replay" && config.upstream.kind === "mock")
  );
}

function invokeCredentials(config: Readonly<Config>): string {
  if (config.mode === "replay") return "any X-Team-ID + X-API-Token (replay checks none)";
  if (!simulated(config)) {
    return config.upstream.team_id !== null && config.upstream.api_token !== null
      ? `your team ${config.upstream.team_id} (from the config or BEDROCK_TEAM_ID / BEDROCK_API_TOKEN)`
      : "none configured: set BEDROCK_TEAM_ID and BEDROCK_API_TOKEN, or send X-Team-ID + X-API-Token";
  }
  const teams = config.mock.teams;
  const shown = teams
    .slice(0, TEAMS_SHOWN)
    .map((t) => `X-Team-ID: ${t.team_id}  X-API-Token: ${t.api_token}  ($${t.budget_limit} budget)`);
  const more = teams.length > TEAMS_SHOWN ? [`… and ${teams.length - TEAMS_SHOWN} more in mock.teams`] : [];
  return ["simulated teams (made up, not secrets):", ...shown, ...more].join("\n" + " ".repeat(17));
}

/** The start-up lines, first one unchanged in shape since scripts read it. */
export function startupBanner(config: Readonly<Config>, url: string, file: string | null): string[] {
  const source = file === null ? "built-in defaults" : file;
  const lines = [
    `bedrock-proxy-gateway ${VERSION} listening on ${url} — mode ${config.mode}, ${describeStorage(config)}, config: ${source}`,
    `  OpenAI SDKs:   baseURL ${url}/v1` +
      (config.server.api_keys.length > 0 ? " with one of server.api_keys" : ", any API key"),
    `  Anthropic:     ANTHROPIC_BASE_URL=${url} (SDKs, Claude Code)`,
    `  Bedrock:       endpoint_url / endpoint ${url} (boto3, AWS SDK)`,
    `  /prod/invoke:  ${invokeCredentials(config)}`,
  ];
  if (config.mode === "mock" || simulated(config)) {
    lines.push(
      `  state:         ${config.mock.state === "memory" ? "in memory (mock.state / BPG_STATE for a file)" : resolve(config.mock.state)}`,
    );
  }
  if (config.mode === "record" || config.mode === "replay" || config.mode === "auto") {
    lines.push(
      `  cassettes:     ${resolve(config.recording.dir)}/<X-Cassette or "${config.recording.cassette}">.yaml`,
    );
  }
  lines.push("  stop:          Ctrl-C (drains in-flight requests, then flushes)");
  return lines;
}
