// The framework-free view of one request, as the pipeline (pipeline.ts) hands it to a face:
// handlers on the hot routes see Node's own request and response, the parsed body and the request's
// log record — nothing Express adds — so they run without Express's per-request cost.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayError } from "../shared/errors.ts";
import type { InvokeTrace } from "../upstream/types.ts";
import type { OpenStreams } from "./stream-events.ts";

/**
 * What the access-log line and the request journal report beyond method, path, status and time. It is
 * also the request's `InvokeTrace`: the upstream layers note on it the stub that answered, a mid-stream
 * fault and the cost.
 */
export interface RequestRecord extends InvokeTrace {
  readonly requestId: string;
  /** Added to the access-log line (model, n, stream). */
  logFields?: Record<string, unknown>;
  /** The error code the request ended with, when it failed. */
  errorCode?: string;
  /** Called once if the response closes before it finished (the client went away). */
  onClientGone?: () => void;
  /** The caller's team and `X-Cassette`, for the journal (set by the invoke context). */
  team?: string;
  cassette?: string;
  /** The parsed request body, for the journal (set by the hot lane). */
  body?: unknown;
  /** Called once when the response closes, finished or not, with its status and duration. */
  onDone?: (status: number, ms: number) => void;
  /** Called when the request ends in an unexpected internal error (counted by face, the pipeline's). */
  onInternalError?: () => void;
}

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The route's path as the route spells it (the request's may differ in case or a trailing slash). */
  readonly path: string;
  /** The parsed JSON body (undefined when the request had none). */
  readonly body: unknown;
  /** The named groups of the route's path pattern (e.g. `modelId`), decoded; empty for exact paths. */
  readonly params: Readonly<Record<string, string>>;
  readonly record: RequestRecord;
  /** The server's open streams (shutdown ends them); a stream registers through `streamOptionsOf`. */
  readonly streams?: OpenStreams | undefined;
}

/**
 * A POST route served by the pipeline: one face of the gateway (or one of its routes). A face brings its
 * paths, its handler and the way it writes an error before the first byte; the pipeline brings the shared
 * steps (request id, access log, browser guard, credentials check, body) and calls them in one order.
 */
export interface HotRoute {
  /** Exact paths, matched as Express matches (case-insensitive, optional trailing slash). */
  readonly paths: readonly string[];
  /**
   * Path patterns with named groups (`/model/(?<modelId>[^/]+)/converse`), tried after the exact paths
   * and anchored by the route table; each group arrives URL-decoded in `exchange.params`.
   */
  readonly patterns?: readonly RegExp[];
  /** The name the access log and metrics use for pattern routes (default: the pattern's source). */
  readonly label?: string;
  /** The face's name in the request journal (`chat`, `invoke`, `messages`, …; default: the path). */
  readonly face?: string;
  /** Checked before the body is read (e.g. server.api_keys on /v1): a refusal costs no body parse. */
  readonly authorize?: (req: IncomingMessage) => Error | undefined;
  /**
   * Writes `error` as this face writes errors (status, headers, body); default: the OpenAI error body,
   * or the proxy's own shapes on /prod/invoke. Only called before the first byte.
   */
  readonly writeError?: (res: ServerResponse, error: GatewayError) => void;
  handle(exchange: Exchange): Promise<void>;
}

/** A request header's value (the first one when repeated), like Express's req.get(). */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The path of a request URL, without the query string. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}
