// The gateway under fuzz, in a process of its own (forked by harness.ts, flags as `npm start` runs it):
// its event loop and its memory are measured here, so the figures are the gateway's alone — in one
// process with the harness, generating a 1.5 MB hostile body, folding it for a report and judging the
// answers counted as the gateway's stalls and RSS. Talks to the harness over the IPC channel
// (messages in gateway-ipc.ts); a stall is reported as it happens, naming the cases then in flight
// (the harness's `x-fuzz-case` header), so the harness can describe their bodies.
import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay, type ELDHistogram } from "node:perf_hooks";
import { startGateway } from "../src/server/gateway.ts";
import { CASE_HEADER, type FromGateway, type Memory, type ToGateway } from "./gateway-ipc.ts";
import { StallWatch } from "./stalls.ts";

const send = (message: FromGateway): void => {
  process.send?.(message);
};

let crashes = 0;
const onCrash = (error: unknown): void => {
  crashes++;
  send({ type: "crash", message: String((error as Error)?.stack ?? error).slice(0, 2000) });
};
process.on("uncaughtException", onCrash);
process.on("unhandledRejection", onCrash);

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
const memory = (): Memory => {
  gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external };
};

// A budget no pass can spend: an exhausted one would answer every later body with a 429 unread.
const gw = await startGateway({
  port: 0,
  mode: "mock",
  server: { log_level: "silent" } as never,
  mock: { teams: [{ team_id: "demo", api_token: "demo-token", budget_limit: 1e12 }] } as never,
});

// One delay histogram per stretch measured (a face's bodies): a histogram disabled and enabled again
// records the whole pause between (the forced GC, the harness's turn) as one delay — the 255 ms and
// 339 ms maxima of earlier passes were that. Stretches combine by their worst: the max of their maxima,
// and of their 99th percentiles (an upper bound of the pass's own).
const loop = { maxNs: 0, p99Ns: 0 };
let stretch: ELDHistogram | undefined;
const stalls = new StallWatch((offender) => send({ type: "stall", offender }));
// The cases in flight, by the harness's id: a second 'request' listener beside the gateway's own.
gw.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
  const id = req.headers[CASE_HEADER];
  if (typeof id !== "string") return;
  const done = stalls.track(() => id);
  res.once("close", done);
});

const measuring = (on: boolean): void => {
  if (on) {
    stretch = monitorEventLoopDelay({ resolution: 10 });
    stretch.enable();
    stalls.start();
  } else if (stretch !== undefined) {
    stretch.disable();
    loop.maxNs = Math.max(loop.maxNs, stretch.max);
    loop.p99Ns = Math.max(loop.p99Ns, stretch.percentile(99));
    stretch = undefined;
    stalls.stop();
  }
};

process.on("message", (message: ToGateway) => {
  switch (message.type) {
    case "measure":
      // The forced GC blocks the loop itself (a second and more on a busy machine): never measured.
      measuring(false);
      send({ type: "memory", memory: memory() });
      measuring(true);
      return;
    case "pause":
      measuring(false);
      send({ type: "memory", memory: memory() });
      return;
    case "finish":
      measuring(false);
      send({
        type: "figures",
        crashes,
        open: memory(),
        maxEventLoopDelayMs: Math.round(loop.maxNs / 1e5) / 10,
        p99EventLoopDelayMs: Math.round(loop.p99Ns / 1e5) / 10,
        maxOwnDelayMs: Math.round(stalls.maxOwnMs),
      });
      void gw.close().then(() => process.disconnect());
      return;
  }
});

send({ type: "ready", url: gw.url });
