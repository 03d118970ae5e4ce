// A cassette file on disk: read whole, written whole. Reads refuse anything but a regular file; writes
// go to a temp file in the same directory, fsynced, then renamed over the cassette, so a reader (or a
// crash) sees the old file or the new one, never half of one. Serializing writes is the store's job.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import type { Stats } from "node:fs";
import { open, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ensureDir } from "../shared/dirs.ts";
import { sweepDeadTempFiles } from "../shared/temp-files.ts";

/** Temp files are `.<cassette file name>.<pid>.<hex>.tmp`: hidden, and their writer's pid tells if it died. */
export const TEMP_FILE = /^\..+\.ya?ml\.(\d+)\.[0-9a-f]+\.tmp$/;

/** Directories whose dead writers' temp files this process already removed. */
const swept = new Set<string>();

/**
 * One version of a file: a rename over it changes the inode, an edit in place its size or modification
 * time. What a store compares to notice that its file was changed by someone else.
 */
export type FileStamp = string;

const stampOf = (stats: Stats): FileStamp => `${stats.ino}:${stats.size}:${stats.mtimeMs}`;

/** The file's stamp now, or undefined when there is no file. */
export async function fileStamp(file: string): Promise<FileStamp | undefined> {
  try {
    return stampOf(await stat(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The file's text and the stamp of what was read, or undefined when there is none. Throws for anything
 * that is not a regular file.
 */
export async function readCassetteFile(
  file: string,
): Promise<{ text: string; stamp: FileStamp } | undefined> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO at the cassette's name is refused below instead of holding a worker thread
    // until some writer opens it (no effect on regular files).
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error("not a regular file");
    // One read of the whole file (FileHandle.readFile reads it in 512 kB round trips to the thread pool).
    const bytes = Buffer.allocUnsafe(stats.size);
    let length = 0;
    while (length < bytes.length) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length);
      if (bytesRead === 0) break; // shorter than it was a moment ago: what there is
      length += bytesRead;
    }
    return { text: bytes.toString("utf8", 0, length), stamp: stampOf(stats) };
  } finally {
    await handle.close();
  }
}

/** Bytes encoded before each write call: one buffer, reused, instead of the whole file as one string. */
const WRITE_BLOCK = 1024 * 1024;

/** Write `parts` in order through one reused buffer (a recorder rewrites a big cassette per recording). */
async function writeParts(handle: FileHandle, parts: readonly string[]): Promise<void> {
  const block = Buffer.allocUnsafe(WRITE_BLOCK);
  let used = 0;
  const flush = async (): Promise<void> => {
    for (let done = 0; done < used;) done += (await handle.write(block, done, used - done)).bytesWritten;
    used = 0;
  };
  for (const part of parts) {
    const length = Buffer.byteLength(part, "utf8");
    if (length > block.length - used) await flush();
    if (length > block.length) await handle.writeFile(part, "utf8");
    else used += block.write(part, used, "utf8");
  }
  await flush();
}

/** Replace `file` with `parts`, joined, atomically (temp file + fsync + rename in the same directory). */
export async function writeCassetteFile(file: string, parts: readonly string[]): Promise<void> {
  const dir = dirname(file);
  await ensureDir(dir); // never a recursive mkdir: see shared/dirs.ts
  if (!swept.has(dir)) {
    swept.add(dir);
    // What a writer killed between write and rename left (the recorder sweeps the whole tree at start;
    // this covers the CLI and directories made since).
    sweepDeadTempFiles(dir, TEMP_FILE);
  }
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", 0o644);
    try {
      await writeParts(handle, parts);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
