// Builds the replay scenario's cassettes the way users do: a gateway in record mode on the simulator
// (`upstream.kind: mock`) is sent unique prompts, then stopped so it flushes. The request the replay
// scenario sends is recorded last, in both cassettes, so a cassette that is searched linearly pays
// for its size.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Pool } from "undici";
import { startGatewayProcess, type GatewayBuild } from "./gateway.ts";
import { isOk, probe, type RequestSpec } from "./load.ts";
import { CHAT_HEADERS, INVOKE_HEADERS, chatBody, invokeBody } from "./payloads.ts";

export const REPLAY_PROMPT = "bench replay target: say hello in one short sentence.";

export interface CassetteSet {
  dir: string;
  /** The surface recorded and replayed: /v1/chat/completions if it works, else /prod/invoke. */
  spec: RequestSpec;
  entries: number;
  bytes: number;
  seconds: number;
}

function specFor(surface: "v1" | "invoke", prompt: string): RequestSpec {
  return surface === "v1"
    ? { method: "POST", path: "/v1/chat/completions", headers: CHAT_HEADERS, body: chatBody({ prompt }) }
    : { method: "POST", path: "/prod/invoke", headers: INVOKE_HEADERS, body: invokeBody(prompt) };
}

export interface RecordOptions {
  build: GatewayBuild;
  cli?: string;
  workDir: string;
  name: string;
  entries: number;
  timeoutSeconds: number;
  logLevel: string | null;
}

/** Record one cassette; throws with a reason the runner reports as "unavailable". */
export async function recordCassette(options: RecordOptions): Promise<CassetteSet> {
  const dir = join(options.workDir, "cassettes");
  const started = Date.now();
  const gateway = await startGatewayProcess({
    name: `record-${options.name}`,
    build: options.build,
    ...(options.cli === undefined ? {} : { cli: options.cli }),
    workDir: options.workDir,
    args: ["--mode", "record", "--cassette-dir", dir, "--cassette", options.name],
    env: { BPG_UPSTREAM: "mock" },
    // Recording speed is not what we measure; keep its log small.
    logLevel: options.logLevel ?? "warn",
    cpuProfDir: null,
  });
  try {
    let surface: "v1" | "invoke" = "v1";
    const first = await probe(gateway.url, specFor("v1", "bench record probe 0"));
    if (!isOk(first)) {
      const second = await probe(gateway.url, specFor("invoke", "bench record probe 0"));
      if (!isOk(second)) {
        throw new Error(
          `record mode answers ${first.status} on /v1/chat/completions (${first.snippet.slice(0, 120)}) and ${second.status} on /prod/invoke (${second.snippet.slice(0, 120)})`,
        );
      }
      surface = "invoke";
    }
    const pool = new Pool(gateway.url, { connections: 8, pipelining: 1 });
    const deadline = started + options.timeoutSeconds * 1000;
    let next = 1; // the probe was entry 0
    let failures = 0;
    const last = options.entries - 1;
    const worker = async (): Promise<void> => {
      while (next < last && Date.now() < deadline && failures < 20) {
        const spec = specFor(surface, `bench record prompt ${next}: reply briefly.`);
        next += 1;
        const res = await pool.request({
          method: "POST",
          path: spec.path,
          headers: spec.headers,
          body: spec.body ?? "",
        });
        await res.body.dump();
        if (res.statusCode < 200 || res.statusCode >= 300) failures += 1;
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, () => worker()));
    } finally {
      await pool.close();
    }
    if (failures >= 20) throw new Error(`record mode failed 20 requests while recording ${options.name}`);
    if (next < last)
      throw new Error(
        `recorded only ${next} of ${options.entries} entries in ${options.timeoutSeconds} s (BENCH_RECORD_TIMEOUT)`,
      );
    const target = await probe(gateway.url, specFor(surface, REPLAY_PROMPT));
    if (!isOk(target)) throw new Error(`record mode answered ${target.status} to the replay target`);
    await gateway.stop();
    const files = existsSync(dir) ? findFiles(dir) : [];
    const file = files.find((f) => f.includes(options.name));
    if (file === undefined)
      throw new Error(`record mode wrote no cassette file for "${options.name}" under ${dir}`);
    return {
      dir,
      spec: specFor(surface, REPLAY_PROMPT),
      entries: options.entries,
      bytes: statSync(file).size,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await gateway.stop();
  }
}

/** Files under dir, at most 3 levels deep and 10,000 names (cassette layouts are the cassette feature's choice). */
function findFiles(dir: string, depth = 0, out: string[] = []): string[] {
  if (depth > 3 || out.length > 10_000) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findFiles(path, depth + 1, out);
    else out.push(path);
  }
  return out;
}
