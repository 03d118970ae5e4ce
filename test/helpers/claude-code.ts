// Claude Code for the tests that run it against the gateway. It is kept out of the root install (its
// Linux binary is ~245 MB): test/clients/package.json names it, and the first test that needs it runs
// `npm install --ignore-scripts` there (cli-wrapper.cjs runs the platform binary without install
// scripts). Where it cannot be had, the test skips with the reason — except under CI=true, where a
// missing client is a failure, as with the Python clients (python.ts).
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const CLIENTS = join(import.meta.dirname, "..", "clients");
const CLI = join(CLIENTS, "node_modules", "@anthropic-ai", "claude-code", "cli-wrapper.cjs");

export type ClaudeCode = { cli: string; skip?: undefined } | { cli?: undefined; skip: string };

let cached: ClaudeCode | undefined;

function works(): boolean {
  const probe = spawnSync(process.execPath, [CLI, "--version"], { encoding: "utf8", timeout: 60_000 });
  return probe.status === 0 && /Claude Code/.test(probe.stdout);
}

function make(): ClaudeCode {
  if (existsSync(CLI) && works()) return { cli: CLI };
  const npm = spawnSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: CLIENTS,
    encoding: "utf8",
    timeout: 600_000,
  });
  if (npm.status !== 0) {
    const detail = (npm.stderr || npm.error?.message || "").trim().split("\n").at(-1);
    return { skip: `could not install @anthropic-ai/claude-code into test/clients: ${detail}` };
  }
  if (!works())
    return { skip: "Claude Code was installed into test/clients but does not run on this platform" };
  return { cli: CLI };
}

/**
 * Claude Code's CLI, or why there is none. Under CI=true a missing client throws instead of skipping.
 * Call it at module level of a test file and use `describe.skipIf(cc.skip !== undefined)`.
 */
export function claudeCode(): ClaudeCode {
  cached ??= make();
  if (cached.skip !== undefined) {
    if (process.env.CI === "true") throw new Error(cached.skip);
    console.warn(`[skip] ${cached.skip}`);
  }
  return cached;
}

export interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI with `args` and exactly the environment given (plus PATH), in `cwd`. */
export function runClaudeCode(
  cli: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<ClaudeRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {
        cwd: options.cwd,
        // Nothing of the developer's own environment (their real key, their config dir) leaks in.
        env: { PATH: process.env.PATH ?? "", ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
