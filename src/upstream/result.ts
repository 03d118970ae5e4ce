// What `UpstreamClient.invoke()` returns, built by the one factory every upstream uses (live client,
// simulator, replay): status, the headers worth keeping, and — classified once, here — either the typed
// answer (a 2xx that is a proxy answer) or the typed GatewayError (a non-2xx through errors.ts, or a
// malformed 2xx: the retryable `upstream_malformed`). Consumers branch on `ok` and never parse or
// classify again. The body text is there on demand (`text()`): what came over the wire, byte for byte,
// or the JSON of an answer built in memory, written only when something reads it (/prod/invoke, the
// recorder) — the /v1 faces never do.
import type { GatewayError } from "../shared/errors.ts";
import type { RemainingQuota } from "../shared/remaining-quota.ts";
import { errorFromUpstream } from "./errors.ts";
import { parseInvokeResponse } from "./invoke-response.ts";
import type { InvokeResponse } from "./types.ts";

/** A 2xx whose body is a proxy answer. */
export interface UpstreamAnswer {
  readonly ok: true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The typed answer; shared with whoever else reads this result (and the simulator's cache): never change it. */
  readonly answer: InvokeResponse;
  /** The body text (memoised). */
  text(): string;
}

/** Anything else the upstream answered: an error status, or a 2xx that is not a proxy answer. */
export interface UpstreamFailure {
  readonly ok: false;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** What the gateway answers with (CONTRACT §3), `shouldRetry` set for what a retry may fix. */
  readonly error: GatewayError;
  /**
   * The `remaining_quota` object a budget refusal (429) carries, as the body has it (checked to be an
   * object, its fields not); undefined otherwise.
   */
  readonly quota: RemainingQuota | undefined;
  /** The body text, as it came. */
  text(): string;
}

/**
 * The upstream's answer. Error statuses are answers too (the /prod/invoke surface passes them on byte
 * for byte); only transport failures and the client going away are thrown (errors.ts).
 */
export type UpstreamResponse = UpstreamAnswer | UpstreamFailure;

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ "content-type": "application/json" });

// Classes, not object literals with closures: one hidden class per kind and no closure per response
// on the hot path.
class Answered implements UpstreamAnswer {
  readonly ok = true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly answer: InvokeResponse;
  #text: string | undefined;

  constructor(
    status: number,
    headers: Readonly<Record<string, string>>,
    answer: InvokeResponse,
    text: string | undefined,
  ) {
    this.status = status;
    this.headers = headers;
    this.answer = answer;
    this.#text = text;
  }

  text(): string {
    return (this.#text ??= JSON.stringify(this.answer));
  }
}

class Failed implements UpstreamFailure {
  readonly ok = false;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly error: GatewayError;
  readonly quota: RemainingQuota | undefined;
  readonly #text: string;

  constructor(status: number, headers: Readonly<Record<string, string>>, error: GatewayError, text: string) {
    this.status = status;
    this.headers = headers;
    this.error = error;
    this.quota = status === 429 ? refusalQuota(text) : undefined;
    this.#text = text;
  }

  text(): string {
    return this.#text;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";

/** The quota a budget refusal reports (`remaining_quota`, PROXY.md; under `metadata` in some captures). */
function refusalQuota(text: string): RemainingQuota | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(body)) return undefined;
  const quota = body.remaining_quota ?? (isObject(body.metadata) ? body.metadata.remaining_quota : undefined);
  return isObject(quota) ? (quota as unknown as RemainingQuota) : undefined;
}

/** An answer as it came over the wire (live, replay, a refusal): its text is kept verbatim. */
export function upstreamResponse(
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
): UpstreamResponse {
  if (status < 200 || status >= 300)
    return new Failed(status, headers, errorFromUpstream(status, headers, text), text);
  let answer: InvokeResponse;
  try {
    answer = parseInvokeResponse(text);
  } catch (error) {
    return new Failed(status, headers, error as GatewayError, text);
  }
  return new Answered(status, headers, answer, text);
}

/** A JSON refusal built in memory (the simulator, record/replay's 401). */
export function jsonResponse(status: number, body: unknown): UpstreamResponse {
  return upstreamResponse(status, JSON_HEADERS, typeof body === "string" ? body : JSON.stringify(body));
}

/**
 * A 200 proxy answer built in memory (the simulator): never parsed; its text is `JSON.stringify(answer)`,
 * written only if read. `answer` must not change afterwards.
 */
export function answeredResponse(answer: InvokeResponse): UpstreamAnswer {
  return new Answered(200, JSON_HEADERS, answer, undefined);
}
