// The fuzz pass: hostile bodies for every face sent over real sockets to an in-process gateway in mock
// mode, each answer judged against its face's documented shapes. Reports counts (crashes, internal
// 500s, other 5xx, answers outside the shapes, responses slower than 2 s) and the process figures
// (max event-loop delay from perf_hooks.monitorEventLoopDelay, RSS growth). In process on purpose: the
// event loop measured is the gateway's own.
import { request } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import fc from "fast-check";
import { startGateway } from "../src/server/gateway.ts";
import { FACES, faceCases, type Face, type FuzzCase } from "./faces.ts";
import { StallWatch, type Offender } from "./stalls.ts";
import { inShape, internal, simulated5xx, type Answer } from "./oracles.ts";

export interface FuzzOptions {
  seed: number;
  bodiesPerFace: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Called with a short description of each finding (default: none). */
  onFinding?: (finding: string) => void;
  /** The faces to run (default: all), so a slow machine can run them separately. */
  faces?: readonly Face[];
}

export interface FaceFigures {
  bodies: number;
  statuses: Record<string, number>;
  internal500: number;
  other5xx: number;
  outsideShape: number;
  slowerThan2s: number;
  /** Memory after this face's bodies and a full GC: a plateau is a high-water mark, a climb retention. */
  memoryAfter?: { rssMiB: number; heapUsedMiB: number; heapTotalMiB: number };
}

export interface FuzzFigures {
  seed: number;
  faces: Record<string, FaceFigures>;
  crashes: number;
  healthyAfter: boolean;
  /** The gateway's own count (bpg_internal_errors_total, every face), a second oracle. */
  internalErrorsCounted: number;
  /** Face handlers still working after every client was answered or hung up (should be 0). */
  handlersLeft: number;
  maxEventLoopDelayMs: number;
  p99EventLoopDelayMs: number;
  /** The largest loop delay the process's own CPU time accounts for (a shared machine's waits left out). */
  maxOwnDelayMs: number;
  rssGrowthMiB: number;
  /** Heap still used after a full GC, gateway open: what was retained. */
  heapGrowthMiB: number;
  /** Heap the engine keeps committed after a full GC (its own high-water mark). */
  heapCommittedGrowthMiB: number;
  /** Buffers outside the heap still held after a full GC. */
  externalGrowthMiB: number;
  /** The worst event-loop stalls and the cases in flight then. */
  worstStalls: Offender[];
  seconds: number;
}

/** The status of a case whose client hung up on purpose (nothing to judge). */
export const HUNG_UP = -2;

function send(base: URL, c: FuzzCase): Promise<Answer> {
  const started = performance.now();
  return new Promise((settle) => {
    // A client that hung up on purpose gets nothing to judge, however its socket ended.
    const resolve = (a: Answer): void =>
      settle(c.hangUp === undefined ? a : { status: HUNG_UP, headers: {}, bytes: Buffer.alloc(0), ms: a.ms });
    const headers =
      c.hangUp === "body" ? { ...c.headers, "content-length": String(c.body.length * 2 + 16) } : c.headers;
    const req = request(
      { host: base.hostname, port: base.port, path: c.path, method: "POST", headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => {
          chunks.push(d);
          if (c.hangUp === "answer") req.destroy();
        });
        // 'close' always comes, after 'end' or instead of it (a response cut short counts as cut).
        res.on("close", () =>
          resolve({
            status: res.complete ? (res.statusCode ?? 0) : -1,
            headers: res.headers,
            bytes: Buffer.concat(chunks),
            ms: performance.now() - started,
          }),
        );
        res.on("error", () => undefined);
      },
    );
    // A socket cut without an answer: only /prod/invoke's mirrored reset may do that, and it is not fuzzed.
    req.on("error", () =>
      resolve({ status: -1, headers: {}, bytes: Buffer.alloc(0), ms: performance.now() - started }),
    );
    if (c.hangUp === "body") req.write(c.body, () => req.destroy());
    else req.end(c.body);
  });
}

/**
 * A full GC that also hands free pages back (V8's "last resort" collection, what it does before an
 * out-of-memory): so RSS after it is what the process holds, not the heap's committed high-water mark.
 */
const gc = (): void =>
  (globalThis as { gc?: (options?: object) => void }).gc?.({
    type: "major",
    execution: "sync",
    flavor: "last-resort",
  });
const MiB = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * What a case is, for a finding or a stall: face, size and the body with its long runs folded
 * (`a×1200000`), so a huge body still shows where its bulk is, and its unprintable bytes escaped.
 */
function describe(c: FuzzCase): string {
  const folded = c.body
    .toString()
    .replace(/(.)\1{15,}/gs, (run, ch: string) => `${ch}×${run.length}`)
    .replace(/((?:.{2,40}?))\1{7,}/gs, (run, unit: string) => `(${unit})×${run.length / unit.length}`)
    .replace(/\s+/g, " ")
    // Control bytes and invalid UTF-8 (compression bombs, bad encodings) as escapes: the report stays text.
    .replace(
      // eslint-disable-next-line no-control-regex -- matching control bytes is the point
      /[\u0000-\u001f\u007f-\u009f\ufffd]/g,
      (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  return `${c.face} ${c.body.length} B ${folded.slice(0, 300)}`;
}

/**
 * A face's cases, made ten at a time as the workers take them, with a turn of the event loop between:
 * the harness shares the gateway's loop, and making 100 hostile bodies at once blocked it for 20–250 ms
 * (blamed on the gateway); all 10,000 up front would hold hundreds of megabytes of huge strings (counted
 * in its RSS). Each face has its own seeds, so a face run alone sees the same bodies.
 */
async function* casesOf(face: Face, options: FuzzOptions): AsyncGenerator<FuzzCase> {
  const chunk = 10;
  for (let made = 0, i = 0; made < options.bodiesPerFace; made += chunk, i++) {
    await new Promise((resolve) => setImmediate(resolve));
    const seed = (options.seed * 1000 + FACES.indexOf(face)) * 10_000 + i;
    yield* fc.sample(faceCases(face), { seed, numRuns: Math.min(chunk, options.bodiesPerFace - made) });
  }
}

/** The sum of a metric's samples on the gateway's /metrics. */
async function metricSum(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

/**
 * Handlers still working once every client is answered or gone (bpg_inference_in_flight): a client that
 * hung up must not leave one behind. Read until it is 0, for at most 10 s (the slowest answer's time).
 */
async function stuckHandlers(url: string): Promise<number> {
  const until = performance.now() + 10_000;
  for (;;) {
    const n = await metricSum(url, "bpg_inference_in_flight");
    if (n === 0 || performance.now() > until) return n;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const started = performance.now();
  let crashes = 0;
  const onCrash = (): void => {
    crashes++;
  };
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  // A budget no pass can spend: an exhausted one would answer every later body with a 429 unread.
  const gw = await startGateway({
    port: 0,
    mode: "mock",
    server: { log_level: "silent" } as never,
    mock: { teams: [{ team_id: "demo", api_token: "demo-token", budget_limit: 1e12 }] } as never,
  });
  const base = new URL(gw.url);
  const faces: Record<string, FaceFigures> = {};
  const concurrency = options.concurrency ?? 4;
  const which = options.faces ?? FACES;
  // Warm up (tokenizer, Ajv, JIT) before the baseline RSS and the delay histogram start.
  for (const face of which)
    for (const c of fc.sample(faceCases(face), { seed: 1, numRuns: 20 })) await send(base, c);
  gc();
  const before = process.memoryUsage();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const stalls = new StallWatch();
  loop.enable();
  stalls.start();
  try {
    for (const face of which) {
      const figures: FaceFigures = {
        bodies: 0,
        statuses: {},
        internal500: 0,
        other5xx: 0,
        outsideShape: 0,
        slowerThan2s: 0,
      };
      faces[face] = figures;
      const cases = casesOf(face, options);
      const worker = async (): Promise<void> => {
        for (let c = await cases.next(); c.done !== true; c = await cases.next()) {
          const done = stalls.track(() => describe(c.value));
          const a = await send(base, c.value);
          done();
          figures.bodies++;
          figures.statuses[a.status] = (figures.statuses[a.status] ?? 0) + 1;
          if (a.status === HUNG_UP) continue;
          const finding = (what: string): void =>
            options.onFinding?.(
              `${face} ${what}: ${a.status} ${a.bytes.subarray(0, 160).toString()} ← ${describe(c.value)}`,
            );
          if (a.ms > 2000) {
            figures.slowerThan2s++;
            finding(`slow (${Math.round(a.ms)} ms)`);
          }
          if (internal(c.value, a)) {
            figures.internal500++;
            finding("internal 500");
          } else if (a.status >= 500 && !simulated5xx(c.value, a)) {
            figures.other5xx++;
            finding("5xx");
          }
          if (!inShape(c.value, a)) {
            figures.outsideShape++;
            finding("outside the shapes");
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      // The forced GC below blocks the loop itself (a second and more on a busy machine): not measured.
      loop.disable();
      stalls.stop();
      gc();
      const now = process.memoryUsage();
      figures.memoryAfter = {
        rssMiB: MiB(now.rss),
        heapUsedMiB: MiB(now.heapUsed),
        heapTotalMiB: MiB(now.heapTotal),
      };
      loop.enable();
      stalls.start();
    }
  } finally {
    loop.disable();
    stalls.stop();
  }
  const healthyAfter = (await fetch(`${gw.url}/healthz`).catch(() => undefined))?.status === 200;
  const internalErrorsCounted = await metricSum(gw.url, "bpg_internal_errors_total");
  const handlersLeft = await stuckHandlers(gw.url);
  // Retention is what the heap still holds after a full GC with the gateway open (its caches count);
  // RSS growth also holds the allocator's high-water mark, which a GC does not hand back.
  gc();
  const open = process.memoryUsage();
  await gw.close();
  gc();
  const after = process.memoryUsage();
  process.off("uncaughtException", onCrash);
  process.off("unhandledRejection", onCrash);
  return {
    seed: options.seed,
    faces,
    crashes,
    healthyAfter,
    internalErrorsCounted,
    handlersLeft,
    maxEventLoopDelayMs: Math.round(loop.max / 1e5) / 10,
    p99EventLoopDelayMs: Math.round(loop.percentile(99) / 1e5) / 10,
    maxOwnDelayMs: Math.round(stalls.maxOwnMs),
    rssGrowthMiB: MiB(after.rss - before.rss),
    heapGrowthMiB: MiB(open.heapUsed - before.heapUsed),
    externalGrowthMiB: MiB(open.external - before.external),
    heapCommittedGrowthMiB: MiB(open.heapTotal - before.heapTotal),
    worstStalls: stalls.worst,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
