// createLiveClient(options): POST /prod/invoke on the real proxy over an undici keep-alive pool.
// Credentials go in the body (the real service needs them there, PROXY.md) and in the headers; the answer
// comes back as it was — status, the headers worth keeping, the body text, classified once by
// upstream/result.ts — so /prod/invoke can pass it on byte for byte. Transport failures become typed errors (timeout → 504, unreachable/reset → 502).
// Retrying is not done here: withRetries (upstream/retry.ts) wraps any client. Bodies are never logged.
import { EventEmitter } from "node:events";
import type * as Undici from "undici";
import type { Dispatcher } from "undici";
import { GatewayError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logger.ts";
import type { Metrics } from "../../shared/metrics.ts";
import { PACKAGE_NAME, VERSION } from "../../shared/version.ts";
import { noCredentialsReply } from "../credentials.ts";
import {
  clientClosed,
  upstreamMalformed,
  upstreamReset,
  upstreamTimeout,
  upstreamUnreachable,
} from "../errors.ts";
import { upstreamResponse } from "../result.ts";
import type { InvokeContext, InvokeRequest, UpstreamClient, UpstreamResponse } from "../types.ts";

export interface LiveClientOptions {
  /** `upstream.url`, the full invoke URL. */
  url: string;
  /** `upstream.timeout_ms`, per attempt. */
  timeoutMs: number;
  logger: Logger;
  metrics?: Metrics;
  /** Injected in tests (undici MockAgent); default a keep-alive Pool for the URL's origin, owned by the client. */
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

/** Why an attempt ended early on our side. */
const TIMED_OUT = 1;
const CLIENT_GONE = 2;

/**
 * One attempt's stop switch, handed to `pool.request()` as its abort signal: the `upstream.timeout_ms`
 * deadline (queueing time included) and the client going away both emit its `abort`, which undici follows
 * whether the request is queued, waiting for headers or reading the body. An EventEmitter rather than an
 * AbortController (undici takes either): measured cheaper per call, and it is also the timer's argument
 * and the caller's abort listener (`handleEvent`), so an attempt makes no closures of its own.
 */
class Attempt extends EventEmitter {
  /** TIMED_OUT or CLIENT_GONE once we gave up; 0 while the request runs. */
  stoppedBy = 0;
  readonly #timer: NodeJS.Timeout;
  #signal: AbortSignal | undefined;
  #done = false;

  constructor(timeoutMs: number, context: InvokeContext) {
    super();
    this.#timer = setTimeout(timeUp, timeoutMs, this);
    if (context.onClientGone !== undefined) {
      context.onClientGone(this); // called at once if the client is already gone
      return;
    }
    const { signal } = context;
    if (signal?.aborted === true) this.stop(CLIENT_GONE);
    else if (signal !== undefined) (this.#signal = signal).addEventListener("abort", this);
  }

  /** The client went away (the caller's listener call, or its signal's abort event). */
  handleEvent(): void {
    this.stop(CLIENT_GONE);
  }

  stop(reason: number): void {
    if (this.#done || this.stoppedBy !== 0) return;
    this.stoppedBy = reason;
    this.emit("abort");
  }

  /** Answered or failed: the deadline and the listener go (listeners offered to the context stay, inert). */
  finish(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this);
  }
}

function timeUp(attempt: Attempt): void {
  attempt.stop(TIMED_OUT);
}

/**
 * The answer's body as text. Over `maxBytes` (declared, or counted as it arrives) it is refused: the
 * connection is dropped rather than drained, and no more than the cap is ever buffered.
 */
function readBody(
  body: Dispatcher.ResponseData["body"],
  declared: number,
  maxBytes: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const refuse = (): void => {
      const error = upstreamMalformed(`an answer larger than ${maxBytes} bytes`);
      reject(error);
      body.destroy(error);
    };
    if (declared > maxBytes) return refuse();
    const chunks: Buffer[] = [];
    let size = 0;
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) refuse();
      else chunks.push(chunk);
    });
    body.on("end", () => {
      resolve(
        chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, size).toString("utf8"),
      );
    });
    body.on("error", reject);
  });
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
/** undici's "other side closed" (UND_ERR_SOCKET) and the kernel's resets, once connected. */
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

function transportError(error: unknown, timedOut: boolean, timeoutMs: number): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (timedOut || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
    return upstreamTimeout(timeoutMs, error);
  }
  // Connected, then dropped without an answer: a reset (CONTRACT: `upstream_reset`), not unreachable.
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if ([code, causeCode].some((c) => typeof c === "string" && RESET_CODES.has(c))) return upstreamReset(error);
  return upstreamUnreachable(typeof code === "string" ? code : "connection failed", error);
}

/** Where the requests go: the URL's origin (the pool's key) and path, parsed once. */
function target(url: string): { origin: string; path: string } | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
    return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  } catch {
    return undefined;
  }
}

export function createLiveClient(options: LiveClientOptions): UpstreamClient {
  const owned = options.dispatcher === undefined;
  let dispatcher = options.dispatcher;
  const { timeoutMs, logger } = options;
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const where = target(options.url);
  const count = (outcome: string): void =>
    options.metrics?.upstreamRequests.inc(outcome, () => ({ outcome }));

  /** One attempt: POST, then the answer as it came — status, the headers worth keeping, the body text. */
  async function attempt(
    pool: Dispatcher,
    to: { origin: string; path: string },
    body: InvokeRequest,
    context: InvokeContext,
    stop: Attempt,
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": USER_AGENT,
    };
    if (context.credentials !== undefined) {
      headers["x-team-id"] = context.credentials.teamId;
      headers["x-api-token"] = context.credentials.apiToken;
    }
    if (stop.stoppedBy !== 0) throw new Error("client went away"); // before sending: nothing is sent
    const answer = await pool.request({
      origin: to.origin,
      path: to.path,
      method: "POST",
      headers,
      body: invokeBody(body, context),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: stop,
    });
    const text = await readBody(answer.body, Number(answer.headers["content-length"]), maxBytes);
    return upstreamResponse(answer.statusCode, keptHeaders(answer.headers), text);
  }

  /** The one upstream origin gets its own pool: no URL parsing or origin lookup per request. */
  async function ownPool(origin: string): Promise<Dispatcher> {
    const undici = await loadUndici();
    dispatcher ??= new undici.Pool(origin, {
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connections: 64,
    });
    return dispatcher;
  }

  return {
    async invoke(body, context): Promise<UpstreamResponse> {
      // The proxy would only answer 401, after a round trip; ours says what to set (issue 12).
      if (context.credentials === undefined) return noCredentialsReply();
      if (where === undefined) {
        count("unreachable");
        throw upstreamUnreachable("upstream.url is not a valid http(s) URL");
      }
      const pool = dispatcher ?? (await ownPool(where.origin));
      const started = performance.now();
      const stop = new Attempt(timeoutMs, context);
      try {
        const response = await attempt(pool, where, body, context, stop);
        count(`${Math.floor(response.status / 100)}xx`);
        if (logger.isLevelEnabled("debug")) {
          logger.debug(
            {
              requestId: context.requestId,
              status: response.status,
              ms: Math.round(performance.now() - started),
            },
            "upstream answered",
          );
        }
        return response;
      } catch (error) {
        if (stop.stoppedBy === CLIENT_GONE) {
          count("client_closed");
          throw clientClosed(error);
        }
        const typed = transportError(error, stop.stoppedBy === TIMED_OUT, timeoutMs);
        count(
          typed.code === "upstream_timeout"
            ? "timeout"
            : typed.code === "upstream_reset"
              ? "reset"
              : "unreachable",
        );
        logger.warn(
          { requestId: context.requestId, code: typed.code, ms: Math.round(performance.now() - started) },
          "upstream failed",
        );
        throw typed;
      } finally {
        stop.finish();
      }
    },
    async close() {
      if (owned && dispatcher !== undefined) await dispatcher.close();
    },
  };
}
