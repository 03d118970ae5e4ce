// In-process microbenchmark of the live upstream client: CPU µs per `client.invoke()` (which parses and
// classifies the answer) with N concurrent calls against the bench's fake proxy (its own process, so its
// CPU is not counted), next to plain undici doing the same call. Not part of the test suite and not part
// of `npm run bench` (which never imports src/): run it by hand, on Node 24:
//
//   node_modules/.bin/node bench/micro/live-client.ts [--calls 20000] [--rounds 5] [--concurrency 50]
//                                                      [--only client,pool.request] [--profile]
//                                                      [--compare path/to/other-client.ts]
//
// `--compare` adds a variant "compare" built by another module's createLiveClient (e.g. main's:
// `git show main:src/upstream/live/client.ts > src/upstream/live/client-main.ts`, not to be committed).
// `--profile` runs only the first selected variant, once, so `--cpu-prof` shows that variant alone.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Agent, Pool, request } from "undici";
import { createLogger } from "../../src/shared/logger.ts";
import { createMetrics } from "../../src/shared/metrics.ts";
import { createLiveClient } from "../../src/upstream/live/client.ts";
import { withRetries } from "../../src/upstream/retry.ts";
import type { InvokeContext, InvokeRequest, UpstreamClient } from "../../src/upstream/types.ts";
import { INVOKE_MODEL, PROMPT } from "../lib/payloads.ts";

const { values: args } = parseArgs({
  options: {
    calls: { type: "string", default: "20000" },
    rounds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "50" },
    only: { type: "string" },
    profile: { type: "boolean", default: false },
    compare: { type: "string" },
  },
});
const CALLS = Math.min(Number(args.calls), 1_000_000);
const ROUNDS = Math.min(Number(args.rounds), 50);
const CONCURRENCY = Math.min(Number(args.concurrency), 1_000);

/** What the /v1 translation hands the client for the bench's short prompt. */
const REQUEST: InvokeRequest = {
  model: INVOKE_MODEL,
  messages: [{ role: "user", content: PROMPT }],
  max_tokens: 64,
};
const CREDENTIALS = { teamId: "demo", apiToken: "demo-token", teamField: "team_id" } as const;
/** A fresh context per call, its signal made on first use, as the /v1 route builds it (http/chat.ts). */
function context(): InvokeContext {
  let controller: AbortController | undefined;
  return {
    credentials: CREDENTIALS,
    requestId: "req_bench",
    get signal(): AbortSignal {
      controller ??= new AbortController();
      return controller.signal;
    },
  };
}
const HEADERS = {
  "content-type": "application/json",
  accept: "application/json",
  "user-agent": "bench",
  "x-team-id": "demo",
  "x-api-token": "demo-token",
};
const wireBody = (): string => JSON.stringify({ team_id: "demo", api_token: "demo-token", ...REQUEST });

async function startFakeProxy(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ["--import", "./bench/servers/guard.mjs", "bench/servers/fake-proxy.ts"],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("fake proxy did not start in 10 s")), 10_000);
    lines.on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(`${match[1]}/prod/invoke`);
      }
    });
    child.once("exit", () => reject(new Error("fake proxy exited")));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

type Call = () => Promise<unknown>;

interface Variant {
  name: string;
  call: Call;
  close: () => Promise<void>;
}

type CreateClient = typeof createLiveClient;
const compareWith: CreateClient | undefined =
  args.compare === undefined
    ? undefined
    : (
        (await import(new URL(args.compare, `file://${process.cwd()}/`).href)) as {
          createLiveClient: CreateClient;
        }
      ).createLiveClient;

function variants(url: string): Variant[] {
  const logger = createLogger("info", { write: () => {} });
  const metrics = createMetrics({ defaultMetrics: false });
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const { origin, pathname } = new URL(url);
  const pool = new Pool(origin, { keepAliveTimeout: 30_000, connections: 64 });
  const live = (create: CreateClient = createLiveClient): UpstreamClient =>
    create({ url, timeoutMs: 120_000, logger, metrics });
  const client = live();
  const retried = withRetries(live(), { retries: 2 });
  const parsed = async (c: UpstreamClient): Promise<unknown> => {
    const response = await c.invoke(REQUEST, context());
    if (!response.ok) throw new Error(`status ${response.status}`);
    return response.answer;
  };
  const compared = compareWith === undefined ? undefined : live(compareWith);
  return [
    ...(compared === undefined
      ? []
      : [{ name: "compare", call: () => parsed(compared), close: () => compared.close() }]),
    {
      // undici.request(url) through an Agent: URL parsing and origin lookup per call.
      name: "undici.request",
      call: async () => {
        const res = await request(url, {
          method: "POST",
          dispatcher: agent,
          headers: HEADERS,
          body: wireBody(),
        });
        return JSON.parse(await res.body.text());
      },
      close: () => agent.close(),
    },
    {
      // A Pool for the one origin, as baseline E forwards.
      name: "pool.request",
      call: async () => {
        const res = await pool.request({
          method: "POST",
          path: pathname,
          headers: HEADERS,
          body: wireBody(),
        });
        return JSON.parse(await res.body.text());
      },
      close: () => pool.close(),
    },
    { name: "client", call: () => parsed(client), close: () => client.close() },
    { name: "client+retries", call: () => parsed(retried), close: () => retried.close() },
  ];
}

/** `calls` calls, at most `concurrency` in flight; CPU and wall time of the whole batch. */
async function batch(call: Call, calls: number): Promise<{ cpuUs: number; wallMs: number }> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls) {
      next++;
      await call();
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, calls) }, worker));
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { cpuUs: used.user + used.system, wallMs };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const proxy = await startFakeProxy();
try {
  const only = args.only?.split(",").map((s) => s.trim());
  const all = variants(proxy.url);
  const chosen = only === undefined ? all : all.filter((v) => only.includes(v.name));
  if (chosen.length === 0) throw new Error(`--only matched none of ${all.map((v) => v.name).join(", ")}`);

  for (const v of chosen) await batch(v.call, Math.min(CALLS, 5_000)); // warm-up: JIT, sockets
  if (args.profile) {
    const v = chosen[0]!;
    const r = await batch(v.call, CALLS);
    console.log(`${v.name}: ${(r.cpuUs / CALLS).toFixed(1)} µs CPU/call (profiled run)`);
  } else {
    const cpu = new Map<string, number[]>(chosen.map((v) => [v.name, []]));
    const rate = new Map<string, number[]>(chosen.map((v) => [v.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so slow drift of the shared machine does not always hit the same variant.
      for (let i = 0; i < chosen.length; i++) {
        const v = chosen[(i + round) % chosen.length]!;
        const r = await batch(v.call, CALLS);
        cpu.get(v.name)!.push(r.cpuUs / CALLS);
        rate.get(v.name)!.push(CALLS / (r.wallMs / 1000));
      }
    }
    // Ratios are taken within each round (the machine drifts less within one), then the median is shown.
    const refName = cpu.has("pool.request") ? "pool.request" : chosen[0]!.name;
    const ref = cpu.get(refName)!;
    console.log(
      `node ${process.version}, ${CALLS} calls × ${ROUNDS} rounds, ${CONCURRENCY} concurrent; medians`,
    );
    console.log(`variant           CPU µs/call   × ${refName.padEnd(14)}   calls/s (wall)`);
    for (const v of chosen) {
      const c = cpu.get(v.name)!;
      const ratio = median(c.map((x, i) => x / ref[i]!));
      console.log(
        `${v.name.padEnd(16)}  ${median(c).toFixed(1).padStart(11)}   ${ratio.toFixed(2).padStart(16)}   ${median(rate.get(v.name)!).toFixed(0).padStart(14)}`,
      );
    }
  }
  const mem = process.memoryUsage();
  const mib = (n: number): string => (n / 1048576).toFixed(0);
  console.log(
    `memory at the end: rss ${mib(mem.rss)} MiB, heap ${mib(mem.heapUsed)}/${mib(mem.heapTotal)} MiB, ` +
      `external ${mib(mem.external)} MiB, array buffers ${mib(mem.arrayBuffers)} MiB`,
  );
  await Promise.all(chosen.map((v) => v.close()));
} finally {
  proxy.stop();
}
