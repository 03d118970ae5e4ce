// `bpg serve`: listen, print the start-up banner (cli/banner.ts), and drain on SIGINT/SIGTERM before exiting 0.
import type { Config } from "../config/types.ts";
import { listenGateway } from "../server/gateway.ts";
import { createLogger } from "../shared/logger.ts";
import { prettyDestination } from "../shared/pretty-log.ts";
import { startupBanner } from "./banner.ts";
import { stopWhenOrphaned } from "./launcher.ts";
import type { CliIo } from "./program.ts";

/** Serve until a signal arrives; resolves with the exit code. */
export async function serve(
  config: Readonly<Config>,
  file: string | null,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<number> {
  let gateway;
  try {
    // Readable lines for a person at a terminal; JSON for pipes, files and log collectors.
    const logger = createLogger(
      config.server.log_level,
      io.tty === true ? prettyDestination(process.stdout) : undefined,
    );
    gateway = await listenGateway(config, { logger, logWarnings: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${config.server.host}:${config.server.port}`;
    if (code === "EADDRINUSE")
      io.err(`bpg: ${where} is already in use; pick another port with --port or BPG_PORT.`);
    else if (code === "EACCES") io.err(`bpg: not allowed to listen on ${where}.`);
    else io.err(`bpg: could not start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  for (const line of startupBanner(config, gateway.url, file)) io.out(line);
  for (const warning of gateway.warnings) io.err(`bpg: warning: ${warning}`);

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
