// Directories made one level at a time. Not `mkdir(dir, { recursive: true })`: under /proc (or a symlink
// into it) mkdir answers ENOENT although the parent exists, and Node's recursive mkdir then retries
// forever on a worker thread — whatever waited for it (a request, a shutdown) hung with it (issue 12).
import { constants } from "node:fs";
import { mkdir, open, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** A directory cannot be used; the message names it, the path and the OS reason, in one line. */
export class DirectoryError extends Error {
  override name = "DirectoryError";
}

/** Create `dir` and any missing parents, one plain mkdir each, so every failure is an error, never a loop. */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      if ((await stat(at)).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: "ENOTDIR" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(at) === at) throw error;
      missing.unshift(at);
    }
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      // Made meanwhile by a concurrent writer: fine, as long as it is a directory.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !(await stat(level)).isDirectory())
        throw error;
    }
  }
}

function why(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  // "EROFS: read-only file system, open '/x'" → "read-only file system (EROFS)"
  const text = e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '[^']*'$/, "");
  return e.code === undefined ? text : `${text} (${e.code})`;
}

/**
 * Startup check: `dir` exists or can be made, and a file can be created in it. Throws a DirectoryError
 * naming `what`, the path and the OS reason, e.g. "cassette directory /proc/cassettes cannot be created:
 * no such file or directory (ENOENT)".
 */
export async function checkWritableDir(dir: string, what: string): Promise<void> {
  const path = resolve(dir);
  try {
    await ensureDir(path);
  } catch (error) {
    throw new DirectoryError(`${what} ${path} cannot be created: ${why(error)}`);
  }
  const probe = join(path, `.bpg-write-check.${process.pid}.tmp`);
  try {
    // O_NONBLOCK: should a FIFO sit at that name, opening it must not wait for a writer.
    const handle = await open(
      probe,
      constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NONBLOCK,
    );
    await handle.close();
    await unlink(probe);
  } catch (error) {
    throw new DirectoryError(`${what} ${path} is not writable: ${why(error)}`);
  }
}
