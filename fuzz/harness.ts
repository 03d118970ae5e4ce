// The fuzz pass: hostile bodies for every face sent over real sockets to an in-process gateway in mock
// mode, each answer judged against its face's documented shapes. Reports counts (crashes, internal
// 500s, other 5xx, answers outside the shapes, responses slower than 2 s) and the process figures
// (max event-loop delay from perf_hooks.monitorEventLoopDelay, RSS growth). In process on purpose: the
// event loop measured is the gateway's own.
import { request } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import fc from "fast-check";
import { startGateway } from "../src/server/gateway.ts";
import { FACES, faceCases, type FuzzCase } from "./bodies.ts";

export interface FuzzOptions {
  seed: number;
  bodiesPerFace: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Called with a short description of each finding (default: none). */
  onFinding?: (finding: string) => void;
}

export interface FaceFigures {
  bodies: number;
  statuses: Record<string, number>;
  internal500: number;
  other5xx: number;
  outsideShape: number;
  slowerThan2s: number;
}

export interface FuzzFigures {
  seed: number;
  faces: Record<string, FaceFigures>;
  crashes: number;
  healthyAfter: boolean;
  maxEventLoopDelayMs: number;
  p99EventLoopDelayMs: number;
  rssGrowthMiB: number;
  seconds: number;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

function send(base: URL, c: FuzzCase): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: base.hostname, port: base.port, path: c.path, method: "POST", headers: c.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        // 'close' always comes, after 'end' or instead of it (a response cut short counts as cut).
        res.on("close", () =>
          resolve({
            status: res.complete ? (res.statusCode ?? 0) : -1,
            contentType: String(res.headers["content-type"] ?? ""),
            text: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          }),
        );
        res.on("error", () => undefined);
      },
    );
    // A socket cut without an answer: only /prod/invoke's mirrored reset may do that, and it is not fuzzed.
    req.on("error", () =>
      resolve({ status: -1, contentType: "", text: "", ms: performance.now() - started }),
    );
    req.end(c.body);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The OpenAI error body CONTRACT §3 documents. */
function openAIError(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.error)) return false;
  return typeof value.error.message === "string" && typeof value.error.type === "string";
}

/** Whether the answer is one of the face's documented shapes. */
function inShape(c: FuzzCase, a: Answer): boolean {
  const body = parse(a.text);
  if (c.face === "invoke") {
    if (a.status === 200) return isObject(body) && Array.isArray(body.content) && isObject(body.usage);
    // The proxy's error shapes: {"error": "…"} (and "message"), or the gateway timeout's {"message": "…"}.
    return (
      isObject(body) &&
      (typeof body.error === "string" || typeof body.message === "string" || openAIError(body))
    );
  }
  if (a.status !== 200) return openAIError(body);
  // By what came back: a hostile `stream: true` may turn a plain case into a stream.
  if (!a.contentType.startsWith("text/event-stream"))
    return isObject(body) && body.object === "chat.completion";
  const frames = a.text.trimEnd().split("\n\n");
  const last = frames.at(-1) ?? "";
  if (last !== "data: [DONE]" && !openAIError(parse(last.replace(/^data: /, "")))) return false;
  return frames.every((f) => f.startsWith("data: "));
}

function internal(c: FuzzCase, a: Answer): boolean {
  if (a.status !== 500) return false;
  if (c.face === "invoke") return a.text.includes("unexpected error");
  const body = parse(a.text);
  return isObject(body) && isObject(body.error) && body.error.code === "internal_error";
}

/** A simulated Bedrock error is the proxy's documented 500 on /prod/invoke. */
function simulated5xx(c: FuzzCase, a: Answer): boolean {
  return c.face === "invoke" && a.status === 500 && a.text.includes("Bedrock error");
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const started = performance.now();
  let crashes = 0;
  const onCrash = (): void => {
    crashes++;
  };
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  const gw = await startGateway({ port: 0, mode: "mock", server: { log_level: "silent" } as never });
  const base = new URL(gw.url);
  const faces: Record<string, FaceFigures> = {};
  const concurrency = options.concurrency ?? 4;
  // Warm up (tokenizer, Ajv, JIT) before the baseline RSS and the delay histogram start.
  for (const face of FACES)
    for (const c of fc.sample(faceCases(face), { seed: 1, numRuns: 5 })) await send(base, c);
  const rssBefore = process.memoryUsage().rss;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  try {
    for (const [i, face] of FACES.entries()) {
      const figures: FaceFigures = {
        bodies: 0,
        statuses: {},
        internal500: 0,
        other5xx: 0,
        outsideShape: 0,
        slowerThan2s: 0,
      };
      faces[face] = figures;
      const cases = fc.sample(faceCases(face), { seed: options.seed + i, numRuns: options.bodiesPerFace });
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let c = cases[next++]; c !== undefined; c = cases[next++]) {
          const a = await send(base, c);
          figures.bodies++;
          figures.statuses[a.status] = (figures.statuses[a.status] ?? 0) + 1;
          const finding = (what: string): void =>
            options.onFinding?.(
              `${face} ${what}: ${a.status} ${a.text.slice(0, 160)} ← ${c.body.subarray(0, 160).toString()}`,
            );
          if (a.ms > 2000) {
            figures.slowerThan2s++;
            finding(`slow (${Math.round(a.ms)} ms)`);
          }
          if (internal(c, a)) {
            figures.internal500++;
            finding("internal 500");
          } else if (a.status >= 500 && !simulated5xx(c, a)) {
            figures.other5xx++;
            finding("5xx");
          }
          if (!inShape(c, a)) {
            figures.outsideShape++;
            finding("outside the shapes");
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
  } finally {
    loop.disable();
  }
  const healthyAfter = (await fetch(`${gw.url}/healthz`).catch(() => undefined))?.status === 200;
  await gw.close();
  (globalThis as { gc?: () => void }).gc?.();
  const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  process.off("uncaughtException", onCrash);
  process.off("unhandledRejection", onCrash);
  return {
    seed: options.seed,
    faces,
    crashes,
    healthyAfter,
    maxEventLoopDelayMs: Math.round(loop.max / 1e5) / 10,
    p99EventLoopDelayMs: Math.round(loop.percentile(99) / 1e5) / 10,
    rssGrowthMiB: Math.round(rssGrowthMiB * 10) / 10,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
