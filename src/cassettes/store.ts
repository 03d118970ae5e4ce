// One cassette file in memory: the raw entry documents, an index from request key to entries (built
// once on open, O(1) per lookup), replay counters, and writes that are atomic (temp file + rename in
// the same directory, fsynced) and serialized per cassette, coalescing concurrent recordings.
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GatewayError } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import { diffPaths, matchForm, requestKey, type MatchRules, type PathDifference } from "./canonical.ts";
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  declaredKey,
  formatEntry,
  formatHeader,
  joinCassette,
  parseEntry,
  splitCassette,
  type CassetteEntry,
  type CassetteHeader,
} from "./format.ts";

interface Slot {
  key: string;
  /** The entry's YAML document exactly as it is (or will be) on disk. */
  chunk: string;
  /** Parsed on first use. */
  entry?: CassetteEntry;
}

export interface ClosestRecording {
  /** 1-based position in the file. */
  index: number;
  entry: CassetteEntry;
  differences: PathDifference[];
}

export interface StoreOptions {
  name: string;
  file: string;
  /** How messages name the file (no absolute path, names.ts `cassetteLabel`); default `file`. */
  label?: string;
  rules: MatchRules;
  clock: Clock;
  creator: string;
  /** Re-hash every entry even when the file's matching rules are current (`bpg cassettes verify --fix`). */
  rehash?: boolean;
}

/** A file system error without the absolute path Node puts in its message ("EACCES: permission denied"). */
function reason(error: unknown): string {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (code === undefined)
    return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  return syscall === undefined ? code : `${code} (${syscall})`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class CassetteStore {
  readonly name: string;
  readonly file: string;
  /** The file as messages name it. */
  readonly label: string;
  readonly #options: StoreOptions;
  #header: CassetteHeader | undefined;
  #exists = false;
  readonly #slots: Slot[] = [];
  readonly #index = new Map<string, number[]>();
  readonly #served = new Map<string, number>();
  readonly #recorded = new Map<string, number>();
  #chain: Promise<void> = Promise.resolve();
  #swept = false;
  #queued: Promise<void> | undefined;
  #writes = 0;

  private constructor(options: StoreOptions) {
    this.#options = options;
    this.name = options.name;
    this.file = options.file;
    this.label = options.label ?? options.file;
  }

  /** Load (or start) a cassette. Throws a clear GatewayError for unreadable or unknown-version files. */
  static async open(options: StoreOptions): Promise<CassetteStore> {
    const store = new CassetteStore(options);
    let text: string;
    try {
      text = await readFile(options.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return store;
      throw new GatewayError(`Cannot read cassette ${store.label}: ${reason(error)}`, {
        status: 500,
        type: "api_error",
        code: "cassette_unreadable",
      });
    }
    store.#exists = true;
    const { header, chunks } = splitCassette(text, store.label);
    store.#header = header;
    const sameRules =
      options.rehash !== true && header.ignore_fields.join("\n") === options.rules.ignoredFields.join("\n");
    chunks.forEach((chunk, i) => {
      const declared = sameRules ? declaredKey(chunk) : undefined;
      if (declared !== undefined) {
        store.#add({ key: declared, chunk });
        return;
      }
      // Other matching rules than the file was written with (or a hand-edited entry): re-hash it.
      const entry = parseEntry(chunk, store.label, i + 1);
      const key = requestKey(entry.request, options.rules);
      store.#add(
        key === entry.key
          ? { key, chunk, entry }
          : { key, chunk: formatEntry({ ...entry, key }), entry: { ...entry, key } },
      );
    });
    return store;
  }

  get exists(): boolean {
    return this.#exists;
  }

  get size(): number {
    return this.#slots.length;
  }

  #add(slot: Slot): number {
    const position = this.#slots.push(slot) - 1;
    const list = this.#index.get(slot.key);
    if (list === undefined) this.#index.set(slot.key, [position]);
    else list.push(position);
    return position;
  }

  #entry(position: number): CassetteEntry {
    const slot = this.#slots[position];
    if (slot === undefined) throw new RangeError(`no entry ${position}`);
    slot.entry ??= parseEntry(slot.chunk, this.label, position + 1);
    return slot.entry;
  }

  /** The next recording for `key`: identical requests get their recordings in order, then the last repeats. */
  next(key: string): CassetteEntry | undefined {
    const positions = this.#index.get(key);
    if (positions === undefined) return undefined;
    const served = this.#served.get(key) ?? 0;
    this.#served.set(key, served + 1);
    const position = positions[Math.min(served, positions.length - 1)];
    return position === undefined ? undefined : this.#entry(position);
  }

  /**
   * Store a new recording. The n-th identical request of this session replaces the n-th existing
   * recording of that key (re-recording a suite refreshes a cassette instead of growing it); beyond
   * those it is appended.
   */
  record(entry: Omit<CassetteEntry, "order">): void {
    const nth = this.#recorded.get(entry.key) ?? 0;
    this.#recorded.set(entry.key, nth + 1);
    const existing = this.#index.get(entry.key)?.[nth];
    const full: CassetteEntry = {
      key: entry.key,
      order: existing === undefined ? (this.#index.get(entry.key)?.length ?? 0) : nth,
      recorded_at: entry.recorded_at,
      latency_ms: entry.latency_ms,
      request: entry.request,
      response: entry.response,
    };
    const slot: Slot = { key: entry.key, chunk: formatEntry(full), entry: full };
    if (existing === undefined) this.#add(slot);
    else this.#slots[existing] = slot;
  }

  /** Every entry, parsed (CLI, and the closest-match search on a miss). */
  entries(): CassetteEntry[] {
    return this.#slots.map((_, position) => this.#entry(position));
  }

  /** The recording whose request differs from `storedRequest` in the fewest leaf paths. */
  closest(storedRequest: unknown): ClosestRecording | undefined {
    const wanted = matchForm(storedRequest, this.#options.rules);
    const model = (storedRequest as { model?: unknown }).model;
    let best: ClosestRecording | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    this.entries().forEach((entry, i) => {
      const differences = diffPaths(wanted, matchForm(entry.request, this.#options.rules));
      // Prefer recordings of the same model on ties; a different model is one more difference anyway.
      const score = differences.length * 2 + (entry.request.model === model ? 0 : 1);
      if (score < bestScore) {
        bestScore = score;
        best = { index: i + 1, entry, differences };
      }
    });
    return best;
  }

  /**
   * Write the cassette. Resolves once a write that started after this call has finished, so the
   * caller's recording is on disk; concurrent callers share the same queued write.
   */
  persist(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const write = this.#chain.then(() => {
      this.#queued = undefined;
      return this.#write(this.#snapshot());
    });
    this.#queued = write;
    this.#writes++;
    this.#chain = write
      .catch(() => undefined)
      .finally(() => {
        this.#writes--;
      });
    return write;
  }

  /** True while a write is queued or running (such a store must not be closed). */
  get writing(): boolean {
    return this.#writes > 0;
  }

  /** Wait for every write already asked for. */
  flush(): Promise<void> {
    return this.#chain;
  }

  #snapshot(): string {
    const now = new Date(this.#options.clock.now()).toISOString();
    const header: CassetteHeader = {
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      created: this.#header?.created ?? now,
      updated: now,
      creator: this.#options.creator,
      ignore_fields: [...this.#options.rules.ignoredFields],
    };
    this.#header = header;
    return joinCassette(
      formatHeader(header),
      this.#slots.map((slot) => slot.chunk),
    );
  }

  /** Remove temp files a killed writer left behind (their pid is gone), once per process. */
  async #sweepTempFiles(): Promise<void> {
    this.#swept = true;
    const prefix = `.${basename(this.file)}.`;
    for (const name of await readdir(dirname(this.file))) {
      const pid = Number(/^\.(?:.+)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
      if (!name.startsWith(prefix) || !Number.isInteger(pid) || pid === process.pid || processAlive(pid))
        continue;
      await unlink(join(dirname(this.file), name)).catch(() => undefined);
    }
  }

  async #write(text: string): Promise<void> {
    const dir = dirname(this.file);
    const temp = join(dir, `.${basename(this.file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
      if (!this.#swept) await this.#sweepTempFiles();
      const handle = await open(temp, "wx", 0o644);
      try {
        await handle.writeFile(text, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
      this.#exists = true;
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw new GatewayError(`Cannot write cassette ${this.label}: ${reason(error)}`, {
        status: 500,
        type: "api_error",
        code: "cassette_write_failed",
        cause: error,
      });
    }
  }
}
