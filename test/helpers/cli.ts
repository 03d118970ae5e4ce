// Run the real CLI in a child process (the way users do) and collect its output.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/program.ts";

/** Run the CLI in-process (runCli), capturing what it prints, line by line. */
export async function runCliInProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "bpg", ...args], env, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

export const CLI_PATH = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = REPO_ROOT,
): ChildProcessWithoutNullStreams {
  // A clean environment: only what the test passes, plus PATH/HOME for the runtime.
  return spawn(process.execPath, [CLI_PATH, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
}

export function runCliProcess(
  args: string[],
  env: Record<string, string> = {},
  cwd = REPO_ROOT,
): Promise<CliRun> {
  const child = spawnCli(args, env, cwd);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

/** Wait until the child prints its start-up line; resolves with the URL it listens on. */
export function waitForListening(child: ChildProcessWithoutNullStreams, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`no start-up line within ${timeoutMs} ms; output: ${seen}`)),
      timeoutMs,
    );
    const onData = (d: Buffer): void => {
      seen += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d: Buffer) => (seen += d.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; output: ${seen}`));
    });
  });
}
