// The command-line program (commander). `serve` is the default command; every other command is added
// here. Returns the exit code instead of exiting, so tests can run it in-process.
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ConfigError, loadConfig, type Env } from "../config/load.ts";
import { MODES, type ConfigOverrides } from "../config/types.ts";
import { PACKAGE_NAME, VERSION } from "../shared/version.ts";
import { registerGpuCommands } from "./gpu.ts";
import { registerQuotaCommand } from "./quota.ts";
import { registerStubCommands } from "./stubs.ts";
import { addCassetteCommands } from "./cassettes.ts";
import { addDriftCommand } from "./drift.ts";
import { serve } from "./serve.ts";

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** stdout is a terminal: request logs are printed for a person rather than as JSON. */
  tty?: boolean;
  /** Ask a yes/no question (before spending live budget); absent or not a terminal: no. */
  confirm?: (question: string) => Promise<boolean>;
}

/** A yes/no question on the terminal; a piped stdin never says yes. */
async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const defaultIo: CliIo = {
  tty: process.stdout.isTTY,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  confirm: confirmOnTerminal,
};

function integerIn(min: number, max: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}.`);
    return n;
  };
}

interface ServeFlags {
  mode?: string;
  port?: number;
  host?: string;
  config?: string;
  cassetteDir?: string;
  cassette?: string;
  seed?: number;
  logLevel?: string;
  strict?: boolean;
}

function flagsToOverrides(flags: ServeFlags): ConfigOverrides {
  const overrides: Record<string, Record<string, unknown> | unknown> = {};
  const server: Record<string, unknown> = {};
  const recording: Record<string, unknown> = {};
  if (flags.mode !== undefined) overrides.mode = flags.mode;
  if (flags.port !== undefined) server.port = flags.port;
  if (flags.host !== undefined) server.host = flags.host;
  if (flags.logLevel !== undefined) server.log_level = flags.logLevel;
  if (flags.cassetteDir !== undefined) recording.dir = flags.cassetteDir;
  if (flags.cassette !== undefined) recording.cassette = flags.cassette;
  if (flags.seed !== undefined) overrides.mock = { seed: flags.seed };
  if (flags.strict === true) overrides.replay = { strict: true };
  if (Object.keys(server).length > 0) overrides.server = server;
  if (Object.keys(recording).length > 0) overrides.recording = recording;
  return overrides as ConfigOverrides;
}

export function buildProgram(env: Env, io: CliIo, onExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name("bpg")
    .description("OpenAI-compatible gateway, record/replay and offline simulator for the Bedrock Proxy API.")
    .version(`${PACKAGE_NAME} ${VERSION}`, "-v, --version", "print the version and exit")
    .helpOption("-h, --help", "show this help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const serveCommand = program
    .command("serve", { isDefault: true })
    .description("run the gateway (the default command)")
    .addOption(new Option("-m, --mode <mode>", "where answers come from (default: mock)").choices(MODES))
    .option(
      "-p, --port <port>",
      "port to listen on, 0 for any free port (default: 8787)",
      integerIn(0, 65535, "--port"),
    )
    .option("-H, --host <host>", "address to bind (default: 127.0.0.1)")
    .option("-c, --config <file>", "config file (default: ./config.yaml, or $BPG_CONFIG)")
    .option("--cassette-dir <dir>", "where cassettes live (default: fixtures/cassettes)")
    .option("--cassette <name>", "cassette used when a request names none (default: default)")
    .option("--strict", "replay: a request whose recordings are used up gets 404 instead of the last again")
    .option(
      "--seed <n>",
      "simulator seed: same request + seed = same answer (default: 0)",
      integerIn(0, Number.MAX_SAFE_INTEGER, "--seed"),
    )
    .addOption(
      new Option("--log-level <level>", "log verbosity").choices([
        "fatal",
        "error",
        "warn",
        "info",
        "debug",
        "trace",
        "silent",
      ]),
    )
    .addHelpText(
      "after",
      "\nPrecedence: flag > environment (BPG_*, BEDROCK_*) > config file > built-in default.\n" +
        "Every config key is documented in config.yaml; see the README for the HTTP routes.",
    )
    .action(async (flags: ServeFlags) => {
      const { config, file } = loadConfig({ file: flags.config, env, overrides: flagsToOverrides(flags) });
      onExit(await serve(config, file, io, env));
    });

  registerGpuCommands(program, env, io, onExit);
  registerQuotaCommand(program, env, io, onExit);
  registerStubCommands(program, env, io, onExit);
  addDriftCommand(addCassetteCommands(program, env, io, onExit), env, io, onExit);
  // `bpg --help` explains every flag: serve is the default command, so its options belong on the front page.
  program.addHelpText("after", () => {
    const help = serveCommand.createHelp();
    const lines = help
      .visibleOptions(serveCommand)
      .map((o) => `  ${help.optionTerm(o).padEnd(24)} ${help.optionDescription(o)}`);
    return `\nServe options (bpg [serve] [options]):\n${lines.join("\n")}\n\nExamples:\n  bpg                               the gateway in mock mode on http://127.0.0.1:8787\n  bpg --mode replay --cassette ci   replay fixtures/cassettes/ci.yaml, offline\n  bpg cassettes list                what is recorded\n  bpg gpu list                      simulated GPU notebooks of a running gateway`;
  });
  return program;
}

/** Run the CLI; resolves with the process exit code. */
export async function runCli(argv: readonly string[], env: Env, io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(env, io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError) {
      io.err(`bpg: ${error.message}`);
      return 2;
    }
    io.err(`bpg: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
