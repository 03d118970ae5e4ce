// The browser guard. The gateway can spend a team's real budget (live and record modes hold its
// credentials), and any web page can make a visitor's browser send requests to 127.0.0.1. Two checks
// keep web pages out, while SDKs and curl — which send no Origin and a loopback Host — never notice:
// - cross-site requests: browsers always send `Origin` on cross-origin requests, including "simple"
//   text/plain POSTs (which the gateway reads as JSON). Only loopback pages (http://localhost:5173, …) and
//   `server.allowed_origins` may call; allowed origins get CORS headers so their pages can read answers.
// - DNS rebinding: a page whose name is re-pointed at 127.0.0.1 sends its own name as Host. While the
//   gateway is bound to a loopback address, Host must name a loopback address too.
import type { IncomingMessage, ServerResponse } from "node:http";
import { forbidden, type GatewayError } from "../shared/errors.ts";
import { headerOf } from "./exchange.ts";

export interface BrowserGuardOptions {
  /** `server.host`: the Host check applies only while bound to a loopback address. */
  host: string;
  /** `server.allowed_origins`. */
  allowedOrigins: readonly string[];
}

/** localhost, *.localhost, 127.0.0.0/8, ::1 — in URL hostname form (IPv6 in brackets). */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return (
    name === "localhost" ||
    name.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(name) ||
    name === "[::1]" ||
    name === "::1"
  );
}

/** The Host header forms every local client sends ("127.0.0.1:8787", "localhost", "[::1]:8787"). */
const PLAIN_LOOPBACK_HOST = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::\d{1,5})?$/i;

function hostnameOf(value: string, scheme: string): string | undefined {
  try {
    return new URL(`${scheme}${value}`).hostname;
  } catch {
    return undefined;
  }
}

/** What a permitted page may send: the gateway's own headers and those of every face's clients. */
const ALLOWED_HEADERS =
  "authorization, content-type, x-team-id, x-api-token, x-api-key, x-cassette, x-mock-fault, x-request-id, " +
  "anthropic-version, anthropic-beta, x-stainless-retry-count, x-stainless-timeout";

/** Answer a permitted page's CORS preflight (the check has already set its Allow-Origin). */
export function answerPreflight(res: ServerResponse): void {
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
  res.setHeader("Access-Control-Max-Age", "600");
  res.statusCode = 204;
  res.end();
}

/**
 * The check itself, run once per request by the pipeline: undefined when the request may go
 * on (CORS headers already set for a permitted page), else the 403 to answer.
 */
export function browserCheck(
  options: BrowserGuardOptions,
): (req: IncomingMessage, res: ServerResponse) => GatewayError | undefined {
  const allowed = new Set(options.allowedOrigins.map((o) => o.replace(/\/$/, "").toLowerCase()));
  const checkHost = isLoopbackName(options.host);

  return function checkBrowser(req, res) {
    const hostHeader = headerOf(req, "host") ?? "";
    // URL parsing only for the unusual forms (a.localhost, trailing dots, …): it costs a microsecond.
    if (checkHost && !PLAIN_LOOPBACK_HOST.test(hostHeader)) {
      const host = hostnameOf(hostHeader, "http://");
      if (host === undefined || !isLoopbackName(host)) {
        return forbidden(
          "This gateway answers only requests addressed to a loopback name (Host header).",
          "host_forbidden",
        );
      }
    }
    const origin = headerOf(req, "origin");
    if (origin === undefined) return undefined;
    const originHost = origin === "null" ? undefined : hostnameOf(origin, "");
    const permitted =
      (originHost !== undefined && isLoopbackName(originHost)) || allowed.has(origin.toLowerCase());
    if (!permitted) {
      return forbidden(
        `Browser requests from ${origin.slice(0, 100)} are refused: add the origin to server.allowed_origins to allow a web page to use this gateway.`,
        "origin_forbidden",
      );
    }
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Vary", "Origin");
    res.setHeader(
      "Access-Control-Expose-Headers",
      "x-request-id, x-bedrock-cost-usd, x-bedrock-remaining-budget, x-bedrock-budget-limit",
    );
    return undefined;
  };
}

export type BrowserCheck = ReturnType<typeof browserCheck>;
