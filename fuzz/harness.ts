// The fuzz pass: hostile bodies for every face sent over real sockets to an in-process gateway in mock
// mode, each answer judged against its face's documented shapes. Reports counts (crashes, internal
// 500s, other 5xx, answers outside the shapes, responses slower than 2 s) and the process figures
// (max event-loop delay from perf_hooks.monitorEventLoopDelay, RSS growth). The gateway runs in a process
// of its own (gateway-process.ts), as users run it, so those figures are its own and not the harness's.
import { request } from "node:http";
import fc from "fast-check";
import { FACES, faceCases, type Face, type FuzzCase } from "./faces.ts";
import { CASE_HEADER, type Memory } from "./gateway-ipc.ts";
import { GatewayProcess } from "./gateway-handle.ts";
import type { Offender } from "./stalls.ts";
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
  /** The worst face's 99th percentile (faces are measured apart). */
  p99EventLoopDelayMs: number;
  /** The largest loop delay the loop thread's own CPU time accounts for (a shared machine's waits left out). */
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

function send(base: URL, c: FuzzCase, id = ""): Promise<Answer> {
  const started = performance.now();
  return new Promise((settle) => {
    // A client that hung up on purpose gets nothing to judge, however its socket ended.
    const resolve = (a: Answer): void =>
      settle(c.hangUp === undefined ? a : { status: HUNG_UP, headers: {}, bytes: Buffer.alloc(0), ms: a.ms });
    const headers = {
      ...c.headers,
      [CASE_HEADER]: id,
      ...(c.hangUp === "body" ? { "content-length": String(c.body.length * 2 + 16) } : {}),
    };
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
 * all 10,000 up front would hold hundreds of megabytes of huge strings, and making 100 at once kept the
 * harness from reading answers for 20–250 ms. Each face has its own seeds, so a face run alone sees the
 * same bodies.
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

/** The cases in flight and the last few answered, by id: a stall is reported a moment after it. */
class CaseBook {
  readonly #open = new Map<string, FuzzCase>();
  readonly #recent = new Map<string, FuzzCase>();
  #next = 0;

  open(c: FuzzCase): string {
    const id = String(this.#next++);
    this.#open.set(id, c);
    return id;
  }

  close(id: string): void {
    const c = this.#open.get(id);
    this.#open.delete(id);
    if (c === undefined) return;
    this.#recent.set(id, c);
    if (this.#recent.size > 32) this.#recent.delete(this.#recent.keys().next().value as string);
  }

  describe(id: string): string {
    const c = this.#open.get(id) ?? this.#recent.get(id);
    return c === undefined ? `case ${id}` : describe(c);
  }
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const started = performance.now();
  const book = new CaseBook();
  const worstStalls: Offender[] = [];
  const gw = await GatewayProcess.start((offender) => {
    worstStalls.push({ ...offender, inFlight: offender.inFlight.map((id) => book.describe(id)) });
    worstStalls.sort((a, b) => b.delayMs - a.delayMs);
    worstStalls.length = Math.min(worstStalls.length, 10);
  });
  try {
    return await pass(gw, book, options, started, worstStalls);
  } finally {
    gw.kill();
  }
}

async function pass(
  gw: GatewayProcess,
  book: CaseBook,
  options: FuzzOptions,
  started: number,
  worstStalls: Offender[],
): Promise<FuzzFigures> {
  const base = new URL(gw.url);
  const faces: Record<string, FaceFigures> = {};
  const concurrency = options.concurrency ?? 4;
  const which = options.faces ?? FACES;
  // Warm up (tokenizer, Ajv, JIT) before the baseline RSS and the delay histogram start.
  for (const face of which)
    for (const c of fc.sample(faceCases(face), { seed: 1, numRuns: 20 })) await send(base, c);
  const before = await gw.measure();
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
        const id = book.open(c.value);
        const a = await send(base, c.value, id);
        book.close(id);
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
    const now = await gw.pause();
    figures.memoryAfter = {
      rssMiB: MiB(now.rss),
      heapUsedMiB: MiB(now.heapUsed),
      heapTotalMiB: MiB(now.heapTotal),
    };
    await gw.measure();
  }
  const healthyAfter = (await fetch(`${gw.url}/healthz`).catch(() => undefined))?.status === 200;
  const internalErrorsCounted = await metricSum(gw.url, "bpg_internal_errors_total");
  const handlersLeft = await stuckHandlers(gw.url);
  const end = await gw.finish();
  const grown = (key: keyof Memory): number => MiB(end.open[key] - before[key]);
  return {
    seed: options.seed,
    faces,
    crashes: gw.crashes + end.crashes,
    healthyAfter,
    internalErrorsCounted,
    handlersLeft,
    maxEventLoopDelayMs: end.maxEventLoopDelayMs,
    p99EventLoopDelayMs: end.p99EventLoopDelayMs,
    maxOwnDelayMs: end.maxOwnDelayMs,
    rssGrowthMiB: grown("rss"),
    heapGrowthMiB: grown("heapUsed"),
    externalGrowthMiB: grown("external"),
    heapCommittedGrowthMiB: grown("heapTotal"),
    worstStalls,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
