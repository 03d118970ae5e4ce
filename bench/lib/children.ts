// Server processes for the benchmark. Each child runs `node --import guard.ts <script> …` with its
// stdout/stderr going to a log file (never a pipe the runner must drain, which would cost the runner
// CPU and could stall a chatty server). The runner polls that file for the "listening on
// http://127.0.0.1:<port>" line. Every child is registered and killed on exit, error or signal.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const GUARD = fileURLToPath(new URL("../servers/guard.mjs", import.meta.url));
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+))/;

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** Spawn → listening line, ms. */
  startupMs: number;
  logFile: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

export interface SpawnOptions {
  name: string;
  /** Script and its arguments, run by this same node binary. */
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  /** Give up waiting for the listening line after this long. */
  timeoutMs?: number;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
}

export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const log = openSync(options.logFile, "w");
  const started = process.hrtime.bigint();
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...(options.nodeFlags ?? []), "--import", GUARD, ...options.args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", log, log],
    });
  } finally {
    closeSync(log);
  }
  running.add(child);
  let exited: string | null = null;
  child.once("exit", (code, signal) => {
    running.delete(child);
    exited = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
  });
  child.once("error", (error) => {
    exited = `spawn error: ${error.message}`;
  });

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const text = safeRead(options.logFile);
    const match = LISTENING.exec(text);
    if (match !== null && child.pid !== undefined) {
      const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
      return {
        name: options.name,
        pid: child.pid,
        url: match[1] as string,
        startupMs,
        logFile: options.logFile,
        stop: () => stopChild(child),
      };
    }
    if (exited !== null || Date.now() > deadline) {
      await stopChild(child);
      const why = exited ?? "no listening line within the time limit";
      throw new Error(`${options.name} did not start (${why}): ${tail(text)}`);
    }
    await sleep(10);
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The last few lines of a log, for error messages. */
export function tail(text: string, lines = 5): string {
  return text.trim().split("\n").slice(-lines).join(" | ").slice(0, 1000);
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the child is gone. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Synchronous last resort for process exit: SIGKILL whatever is still running. */
export function killAllNow(): void {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  running.clear();
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}
