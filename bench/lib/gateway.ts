// Starting our own gateway as a separate process, exactly as users do: `node src/cli.ts serve`. The
// environment is built from scratch (no BPG_* or BEDROCK_* leaks in from the caller's shell) and the
// working directory is the run's temp dir, so no local config.yaml changes the figures.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { spawnServer, type ServerProcess } from "./children.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `dist`: the built JavaScript that the `bpg` binary and `import "bedrock-proxy-gateway"` run; `src`: `npm start`. */
export type GatewayBuild = "dist" | "src";

export function cliPath(build: GatewayBuild, override?: string): string {
  if (override !== undefined) return override;
  return build === "dist" ? join(REPO_ROOT, "dist", "cli.js") : join(REPO_ROOT, "src", "cli.ts");
}

/** Rebuild dist/ from the current sources (`npm run build`), so the figures are never of a stale build. */
export async function buildDist(): Promise<void> {
  const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  await promisify(execFile)(process.execPath, [tsc, "-p", join(REPO_ROOT, "tsconfig.build.json")], {
    cwd: REPO_ROOT,
    timeout: 180_000,
  });
}

export interface GatewayLaunch {
  name: string;
  build: GatewayBuild;
  /** Run this script instead of our CLI (BENCH_GATEWAY_CLI: another build, or a stand-in to test the harness). */
  cli?: string;
  workDir: string;
  args?: string[];
  env?: Record<string, string>;
  logLevel: string | null;
  cpuProfDir: string | null;
  timeoutMs?: number;
}

export function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NODE_ENV: "production" };
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

export function startGatewayProcess(launch: GatewayLaunch): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...baseEnv(), ...launch.env };
  if (launch.logLevel !== null) env.BPG_LOG_LEVEL = launch.logLevel;
  // The young-generation size users get from the bin shebang and the npm scripts (src/cli.ts).
  const nodeFlags =
    launch.cpuProfDir === null
      ? ["--max-semi-space-size=8"]
      : [
          "--max-semi-space-size=8",
          "--cpu-prof",
          `--cpu-prof-dir=${launch.cpuProfDir}`,
          `--cpu-prof-name=${launch.name}.cpuprofile`,
        ];
  return spawnServer({
    name: `gateway ${launch.name}`,
    args: [
      cliPath(launch.build, launch.cli),
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      ...(launch.args ?? []),
    ],
    env,
    cwd: launch.workDir,
    logFile: join(launch.workDir, `${launch.name}.log`),
    nodeFlags,
    timeoutMs: launch.timeoutMs ?? 20_000,
  });
}
