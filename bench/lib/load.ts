// The two ways a scenario is driven: autocannon at many connections for throughput, and a
// sequential keep-alive client with process.hrtime for µs-resolution latency (autocannon's histogram
// is whole milliseconds). Both are bounded by time and by count.
import autocannon from "autocannon";
import { Client } from "undici";

export interface RequestSpec {
  method: "GET" | "POST";
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** Streams: the body is SSE and ends with `data: [DONE]` (or as `complete` says). */
  stream?: boolean;
  /** Streams: whether the body's last 64 characters end a whole stream (default: SSE `[DONE]`). */
  complete?: (tail: string) => boolean;
  /** How a complete stream ends when not with `data: [DONE]` (Anthropic's ends with its message_stop event). */
  streamEnd?: string;
}

export interface Throughput {
  /** 2xx responses per second. */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

export async function throughput(
  origin: string,
  spec: RequestSpec,
  connections: number,
  seconds: number,
): Promise<Throughput> {
  const result = await autocannon({
    url: `${origin}${spec.path}`,
    method: spec.method,
    headers: { ...spec.headers },
    ...(spec.body === undefined ? {} : { body: spec.body }),
    connections,
    duration: seconds,
    timeout: 10,
  });
  const ok = result["2xx"];
  const elapsed = result.duration > 0 ? result.duration : seconds;
  return { rps: ok / elapsed, ok, non2xx: result.non2xx, errors: result.errors, seconds: elapsed };
}

export interface Latency {
  samplesUs: number[];
  /** Streams: time to the first body chunk, µs. */
  ttfbUs: number[];
  non2xx: number;
  /** Streams whose body did not end with `data: [DONE]` (or the spec's `streamEnd`). */
  incomplete: number;
}

export interface LatencyOptions {
  /** Requests discarded first (connection set-up, JIT). */
  warmup: number;
  /** At most this many measured requests… */
  count: number;
  /** …and at most this long. */
  maxMs: number;
}

/** One keep-alive connection, one request at a time, timed with hrtime from send to the last byte. */
export async function sequentialLatency(
  origin: string,
  spec: RequestSpec,
  options: LatencyOptions,
): Promise<Latency> {
  const client = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000 });
  const out: Latency = { samplesUs: [], ttfbUs: [], non2xx: 0, incomplete: 0 };
  const deadline = Date.now() + options.maxMs;
  try {
    for (let i = 0; i < options.warmup + options.count && Date.now() < deadline; i += 1) {
      const started = process.hrtime.bigint();
      const res = await client.request({
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        ...(spec.body === undefined ? {} : { body: spec.body }),
      });
      let firstChunk: bigint | null = null;
      let last = "";
      for await (const chunk of res.body) {
        firstChunk ??= process.hrtime.bigint();
        if (spec.stream === true) last = (last + (chunk as Buffer).toString("utf8")).slice(-64);
      }
      const ended = process.hrtime.bigint();
      if (i < options.warmup) continue;
      if (res.statusCode < 200 || res.statusCode >= 300) {
        out.non2xx += 1;
        continue;
      }
      out.samplesUs.push(Number(ended - started) / 1e3);
      if (spec.stream === true) {
        out.ttfbUs.push(Number((firstChunk ?? ended) - started) / 1e3);
        const whole =
          spec.complete ?? ((tail: string) => tail.trimEnd().endsWith(spec.streamEnd ?? "data: [DONE]"));
        if (!whole(last)) out.incomplete += 1;
      }
    }
  } finally {
    await client.close();
  }
  return out;
}

export interface Probe {
  status: number;
  ms: number;
  /** The start of the body, for "unavailable" reasons. */
  snippet: string;
}

/** One request on a fresh connection; never throws (a transport error is status 0). */
export async function probe(origin: string, spec: RequestSpec, timeoutMs = 30_000): Promise<Probe> {
  const client = new Client(origin, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const started = process.hrtime.bigint();
  try {
    const res = await client.request({
      method: spec.method,
      path: spec.path,
      headers: spec.headers,
      ...(spec.body === undefined ? {} : { body: spec.body }),
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      ms: Number(process.hrtime.bigint() - started) / 1e6,
      snippet: text.slice(0, 300),
    };
  } catch (error) {
    return {
      status: 0,
      ms: Number(process.hrtime.bigint() - started) / 1e6,
      snippet: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

export function isOk(p: Probe): boolean {
  return p.status >= 200 && p.status < 300;
}
