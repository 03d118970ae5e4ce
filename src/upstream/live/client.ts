// createLiveClient(options): POST /prod/invoke on the real proxy over an undici keep-alive pool.
// Credentials go in the body (the real service needs them there, PROXY.md) and in the headers; the answer
// comes back as it was — status, the headers worth keeping, the body text — so /prod/invoke can pass it
// on byte for byte. Transport failures become typed errors (timeout → 504, unreachable/reset → 502).
// Retrying is not done here: withRetries (upstream/retry.ts) wraps any client. Bodies are never logged.
import type * as Undici from "undici";
import type { Dispatcher } from "undici";
import { GatewayError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import type { Metrics } from "../../shared/metrics.ts";
import { PACKAGE_NAME, VERSION } from "../../shared/version.ts";
import { upstreamMalformed, upstreamTimeout, upstreamUnreachable } from "../errors.ts";
import type { InvokeContext, InvokeRequest, UpstreamClient, UpstreamResponse } from "../types.ts";

export interface LiveClientOptions {
  /** `upstream.url`, the full invoke URL. */
  url: string;
  /** `upstream.timeout_ms`, per attempt. */
  timeoutMs: number;
  logger: Logger;
  metrics?: Metrics;
  /** Injected in tests (undici MockAgent); default a keep-alive Agent owned by the client. */
  dispatcher?: Dispatcher;
  /** Largest answer read (default MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

const USER_AGENT = `${PACKAGE_NAME}/${VERSION}`;

/** Response headers passed on; everything else (cookies, hop-by-hop, tracing) stays behind. */
const KEPT_HEADERS = [
  "content-type",
  "retry-after",
  "x-amzn-requestid",
  "x-amzn-errortype",
  "access-control-allow-origin",
];

function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return kept;
}

/** A proxy answer is a few KB; anything this large is not one, and must not be buffered whole. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The body as text, refusing (and dropping the connection of) an answer larger than `maxBytes`. */
async function readCapped(body: Dispatcher.ResponseData["body"], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw upstreamMalformed(`an answer larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

function invokeBody(body: InvokeRequest, context: InvokeContext): string {
  const c = context.credentials;
  return JSON.stringify(c === undefined ? body : { [c.teamField]: c.teamId, api_token: c.apiToken, ...body });
}

/** undici is loaded with the first live call: mock and replay never pay its ~12 MiB and ~45 ms. */
let undiciModule: Promise<typeof Undici> | undefined;
function loadUndici(): Promise<typeof Undici> {
  undiciModule ??= import("undici");
  return undiciModule;
}

function transportError(
  undici: typeof Undici,
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
): GatewayError {
  if (error instanceof GatewayError) return error;
  if (
    timedOut ||
    error instanceof undici.errors.HeadersTimeoutError ||
    error instanceof undici.errors.BodyTimeoutError
  ) {
    return upstreamTimeout(timeoutMs, error);
  }
  const code = (error as { code?: unknown } | null)?.code;
  return upstreamUnreachable(typeof code === "string" ? code : "connection failed", error);
}

export function createLiveClient(options: LiveClientOptions): UpstreamClient {
  const owned = options.dispatcher === undefined;
  let dispatcher = options.dispatcher;
  const count = (outcome: string): void => options.metrics?.upstreamRequests.inc({ outcome });

  return {
    async invoke(body, context): Promise<UpstreamResponse> {
      const undici = await loadUndici();
      dispatcher ??= new undici.Agent({
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 120_000,
        connections: 64,
      });
      // One controller for both the per-attempt timeout and the client going away: a plain timer and a
      // listener are much cheaper per request than AbortSignal.timeout() + AbortSignal.any().
      const abort = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, options.timeoutMs);
      const clientGone = (): void => abort.abort();
      context.signal?.addEventListener("abort", clientGone, { once: true });
      if (context.signal?.aborted === true) abort.abort();
      const started = performance.now();
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json",
        "user-agent": USER_AGENT,
      };
      if (context.credentials !== undefined) {
        headers["x-team-id"] = context.credentials.teamId;
        headers["x-api-token"] = context.credentials.apiToken;
      }
      try {
        const res = await undici.request(options.url, {
          method: "POST",
          dispatcher,
          headers,
          body: invokeBody(body, context),
          signal: abort.signal,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        const text = await readCapped(res.body, options.maxResponseBytes ?? MAX_RESPONSE_BYTES);
        count(`${Math.floor(res.statusCode / 100)}xx`);
        options.logger.debug(
          {
            requestId: context.requestId,
            status: res.statusCode,
            ms: Math.round(performance.now() - started),
          },
          "upstream answered",
        );
        return { status: res.statusCode, headers: keptHeaders(res.headers), body: text };
      } catch (error) {
        if (context.signal?.aborted === true && !timedOut) {
          count("client_closed");
          throw new GatewayError("The client went away.", {
            status: 499,
            type: "api_error",
            code: "client_closed",
            cause: error,
          });
        }
        const typed = transportError(undici, error, timedOut, options.timeoutMs);
        count(typed.code === "upstream_timeout" ? "timeout" : "unreachable");
        options.logger.warn(
          { requestId: context.requestId, code: typed.code, ms: Math.round(performance.now() - started) },
          "upstream failed",
        );
        throw typed;
      } finally {
        clearTimeout(timer);
        context.signal?.removeEventListener("abort", clientGone);
      }
    },
    async close() {
      if (owned && dispatcher !== undefined) await dispatcher.close();
    },
  };
}
