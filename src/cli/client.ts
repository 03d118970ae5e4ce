// How the CLI's client commands (gpu, quota, stubs, cassettes) reach a running gateway: its URL from --url,
// else the configured server.host/port; its key; the team flags. Failures become one-line messages
// (CliRequestError) and a non-zero exit code.
import type { Command } from "commander";
import { loadConfig, type Env } from "../config/load.ts";

export interface ClientFlags {
  url?: string;
  config?: string;
  team?: string;
  token?: string;
}

/** A failure the CLI reports as one line and exit code 1. */
export class CliRequestError extends Error {}

const REQUEST_TIMEOUT_MS = 15_000;

/** The gateway's URL and the key it wants (its first server.api_keys entry, if it has any). */
function target(
  flags: ClientFlags,
  env: Env,
): { url: string; apiKey: string | undefined; adminKey: string | null } {
  const { config } = loadConfig({ file: flags.config, env, overrides: {} });
  return {
    url: baseUrl(flags, config.server),
    apiKey: config.server.api_keys[0],
    adminKey: config.server.admin_key,
  };
}

function baseUrl(flags: ClientFlags, server: { host: string; port: number }): string {
  if (flags.url !== undefined) {
    try {
      return new URL(flags.url).toString().replace(/\/+$/, "");
    } catch {
      throw new CliRequestError(`--url ${flags.url} is not a URL (e.g. http://127.0.0.1:8787).`);
    }
  }
  const host = server.host === "0.0.0.0" || server.host === "::" ? "127.0.0.1" : server.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
}

/** One JSON request to a running gateway; a failure is a one-line CliRequestError. */
export async function call(
  flags: ClientFlags,
  env: Env,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const gateway = target(flags, env);
  const url = `${gateway.url}${path}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (gateway.apiKey !== undefined) headers.authorization = `Bearer ${gateway.apiKey}`;
  // A gateway on another host answers /admin only with its admin key.
  if (path.startsWith("/admin/") && gateway.adminKey !== null && gateway.adminKey !== "")
    headers["x-admin-key"] = gateway.adminKey;
  if (flags.team !== undefined || flags.token !== undefined) {
    if (flags.team === undefined || flags.token === undefined)
      throw new CliRequestError("--team and --token go together.");
    headers["x-team-id"] = flags.team;
    headers["x-api-token"] = flags.token;
  }
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new CliRequestError(
      `cannot reach the gateway at ${new URL(url).origin} (${cause}); is \`bpg serve\` running? (--url to point elsewhere)`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new CliRequestError(`${method} ${path}: HTTP ${res.status}, and the answer is not JSON.`);
  }
  if (!res.ok) {
    const message = (parsed as { error?: { message?: unknown } } | undefined)?.error?.message;
    throw new CliRequestError(
      `${method} ${path}: HTTP ${res.status}: ${typeof message === "string" ? message : "no error message"}`,
    );
  }
  return parsed;
}

export function addClientOptions(command: Command): Command {
  return command
    .option("--url <url>", "gateway URL (default: http://<server.host>:<server.port> from the config)")
    .option("-c, --config <file>", "config file to read the default URL from")
    .option("--team <id>", "team id (default: the gateway's default team)")
    .option("--token <token>", "the team's API token");
}
