// `server.api_keys`: when set, /v1/* needs `Authorization: Bearer <one of them>` (CONTRACT §2). Keys are
// compared through their SHA-256 digests in constant time.
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { unauthorized, type GatewayError } from "../shared/errors.ts";
import { matchesAnySecret, secretDigest } from "../shared/secrets.ts";
import { headerOf } from "./exchange.ts";

/**
 * The check itself: undefined when the request may pass, else the 401 to answer. `xApiKey`: the key may
 * also come as `x-api-key` (how Anthropic's clients send it).
 */
export function apiKeyCheck(
  keys: readonly string[],
  options: { xApiKey?: boolean } = {},
): (req: IncomingMessage) => GatewayError | undefined {
  const allowed = keys.map(secretDigest);
  return function checkApiKey(req) {
    if (allowed.length === 0) return undefined;
    const presented =
      /^Bearer\s+(\S+)$/i.exec(headerOf(req, "authorization")?.trim() ?? "")?.[1] ??
      (options.xApiKey === true ? headerOf(req, "x-api-key")?.trim() : undefined);
    const ok = matchesAnySecret(presented ?? "", allowed);
    if (presented !== undefined && ok) return undefined;
    const how =
      options.xApiKey === true
        ? "'x-api-key: <key>' or 'Authorization: Bearer <key>'"
        : "'Authorization: Bearer <key>'";
    return unauthorized(
      `Incorrect API key provided. This gateway requires ${how} with one of its server.api_keys.`,
    );
  };
}

export function apiKeyAuth(keys: readonly string[]): RequestHandler {
  const check = apiKeyCheck(keys);
  return function requireApiKey(req, _res, next) {
    next(check(req));
  };
}
