// `bpg serve`: listen, print one start-up line, and drain on SIGINT/SIGTERM before exiting 0.
import { resolve } from "node:path";
import type { Config } from "../config/types.ts";
import { listenGateway } from "../server/gateway.ts";
import { VERSION } from "../shared/version.ts";
import { stopWhenOrphaned } from "./launcher.ts";
import type { CliIo } from "./program.ts";

function describeStorage(config: Readonly<Config>): string {
  switch (config.mode) {
    case "mock":
      return `state: ${config.mock.state === "memory" ? "in memory" : resolve(config.mock.state)}`;
    case "live":
      return `upstream: ${new URL(config.upstream.url).host}`;
    case "replay":
      // Replay never calls out, whatever upstream.kind says.
      return `cassettes: ${resolve(config.recording.dir)} (default "${config.recording.cassette}"), offline`;
    case "record":
    case "auto":
      return `cassettes: ${resolve(config.recording.dir)} (default "${config.recording.cassette}"), upstream: ${config.upstream.kind}`;
  }
}

/** Serve until a signal arrives; resolves with the exit code. */
export async function serve(
  config: Readonly<Config>,
  file: string | null,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<number> {
  let gateway;
  try {
    gateway = await listenGateway(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${config.server.host}:${config.server.port}`;
    if (code === "EADDRINUSE")
      io.err(`bpg: ${where} is already in use; pick another port with --port or BPG_PORT.`);
    else if (code === "EACCES") io.err(`bpg: not allowed to listen on ${where}.`);
    else io.err(`bpg: could not start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const source = file === null ? "built-in defaults" : file;
  io.out(
    `bedrock-proxy-gateway ${VERSION} listening on ${gateway.url} — mode ${config.mode}, ${describeStorage(config)}, config: ${source}`,
  );

  return new Promise((resolveExit) => {
    let stopping = false;
    let signalled: string | undefined;
    const stop = (why: string): void => {
      if (stopping) return;
      stopping = true;
      cancelWatch();
      io.out(`bpg: ${why}, draining in-flight requests…`);
      gateway.close().then(
        () => {
          io.out("bpg: stopped.");
          resolveExit(0);
        },
        (error: unknown) => {
          io.err(`bpg: error while stopping: ${String(error)}`);
          resolveExit(1);
        },
      );
    };
    // A second signal means "now": exit without waiting for the drain.
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled !== undefined) {
        io.err(`bpg: ${signal} again, exiting without waiting.`);
        resolveExit(1);
        process.exit(1);
      }
      signalled = signal;
      stop(`${signal} received`);
    };
    const cancelWatch = stopWhenOrphaned(env, () => stop("the npm script that started it ended"));
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
