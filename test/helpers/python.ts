// The Python clients the faces are tested with (openai, anthropic, boto3), in a virtual environment made
// on first use under node_modules/.cache and reused afterwards, installed with pip from the package
// index configured on the machine. Where python3 or the packages cannot be had, tests that need them
// skip with the reason — except under CI=true, where a missing client is a failure (CONTRACT §1).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

const PACKAGES = ["openai", "anthropic", "boto3", "pydantic"];
const ROOT = join(import.meta.dirname, "..", "..", "node_modules", ".cache");
const VENV = join(ROOT, "bpg-python");

export type PythonClients = { python: string; skip?: undefined } | { python?: undefined; skip: string };

let cached: PythonClients | undefined;

function make(): PythonClients {
  const python = join(VENV, "bin", "python");
  if (existsSync(python)) return { python };
  const probe = spawnSync("python3", ["--version"], { encoding: "utf8" });
  if (probe.status !== 0) return { skip: "python3 is not installed: the Python client tests are skipped" };
  // Built beside the final place and renamed into it, so test files starting at once never see half a venv.
  execFileSync("mkdir", ["-p", ROOT]);
  const temp = mkdtempSync(join(ROOT, "bpg-python-"));
  try {
    execFileSync("python3", ["-m", "venv", temp], { stdio: "pipe" });
    execFileSync(join(temp, "bin", "python"), ["-m", "pip", "install", "--quiet", ...PACKAGES], {
      stdio: "pipe",
      timeout: 300_000,
    });
    try {
      renameSync(temp, VENV);
    } catch {
      rmSync(temp, { recursive: true, force: true }); // another test file finished first: use its venv
    }
    return { python };
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    const detail =
      (error as { stderr?: Buffer }).stderr?.toString().trim().split("\n").at(-1) ?? String(error);
    return { skip: `could not install the Python clients (${PACKAGES.join(", ")}): ${detail}` };
  }
}

/**
 * The venv's python, or why there is none. Under CI=true a missing client throws instead, so a machine
 * without python3 fails the run rather than skipping silently. Call it at module level of a test file and
 * use `describe.skipIf(py.skip !== undefined)`.
 */
export function pythonClients(): PythonClients {
  cached ??= make();
  if (cached.skip !== undefined) {
    if (process.env.CI === "true") throw new Error(cached.skip);
    console.warn(`[skip] ${cached.skip}`);
  }
  return cached;
}

/** Run `code` with the venv's python; resolves to its stdout, rejects with its stderr. */
export function runPython(python: string, code: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    import("node:child_process")
      .then(({ execFile }) => {
        execFile(
          python,
          ["-c", code],
          { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            if (error) reject(new Error(`python failed: ${stderr || error.message}`));
            else resolve(stdout);
          },
        );
      })
      .catch(reject);
  });
}
