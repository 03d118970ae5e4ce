// createLiveClient(options): POST /prod/invoke on the real proxy over an undici keep-alive pool.
// Credentials go in the body (the real service needs them there, PROXY.md) and in the headers; the answer
// comes back as it was — status, the headers worth keeping, the body text — built and classified by
// upstream/result.ts, so /prod/invoke can pass it on byte for byte. Transport failures become typed errors (timeout → 504, unreachable/reset → 502).
// Retrying is not done here: withRetries (upstream/retry.ts) wraps any client. Bodies are never logged.
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

const NO_CHUNKS: Buffer[] = [];
const NO_HEADERS: Record<string, string> = {};

/** Why an exchange ended early on our side. */
const TIMED_OUT = 1;
const CLIENT_GONE = 2;

/**
 * One attempt, as an undici dispatch handler: the body is collected straight from the connection's
 * chunks (no response stream, no async iterator), and one object is the timer's argument and the
 * caller's abort listener (`handleEvent`), so an attempt allocates no closures of its own. Settles once;
 * callbacks after that (undici reporting the abort we asked for) are ignored.
 *
 * Once settled it lets go of everything — the promise's resolvers (and through them the answer), the
 * chunks, the controller: undici may hold a finished handler until the connection's next request, and an
 * answer kept alive that long outlives young-generation collections and bloats the old one.
 */
class UpstreamCall implements Dispatcher.DispatchHandler {
  /** TIMED_OUT or CLIENT_GONE once we gave up; 0 while undici decides. */
  stoppedBy = 0;
  #resolve: ((response: UpstreamResponse) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #settled = false;
  #controller: Dispatcher.DispatchController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #signal: AbortSignal | undefined;
  #status = 0;
  #headers: Record<string, string> = NO_HEADERS;
  #chunks: Buffer[] = [];
  #size = 0;
  readonly #maxBytes: number;

  constructor(
    maxBytes: number,
    resolve: (response: UpstreamResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.#maxBytes = maxBytes;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Arm the per-attempt timer and follow the caller's going away (a listener if offered, else its signal). */
  watch(timeoutMs: number, context: InvokeContext): void {
    this.#timer = setTimeout(timeUp, timeoutMs, this);
    if (context.onClientGone !== undefined) return context.onClientGone(this);
    const { signal } = context;
    if (signal === undefined) return;
    if (signal.aborted) return this.stop(CLIENT_GONE);
    this.#signal = signal;
    signal.addEventListener("abort", this);
  }

  /** The client went away (the caller's listener call, or its signal's abort event). */
  handleEvent(): void {
    this.stop(CLIENT_GONE);
  }

  /** Give up now, whether or not the request has reached a connection yet. */
  stop(reason: number): void {
    if (this.#settled) return;
    this.stoppedBy = reason;
    const error = new Error(reason === TIMED_OUT ? "upstream attempt timed out" : "client went away");
    const controller = this.#controller; // #fail lets go of it
    this.#fail(error);
    controller?.abort(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Stopped while queued for a connection: undici learns it only now.
    if (this.#settled) controller.abort(new Error("upstream attempt stopped"));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (this.#settled || statusCode < 200) return; // 1xx: informational, the answer follows
    const declared = Number(headers["content-length"]);
    if (declared > this.#maxBytes) return this.#refuse(controller);
    this.#status = statusCode;
    this.#headers = keptHeaders(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#size += chunk.length;
    if (this.#size > this.#maxBytes) return this.#refuse(controller);
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    const chunks = this.#chunks;
    const body =
      chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, this.#size).toString("utf8");
    const resolve = this.#resolve!;
    const response = upstreamResponse(this.#status, this.#headers, body);
    this.#settle();
    resolve(response);
  }

  onResponseError(_controller: unknown, error: unknown): void {
    this.#fail(error);
  }

  /** An answer larger than the cap: refused, and its connection dropped rather than drained. */
  #refuse(controller: Dispatcher.DispatchController): void {
    const error = upstreamMalformed(`an answer larger than ${this.#maxBytes} bytes`);
    this.#fail(error);
    controller.abort(error);
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    const reject = this.#reject!;
    this.#settle();
    reject(error);
  }

  /** Done: stop the timer, stop listening, and drop every reference (see the class comment). */
  #settle(): void {
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this);
    this.#timer = undefined;
    this.#signal = undefined;
    this.#controller = undefined;
    this.#resolve = undefined;
    this.#reject = undefined;
    this.#chunks = NO_CHUNKS;
    this.#headers = NO_HEADERS;
  }
}

function timeUp(exchange: UpstreamCall): void {
  exchange.stop(TIMED_OUT);
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

  function send(
    pool: Dispatcher,
    to: { origin: string; path: string },
    body: InvokeRequest,
    context: InvokeContext,
    exchange: UpstreamCall,
  ): void {
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
      pool.dispatch(
        {
          origin: to.origin,
          path: to.path,
          method: "POST",
          headers,
          body: invokeBody(body, context),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        exchange,
      );
    } catch (error) {
      // A dispatcher that throws instead of reporting through the handler (a test double, a closed pool).
      exchange.onResponseError(undefined, error);
    }
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
      let exchange!: UpstreamCall;
      const answer = new Promise<UpstreamResponse>((resolve, reject) => {
        exchange = new UpstreamCall(maxBytes, resolve, reject);
      });
      try {
        exchange.watch(timeoutMs, context);
        if (exchange.stoppedBy === 0) send(pool, where, body, context, exchange);
        const response = await answer;
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
        if (exchange.stoppedBy === CLIENT_GONE) {
          count("client_closed");
          throw clientClosed(error);
        }
        const typed = transportError(error, exchange.stoppedBy === TIMED_OUT, timeoutMs);
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
      }
    },
    async close() {
      if (owned && dispatcher !== undefined) await dispatcher.close();
    },
  };
}
