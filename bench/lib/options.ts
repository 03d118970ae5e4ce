// Benchmark settings from flags and BENCH_* environment variables (flags win). Pure, so the
// defaults and limits are tested.
import { ALL_SCENARIOS, type ScenarioId } from "./results.ts";

export { ALL_SCENARIOS };

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  /** Seconds per autocannon run. */
  seconds: number;
  connections: number;
  /** Measured requests per sequential latency run (after `latencyWarmup`). */
  latencyRequests: number;
  latencyWarmup: number;
  /** Time cap of one sequential latency run, ms. */
  latencyMaxMs: number;
  /** Seconds of warm-up load per server before round 1. */
  warmupSeconds: number;
  cassetteEntries: number;
  /** Time cap for recording the big cassette, s. */
  recordTimeoutSeconds: number;
  /** Whole-run time cap, s: later rounds are skipped past it. */
  maxSeconds: number;
  only: ScenarioId[];
  /** Gateway log level; default = the gateway's own default (info), i.e. what users get. */
  logLevel: string | null;
  /** Write V8 CPU profiles of the gateway processes here. */
  cpuProfDir: string | null;
  outDir: string;
  /** Which gateway to run: the built JavaScript (default, what `bpg` runs) or the TypeScript sources. */
  gateway: "dist" | "src";
  /** Run this script as the gateway instead (another build, or a stand-in to test the harness). */
  gatewayCli: string | null;
}

export class OptionsError extends Error {}

function int(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw new OptionsError(`${name} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new OptionsError(`${name} must be from ${min} to ${max}, got ${n}`);
  return n;
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === name) return argv[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

const KNOWN_FLAGS = [
  "--gateway",
  "--quick",
  "--rounds",
  "--seconds",
  "--only",
  "--cpu-prof-dir",
  "--out",
  "--help",
];

export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  defaultOutDir: string,
): BenchOptions {
  for (const arg of argv) {
    if (arg.startsWith("--") && !KNOWN_FLAGS.includes(arg.split("=")[0] as string))
      throw new OptionsError(`unknown flag ${arg}`);
  }
  const quick = argv.includes("--quick") || env.BENCH_QUICK === "1";
  const onlyRaw = flagValue(argv, "--only") ?? env.BENCH_ONLY;
  const only =
    onlyRaw === undefined || onlyRaw === "" ? [...ALL_SCENARIOS] : onlyRaw.split(",").map((s) => s.trim());
  for (const id of only) {
    if (!ALL_SCENARIOS.includes(id as ScenarioId))
      throw new OptionsError(`unknown scenario "${id}"; known: ${ALL_SCENARIOS.join(", ")}`);
  }
  // Ratios need their baselines in the same run.
  const withBaselines = new Set<ScenarioId>(only as ScenarioId[]);
  withBaselines.add("A");
  if (withBaselines.has("live")) {
    withBaselines.add("E");
    withBaselines.add("F");
  }
  if (withBaselines.has("replay-10k")) withBaselines.add("replay-10");
  if (withBaselines.has("responses")) withBaselines.add("mock"); // its CPU is judged against mock's
  // The Anthropic face's CPU is judged against mock /v1/chat/completions in the same run.
  if (withBaselines.has("messages")) withBaselines.add("mock");

  return {
    quick,
    rounds: int("rounds", flagValue(argv, "--rounds") ?? env.BENCH_ROUNDS, 1, 50) ?? 3,
    seconds: int("seconds", flagValue(argv, "--seconds") ?? env.BENCH_SECONDS, 1, 120) ?? (quick ? 2 : 5),
    connections: int("BENCH_CONNECTIONS", env.BENCH_CONNECTIONS, 1, 1000) ?? 50,
    latencyRequests:
      int("BENCH_LATENCY_REQUESTS", env.BENCH_LATENCY_REQUESTS, 10, 1_000_000) ?? (quick ? 500 : 3000),
    latencyWarmup: quick ? 50 : 200,
    latencyMaxMs: quick ? 3000 : 10_000,
    warmupSeconds: quick ? 1 : 2,
    cassetteEntries: int("BENCH_CASSETTE_ENTRIES", env.BENCH_CASSETTE_ENTRIES, 10, 1_000_000) ?? 10_000,
    recordTimeoutSeconds: int("BENCH_RECORD_TIMEOUT", env.BENCH_RECORD_TIMEOUT, 5, 3600) ?? 300,
    maxSeconds: int("BENCH_MAX_SECONDS", env.BENCH_MAX_SECONDS, 30, 24 * 3600) ?? 1800,
    only: ALL_SCENARIOS.filter((id) => withBaselines.has(id)),
    logLevel: env.BENCH_LOG_LEVEL === undefined || env.BENCH_LOG_LEVEL === "" ? null : env.BENCH_LOG_LEVEL,
    cpuProfDir: flagValue(argv, "--cpu-prof-dir") ?? (env.BENCH_CPU_PROF_DIR || null),
    outDir: flagValue(argv, "--out") ?? (env.BENCH_OUT || defaultOutDir),
    gateway: gatewayBuild(flagValue(argv, "--gateway") ?? env.BENCH_GATEWAY),
    gatewayCli: env.BENCH_GATEWAY_CLI || null,
  };
}

function gatewayBuild(raw: string | undefined): "dist" | "src" {
  if (raw === undefined || raw === "" || raw === "dist") return "dist";
  if (raw === "src") return "src";
  throw new OptionsError(`gateway must be dist or src, got "${raw}"`);
}

export const USAGE = `npm run bench [-- --quick] [--rounds N] [--seconds N] [--only A,E,mock,…] [--gateway dist|src] [--out DIR] [--cpu-prof-dir DIR]
Environment: BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_LATENCY_REQUESTS, BENCH_CASSETTE_ENTRIES,
BENCH_RECORD_TIMEOUT, BENCH_MAX_SECONDS, BENCH_ONLY, BENCH_LOG_LEVEL, BENCH_CPU_PROF_DIR, BENCH_OUT, BENCH_GATEWAY, BENCH_GATEWAY_CLI, BENCH_QUICK=1.`;
