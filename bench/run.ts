// `npm run bench`: baselines A (bare node:http) and E (Express + undici hop) against our gateway's
// scenarios, each server in its own process, interleaved over rounds; medians and same-round ratios go
// to bench/results/latest.{json,md}. See bench/README.md. Every child is killed on exit, error or signal.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { recordCassette, type CassetteSet } from "./lib/cassettes.ts";
import { killAllNow, spawnServer, stopAll, type ServerProcess } from "./lib/children.ts";
import { REPO_ROOT, baseEnv, buildDist, startGatewayProcess } from "./lib/gateway.ts";
import { isOk, probe, sequentialLatency, throughput, type RequestSpec } from "./lib/load.ts";
import { OptionsError, USAGE, parseOptions, type BenchOptions } from "./lib/options.ts";
import {
  CHAT_HEADERS,
  CONVERSE_HEADERS,
  CONVERSE_PATH,
  INVOKE_HEADERS,
  MESSAGES_HEADERS,
  MOCK_TEAM,
  chatBody,
  converseBody,
  invokeBody,
  messagesBody,
  responsesBody,
} from "./lib/payloads.ts";
import { clockTicksPerSecond, cpuMicrosPerRequest, readCpuTicks, readMemory } from "./lib/proc.ts";
import { renderMarkdown, type Report } from "./lib/report.ts";
import {
  evaluateTargets,
  summarize,
  targetInputs,
  type RoundMeasure,
  type ScenarioId,
  type ScenarioResult,
} from "./lib/results.ts";
import { median, percentile } from "./lib/stats.ts";

const SERVERS = join(REPO_ROOT, "bench", "servers");

interface Prepared {
  result: ScenarioResult;
  server: ServerProcess | null;
  spec: RequestSpec;
}

const CHAT: RequestSpec = {
  method: "POST",
  path: "/v1/chat/completions",
  headers: CHAT_HEADERS,
  body: chatBody(),
};
const STREAM: RequestSpec = {
  method: "POST",
  path: "/v1/chat/completions",
  headers: CHAT_HEADERS,
  body: chatBody({ stream: true }),
  stream: true,
};
const RESPONSES: RequestSpec = {
  method: "POST",
  path: "/v1/responses",
  headers: CHAT_HEADERS,
  body: responsesBody(),
};
const MESSAGES: RequestSpec = {
  method: "POST",
  path: "/v1/messages",
  headers: MESSAGES_HEADERS,
  body: messagesBody(),
};
const MESSAGES_STREAM: RequestSpec = {
  method: "POST",
  path: "/v1/messages",
  headers: MESSAGES_HEADERS,
  body: messagesBody({ stream: true }),
  stream: true,
  streamEnd: 'data: {"type":"message_stop"}',
};
const INVOKE: RequestSpec = {
  method: "POST",
  path: "/prod/invoke",
  headers: INVOKE_HEADERS,
  body: invokeBody(),
};
const CONVERSE: RequestSpec = {
  method: "POST",
  path: CONVERSE_PATH,
  headers: CONVERSE_HEADERS,
  body: converseBody(),
};
const CONVERSE_STREAM: RequestSpec = {
  method: "POST",
  path: `${CONVERSE_PATH}-stream`,
  headers: CONVERSE_HEADERS,
  body: converseBody(),
  stream: true,
  // The last event-stream message is `metadata` (its JSON ends with the metrics), then 4 CRC bytes.
  complete: (tail) => tail.includes('"latencyMs"'),
};
const HEALTHZ: RequestSpec = { method: "GET", path: "/healthz", headers: {} };

const TITLES: Record<ScenarioId, string> = {
  A: "bare node:http, fixed ~600 B completion",
  E: "Express 5 + undici hop to A",
  F: "node:http + undici hop to the fake proxy, nothing else (floor of a hop)",
  healthz: "gateway GET /healthz (skeleton cost)",
  mock: "gateway mock, /v1/chat/completions",
  responses: "gateway mock, /v1/responses",
  invoke: "gateway mock, /prod/invoke",
  stream: "gateway mock, /v1 stream: true (streams/s)",
  converse: "gateway mock, Bedrock /model/{id}/converse",
  "converse-stream": "gateway mock, Bedrock /model/{id}/converse-stream (streams/s)",
  messages: "gateway mock, /v1/messages (Anthropic face)",
  "messages-stream": "gateway mock, /v1/messages stream: true (streams/s)",
  live: "gateway live → local fake proxy",
  "replay-10k": "gateway replay, 10,000-entry cassette",
  "replay-10": "gateway replay, 10-entry cassette",
};

/** A mock config whose team never runs out of simulated budget during a load run. */
const MOCK_CONFIG = `mock:
  teams:
    - team_id: ${MOCK_TEAM.teamId}
      api_token: ${MOCK_TEAM.apiToken}
      budget_limit: 1000000000
`;

function emptyResult(id: ScenarioId): ScenarioResult {
  return {
    id,
    title: TITLES[id],
    status: "ok",
    startupMs: null,
    firstRequestMs: null,
    rssIdleBytes: null,
    peakRssBytes: null,
    rounds: [],
  };
}

function unavailable(
  id: ScenarioId,
  reason: string,
  status: "unavailable" | "failed" = "unavailable",
): Prepared {
  return { result: { ...emptyResult(id), status, reason }, server: null, spec: HEALTHZ };
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(options: BenchOptions, work: string): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const notes: string[] = [];
  const configFile = join(work, "bench-config.yaml");
  writeFileSync(configFile, MOCK_CONFIG);
  const wants = (id: ScenarioId): boolean => options.only.includes(id);
  const gatewayLaunch = {
    build: options.gateway,
    ...(options.gatewayCli === null ? {} : { cli: options.gatewayCli }),
    workDir: work,
    logLevel: options.logLevel,
    cpuProfDir: options.cpuProfDir,
  };
  if (options.cpuProfDir !== null) mkdirSync(options.cpuProfDir, { recursive: true });
  if (options.gatewayCli !== null)
    notes.push(`Gateway replaced by ${options.gatewayCli} (BENCH_GATEWAY_CLI).`);
  else if (options.gateway === "dist") {
    log("building dist/ from the current sources (npm run build)…");
    await buildDist();
  }

  const ownServer = (
    name: string,
    script: string,
    env: Record<string, string> = {},
  ): Promise<ServerProcess> =>
    spawnServer({
      name,
      args: [join(SERVERS, script)],
      env: { ...baseEnv(), ...env },
      cwd: work,
      logFile: join(work, `${name}.log`),
    });

  // 1. Start every server and check it answers; what does not answer is "unavailable", with the reason.
  const prepared: Prepared[] = [];
  const prepare = async (
    id: ScenarioId,
    spec: RequestSpec,
    start: () => Promise<ServerProcess>,
    extra: { accept?: (snippet: string) => string | null; coldStarts?: number } = {},
  ): Promise<void> => {
    if (!wants(id)) return;
    const { accept, coldStarts = 1 } = extra;
    // Extra cold starts (replay): start-up + first request is noisy on a shared machine, and the
    // cassette-load target is a difference of two of them, so take the median of several.
    const startups: number[] = [];
    const firsts: number[] = [];
    for (let i = 1; i < coldStarts; i += 1) {
      try {
        const cold = await start();
        const p = await probe(cold.url, spec);
        await cold.stop();
        if (!isOk(p)) break;
        startups.push(cold.startupMs);
        firsts.push(p.ms);
      } catch {
        break; // the final start below reports the problem
      }
    }
    let server: ServerProcess;
    try {
      server = await start();
    } catch (error) {
      prepared.push(unavailable(id, error instanceof Error ? error.message : String(error), "failed"));
      return;
    }
    const first = await probe(server.url, spec);
    const rejection = !isOk(first)
      ? `HTTP ${first.status}: ${first.snippet.slice(0, 200)}`
      : (accept?.(first.snippet) ?? null);
    if (rejection !== null) {
      await server.stop();
      prepared.push(unavailable(id, `not implemented yet? probe ${spec.method} ${spec.path} → ${rejection}`));
      log(`${id}: unavailable (${rejection.slice(0, 100)})`);
      return;
    }
    await sleep(200);
    const result = emptyResult(id);
    result.startupMs = median([...startups, server.startupMs]);
    result.firstRequestMs = median([...firsts, first.ms]);
    result.rssIdleBytes = readMemory(server.pid)?.rssBytes ?? null;
    prepared.push({ result, server, spec });
    log(
      `${id}: ready at ${server.url} (start ${Math.round(result.startupMs ?? 0)} ms, first request ${(result.firstRequestMs ?? 0).toFixed(1)} ms` +
        `${coldStarts > 1 ? `, medians of ${startups.length + 1} starts` : ""})`,
    );
  };

  let a: ServerProcess | null = null;
  await prepare("A", CHAT, async () => (a = await ownServer("baseline-a", "baseline-a.ts")));
  if (a === null) throw new Error("baseline A did not start; nothing can be compared");
  const aUrl = (a as ServerProcess).url;
  await prepare("E", CHAT, () => ownServer("baseline-e", "baseline-e.ts", { BENCH_A_URL: aUrl }));
  const mockArgs = ["--mode", "mock", "--config", configFile];
  await prepare("healthz", HEALTHZ, () =>
    startGatewayProcess({ ...gatewayLaunch, name: "healthz", args: mockArgs }),
  );
  await prepare("mock", CHAT, () => startGatewayProcess({ ...gatewayLaunch, name: "mock", args: mockArgs }));
  await prepare("responses", RESPONSES, () =>
    startGatewayProcess({ ...gatewayLaunch, name: "responses", args: mockArgs }),
  );
  await prepare("invoke", INVOKE, () =>
    startGatewayProcess({ ...gatewayLaunch, name: "invoke", args: mockArgs }),
  );
  await prepare(
    "stream",
    STREAM,
    () => startGatewayProcess({ ...gatewayLaunch, name: "stream", args: mockArgs }),
    {
      accept: (body) =>
        body.startsWith("data:") || body.includes("\ndata:")
          ? null
          : `not an SSE body: ${body.slice(0, 120)}`,
    },
  );
  await prepare("converse", CONVERSE, () =>
    startGatewayProcess({ ...gatewayLaunch, name: "converse", args: mockArgs }),
  );
  await prepare(
    "converse-stream",
    CONVERSE_STREAM,
    () => startGatewayProcess({ ...gatewayLaunch, name: "converse-stream", args: mockArgs }),
    {
      accept: (body) =>
        body.includes(":event-type") && body.includes("messageStart")
          ? null
          : `not an event stream: ${body.slice(0, 120)}`,
    },
  );
  await prepare("messages", MESSAGES, () =>
    startGatewayProcess({ ...gatewayLaunch, name: "messages", args: mockArgs }),
  );
  await prepare(
    "messages-stream",
    MESSAGES_STREAM,
    () => startGatewayProcess({ ...gatewayLaunch, name: "messages-stream", args: mockArgs }),
    {
      accept: (body) =>
        body.startsWith("event: message_start")
          ? null
          : `not an Anthropic event stream: ${body.slice(0, 120)}`,
    },
  );
  if (wants("live") || wants("F")) {
    const proxy = await ownServer("fake-proxy", "fake-proxy.ts");
    await prepare("F", CHAT, () => ownServer("baseline-f", "baseline-f.ts", { BENCH_PROXY_URL: proxy.url }));
    await prepare("live", CHAT, () =>
      startGatewayProcess({
        ...gatewayLaunch,
        name: "live",
        env: {
          BPG_MODE: "live",
          BEDROCK_API_ENDPOINT: `${proxy.url}/prod/invoke`,
          BEDROCK_TEAM_ID: MOCK_TEAM.teamId,
          BEDROCK_API_TOKEN: MOCK_TEAM.apiToken,
        },
      }),
    );
  }
  if (wants("replay-10k") || wants("replay-10")) {
    const record = async (name: string, entries: number): Promise<CassetteSet | string> => {
      log(`recording a ${entries}-entry cassette through the gateway (record mode on the simulator)…`);
      try {
        const set = await recordCassette({
          ...gatewayLaunch,
          workDir: work,
          name,
          entries,
          timeoutSeconds: options.recordTimeoutSeconds,
          logLevel: null,
        });
        notes.push(
          `Cassette "${name}": ${entries} entries recorded through ${set.spec.path} in ${set.seconds.toFixed(1)} s, ${Math.round(set.bytes / 1024)} KiB on disk.`,
        );
        return set;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    };
    const small = await record("bench-10", 10);
    const big = typeof small === "string" ? small : await record("bench-10k", options.cassetteEntries);
    for (const [id, set, name] of [
      ["replay-10", small, "bench-10"],
      ["replay-10k", big, "bench-10k"],
    ] as const) {
      if (typeof set === "string") {
        prepared.push(unavailable(id, `cassettes: ${set}`));
        log(`${id}: unavailable (${set.slice(0, 100)})`);
        continue;
      }
      await prepare(
        id,
        set.spec,
        () =>
          startGatewayProcess({
            ...gatewayLaunch,
            name: id,
            args: ["--mode", "replay", "--cassette-dir", set.dir, "--cassette", name],
          }),
        { coldStarts: 3 },
      );
    }
  }
  if (options.cassetteEntries !== 10_000)
    notes.push(
      `The big cassette has ${options.cassetteEntries} entries (BENCH_CASSETTE_ENTRIES), not 10,000.`,
    );

  // 2. Warm up every server that answers, then interleave the scenarios over rounds.
  const active = prepared.filter((p) => p.server !== null);
  for (const p of active)
    await throughput((p.server as ServerProcess).url, p.spec, options.connections, options.warmupSeconds);
  const hz = clockTicksPerSecond();
  let truncated = false;
  for (let round = 1; round <= options.rounds && !truncated; round += 1) {
    // Rotate the order each round so slow drift of the machine does not always hit the same scenario.
    const order = active.map((_, i) => active[(i + round - 1) % active.length] as Prepared);
    for (const p of order) {
      if ((Date.now() - started) / 1000 > options.maxSeconds) {
        truncated = true;
        notes.push(`Stopped after round ${round - 1}: BENCH_MAX_SECONDS (${options.maxSeconds} s) reached.`);
        break;
      }
      const server = p.server as ServerProcess;
      const before = readCpuTicks(server.pid);
      const load = await throughput(server.url, p.spec, options.connections, options.seconds);
      const after = readCpuTicks(server.pid);
      const rssAfter = readMemory(server.pid)?.rssBytes ?? null;
      const latency = await sequentialLatency(server.url, p.spec, {
        warmup: options.latencyWarmup,
        count: options.latencyRequests,
        maxMs: options.latencyMaxMs,
      });
      const measure: RoundMeasure = {
        round,
        rps: load.rps,
        requests: load.ok,
        non2xx: load.non2xx + latency.non2xx,
        errors: load.errors,
        p50Us: percentile(latency.samplesUs, 50),
        p99Us: percentile(latency.samplesUs, 99),
        ttfbP50Us: p.spec.stream === true ? percentile(latency.ttfbUs, 50) : null,
        cpuUsPerRequest: cpuMicrosPerRequest(before, after, load.ok + load.non2xx, hz),
        rssAfterBytes: rssAfter,
      };
      p.result.rounds.push(measure);
      if (measure.non2xx > 0 || measure.errors > 0 || latency.incomplete > 0) {
        notes.push(
          `Round ${round}, ${p.result.id}: ${measure.non2xx} non-2xx, ${measure.errors} connection errors, ${latency.incomplete} incomplete streams.`,
        );
      }
      log(
        `round ${round} ${p.result.id}: ${Math.round(load.rps)} req/s, p50 ${Math.round(measure.p50Us ?? 0)} µs, p99 ${Math.round(measure.p99Us ?? 0)} µs` +
          (measure.ttfbP50Us === null ? "" : `, ttfb ${Math.round(measure.ttfbP50Us)} µs`) +
          `, cpu ${Math.round(measure.cpuUsPerRequest ?? 0)} µs/req`,
      );
    }
  }
  for (const p of active) {
    const server = p.server as ServerProcess;
    p.result.peakRssBytes = readMemory(server.pid)?.peakRssBytes ?? null;
    const failing = p.result.rounds.filter((r) => r.requests === 0 || r.non2xx > r.requests / 100).length;
    if (failing > 0) {
      p.result.status = "failed";
      p.result.reason = `${failing} round(s) with no successful request or more than 1% non-2xx answers`;
    }
  }
  await stopAll();

  // 3. Judge and write.
  const scenarios = prepared
    .map((p) => p.result)
    .sort((x, y) => options.only.indexOf(x.id) - options.only.indexOf(y.id));
  const summaries = summarize(scenarios);
  const cpu = cpus();
  const report: Report = {
    version: 1,
    date: new Date().toISOString(),
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? "unknown",
      node: process.version,
      platform: `${platform()} ${release()}`,
      totalMemMiB: Math.round(totalmem() / 1024 / 1024),
      loadAverage: [loadAtStart, loadavg()[0] ?? 0],
    },
    settings: {
      rounds: options.rounds,
      "seconds/run": options.seconds,
      connections: options.connections,
      "latency requests": options.latencyRequests,
      gateway:
        options.gatewayCli ??
        (options.gateway === "dist" ? "dist/cli.js (built JS)" : "src/cli.ts (type stripping)"),
      "gateway log level": options.logLevel ?? "default (info)",
      quick: options.quick,
    },
    scenarios,
    summaries,
    targets: evaluateTargets(targetInputs(scenarios, summaries)),
    notes,
  };
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report);
  writeFileSync(join(options.outDir, "latest.md"), markdown);
  process.stdout.write(markdown);
  log(
    `done in ${Math.round((Date.now() - started) / 1000)} s; wrote ${join(options.outDir, "latest.json")} and latest.md`,
  );
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2), process.env, join(REPO_ROOT, "bench", "results"));
} catch (error) {
  if (!(error instanceof OptionsError)) throw error;
  process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
  process.exit(2);
}
if (process.argv.includes("--help")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "bpg-bench-"));
const cleanUp = (): void => {
  killAllNow();
  rmSync(work, { recursive: true, force: true, maxRetries: 2 });
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping every server`);
    process.exit(130);
  });
}
try {
  await main(options, work);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
