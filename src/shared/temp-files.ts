// Temp files a killed writer left behind. Every atomic write here goes to `<…>.<pid>.<hex>.tmp` and is
// renamed over its file; a kill -9 between the two leaves the temp file. At start-up the owner of a
// directory removes those of its own pattern whose writer no longer runs (never another live process's).
import { readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove files in `dir` (and below it with `recursive`) whose name matches `pattern` — which captures
 * the writer's pid in its first group — when that pid no longer runs. Returns how many were removed.
 */
export function sweepDeadTempFiles(dir: string, pattern: RegExp, recursive = false): number {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive }).map(String);
  } catch {
    return 0; // no directory yet: nothing was ever written there
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(pattern.exec(name.split(/[\\/]/).pop() ?? "")?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || running(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed++;
    } catch {
      // Removed meanwhile, or not ours to remove: either way nothing to do.
    }
  }
  return removed;
}
