// One owner per file: an exclusive lock file `<target>.lock`, created with O_EXCL and holding the
// owner's pid, its start time and what it is doing. Two gateways on one state file, or two recorders
// on one cassette, silently lost each other's writes; now the second is refused with the holder's name.
//
// A lock left by a process that no longer runs (kill -9) is stale and taken over: the holder's pid is
// probed with signal 0, and on Linux its start time (/proc/<pid>/stat field 22) must match too, so a
// recycled pid does not keep a dead owner's lock alive. A lock held by this very process (same pid and
// start time) is live too: two owners inside one process are refused as well.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";

export interface LockHolder {
  pid: number;
  /** The holder's start time in clock ticks since boot (Linux), or null where it cannot be read. */
  start: string | null;
  host: string;
  purpose: string;
  since: string;
}

export interface FileLock {
  readonly path: string;
  /** Remove the lock file (idempotent). */
  release(): void;
}

export class FileLockedError extends Error {
  readonly holder: LockHolder;
  constructor(target: string, holder: LockHolder) {
    super(
      `${target} is in use by process ${holder.pid} on ${holder.host} (${holder.purpose}, since ${holder.since}). ` +
        `Stop that process, or point this one at another file.`,
    );
    this.name = "FileLockedError";
    this.holder = holder;
  }
}

/** A process's start time (field 22 of /proc/<pid>/stat), or null off Linux or when it is gone. */
export function processStart(pid: number | "self"): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function alive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // a shared disk: nothing here can tell, so respect it
  // Our own pid: ours, unless an earlier process had the same pid (a container's) and another start.
  if (holder.pid === process.pid) return holder.start === processStart("self");
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const start = processStart(holder.pid);
  return holder.start === null || start === null || start === holder.start;
}

function readHolder(path: string): { text: string; holder: LockHolder | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined; // released between our attempt and this read
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === "number" && Number.isSafeInteger(parsed.pid) && parsed.pid > 0)
      return {
        text,
        holder: {
          pid: parsed.pid,
          start: typeof parsed.start === "string" ? parsed.start : null,
          host: typeof parsed.host === "string" ? parsed.host : hostname(),
          purpose: typeof parsed.purpose === "string" ? parsed.purpose : "unknown",
          since: typeof parsed.since === "string" ? parsed.since : "unknown",
        },
      };
  } catch {
    // A lock file cut short by a crash while being written: nobody holds it.
  }
  return { text, holder: undefined };
}

/**
 * Take the lock on `target` (the file `<target>.lock`) or throw FileLockedError naming the holder.
 * `purpose` says what the owner does ("gateway state", "recording"), for the refusal message.
 */
export function acquireFileLock(target: string, purpose: string): FileLock {
  const path = `${target}.lock`;
  const me: LockHolder = {
    pid: process.pid,
    start: processStart("self"),
    host: hostname(),
    purpose,
    since: new Date().toISOString(),
  };
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(path);
          } catch {
            // Already gone (removed by hand): nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const found = readHolder(path);
    if (found === undefined) continue;
    if (found.holder !== undefined && alive(found.holder)) throw new FileLockedError(target, found.holder);
    // Stale: remove it unless someone replaced it meanwhile (then the next attempt reads the new one).
    const again = readHolder(path);
    if (again?.text === found.text) {
      try {
        unlinkSync(path);
      } catch {
        // Another process broke the same stale lock first.
      }
    }
  }
  throw new Error(`${target}: could not take the lock ${path} (it keeps changing hands)`);
}
