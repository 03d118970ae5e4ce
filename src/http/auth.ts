// `server.api_keys`: when set, the routes that act for a team (/v1, /quota, /gpu) need one of them, as
// `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key: <key>` (Anthropic clients) — CONTRACT §2.
// Keys are compared through their SHA-256 digests in constant time. The pipeline runs the check once.
import type { IncomingMessage } from "node:http";
import { unauthorized, type GatewayError } from "../shared/errors.ts";
import { matchesAnySecret, secretDigest } from "../shared/secrets.ts";
import { headerOf } from "./exchange.ts";

/** The check itself: undefined when the request may pass, else the 401 to answer. */
export function apiKeyCheck(keys: readonly string[]): (req: IncomingMessage) => GatewayError | undefined {
  const allowed = keys.map(secretDigest);
  return function checkApiKey(req) {
    if (allowed.length === 0) return undefined;
    const presented =
      /^Bearer\s+(\S+)$/i.exec(headerOf(req, "authorization")?.trim() ?? "")?.[1] ??
      headerOf(req, "x-api-key")?.trim();
    const ok = matchesAnySecret(presented ?? "", allowed);
    if (presented !== undefined && ok) return undefined;
    return unauthorized(
      "Incorrect API key provided. This gateway requires 'Authorization: Bearer <key>' (or 'x-api-key: <key>') with one of its server.api_keys.",
    );
  };
}
