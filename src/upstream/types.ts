// The proxy's invoke wire format (PROXY.md) and the one interface every upstream implements.
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import type { UpstreamResponse } from "./result.ts";

/** An Anthropic-style content block as the proxy accepts and returns it. */
export type InvokeContentBlock =
  | { type: "text"; text: string }
  | { type: "image"; source: { type: "base64"; media_type: string; data: string } }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string | InvokeContentBlock[]; is_error?: boolean };

export interface InvokeMessage {
  role: "user" | "assistant";
  content: string | InvokeContentBlock[];
}

export interface InvokeTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type InvokeToolChoice =
  | "auto"
  | "any"
  | "none"
  | "required"
  // disable_parallel_tool_use: Anthropic's switch for at most one tool call per turn (the Anthropic face).
  | { type: "auto" | "any" | "none"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean };

export interface InvokeResponseFormat {
  type: "json_schema";
  json_schema: { name: string; strict?: boolean; schema: Record<string, unknown> };
}

/**
 * An invoke request body without credentials. Credentials travel beside it in `InvokeContext`, so
 * nothing that handles the request (matching, recording, logging) can leak them.
 */
export interface InvokeRequest {
  model: string;
  messages: InvokeMessage[];
  max_tokens: number;
  system?: string;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: InvokeTool[];
  tool_choice?: InvokeToolChoice;
  response_format?: InvokeResponseFormat | Record<string, unknown>;
  /** Fields we do not know are passed through untouched (the proxy is loosely specified). */
  [extra: string]: unknown;
}

export type { RemainingQuota } from "../shared/remaining-quota.ts";

export interface InvokeMetadata {
  team_id: string;
  model: string;
  cost_usd: number;
  latency_ms: number;
  remaining_quota: RemainingQuota;
  [extra: string]: unknown;
}

/** A successful proxy answer: exactly these three keys, in this order. */
export interface InvokeResponse {
  content: InvokeContentBlock[];
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
  metadata: InvokeMetadata;
}

export interface Credentials {
  teamId: string;
  apiToken: string;
  /** Which body field named the team, echoed back in `metadata.team_id` semantics. */
  teamField: "team_id" | "participant_id";
}

export interface InvokeContext {
  /** Absent when the caller supplied none: the upstream answers 401 like the real proxy. */
  credentials: Credentials | undefined;
  requestId: string;
  /** Cassette name picked by the `X-Cassette` header (record/replay only). */
  cassette?: string;
  /** `X-Mock-Fault` header value (simulator only; passed through on every retry). */
  fault?: string;
  /**
   * Which of a /v1 request's n choices this call answers (0-based). The simulator varies its answer by
   * it, as sampling would; nothing is sent upstream.
   */
  choice?: number;
  signal?: AbortSignal;
  /**
   * What the layers that answer a call report back to the request (the journal, the stream walk): one
   * object per request, shared by its retries and choices. Absent where nobody listens.
   */
  trace?: InvokeTrace;
  /**
   * Have `listener.handleEvent()` called if the client goes away (at once if it has). Cheaper than
   * `signal` for a caller that only needs the call: no AbortController per request. Listeners are kept
   * for the rest of the request. When both are given they must tell the same thing (one LazyAbort
   * behind both): a client that offers this listens here, not to `signal`.
   */
  onClientGone?(listener: ClientGoneListener): void;
}

/** What an upstream layer tells the request about how it answered (all optional, last writer wins). */
export interface InvokeTrace {
  /** The id of the run-time stub that answered (`/admin/stubs`). */
  stub?: string;
  /** A mid-stream fault the answer carries (`cut:<n>`, `error:<n>`, `stall:<n>:<ms>`), for the stream walk. */
  streamFault?: string;
  /** Upstream cost of the request's answers so far, in USD. */
  costUsd?: number;
}

export interface ClientGoneListener {
  handleEvent(): void;
}

export type { UpstreamAnswer, UpstreamFailure, UpstreamResponse } from "./result.ts";

export interface UpstreamClient {
  /**
   * The upstream's answer, classified (result.ts). Rejects only with a GatewayError from errors.ts: a
   * transport failure (timeout, unreachable, reset) or the client gone (499).
   */
  invoke(request: InvokeRequest, context: InvokeContext): Promise<UpstreamResponse>;
  /** Release sockets, flush files. Called once by `gw.close()`. */
  close(): Promise<void>;
}
