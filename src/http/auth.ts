// `server.api_keys`: when set, /v1/* needs `Authorization: Bearer <one of them>` (CONTRACT §2). Keys are
// compared through their SHA-256 digests in constant time.
import type { RequestHandler } from "express";
import { unauthorized } from "../shared/errors.ts";
import { matchesAnySecret, secretDigest } from "../shared/secrets.ts";

export function apiKeyAuth(keys: readonly string[]): RequestHandler {
  const allowed = keys.map(secretDigest);
  return function checkApiKey(req, _res, next) {
    if (allowed.length === 0) return next();
    const presented = /^Bearer\s+(\S+)$/i.exec(req.get("authorization")?.trim() ?? "")?.[1];
    const ok = matchesAnySecret(presented ?? "", allowed);
    if (presented !== undefined && ok) return next();
    next(
      unauthorized(
        "Incorrect API key provided. This gateway requires 'Authorization: Bearer <key>' with one of its server.api_keys.",
      ),
    );
  };
}
