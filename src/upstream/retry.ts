// withRetries(inner): the one place retryable upstream failures are retried (STYLE.md "one seam": a
// decorator with the UpstreamClient interface). Retryable = a result that failed with `shouldRetry` (as
// result.ts classified it: throttling, transient 5xx, a 2xx whose body is not a proxy answer) or a thrown
// transport failure that says so (timeouts, resets) — never budget, auth or validation errors.
// Exponential backoff with jitter, `Retry-After` honoured; each attempt carries the same context
// (X-Mock-Fault included, CONTRACT §5).
import { GatewayError } from "../shared/errors.ts";
import { clientClosed } from "./errors.ts";
import type { InvokeContext, InvokeRequest, UpstreamClient, UpstreamResponse } from "./types.ts";

export interface RetryOptions {
  /** Extra attempts after the first (`upstream.retries`). */
  retries: number;
  /** First backoff step; doubles per attempt. Default 500 ms (openai-node's schedule). */
  baseDelayMs?: number;
  /** Cap for one wait, also for a `Retry-After` the upstream asks for. Default 8 s. */
  maxDelayMs?: number;
  /** Injected for tests. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** `Retry-After` as seconds or an HTTP date → milliseconds, or undefined. */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function withRetries(inner: UpstreamClient, options: RetryOptions): UpstreamClient {
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 8_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;

  function backoff(attempt: number, retryAfter: string | undefined): number {
    const asked = retryAfterMs(retryAfter);
    if (asked !== undefined) return Math.min(asked, cap);
    const step = Math.min(base * 2 ** attempt, cap);
    return step * (0.5 + random() * 0.5); // "equal jitter": never zero, never above the step
  }

  return {
    async invoke(request: InvokeRequest, context: InvokeContext): Promise<UpstreamResponse> {
      for (let attempt = 0; ; attempt++) {
        const last = attempt >= options.retries;
        let retryAfter: string | undefined;
        try {
          const response = await inner.invoke(request, context);
          if (response.ok || last || !response.error.shouldRetry) return response;
          retryAfter = response.headers["retry-after"];
        } catch (error) {
          if (last || !(error instanceof GatewayError) || !error.shouldRetry || context.signal?.aborted)
            throw error;
        }
        if (context.signal?.aborted) throw clientClosed();
        await sleep(backoff(attempt, retryAfter), context.signal);
        if (context.signal?.aborted) throw clientClosed();
      }
    },
    close: () => inner.close(),
  };
}
