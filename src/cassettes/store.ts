// One cassette in memory: an index from request key to entries (built once on open, O(1) per lookup),
// replay counters, and writes that are atomic (temp file + rename in the same directory, fsynced) and
// serialized per cassette, coalescing concurrent recordings.
//
// What it keeps of the file is small: each entry's byte range, with the file held open. An entry is
// read back and parsed when it is replayed, and its response kept (in its compact form) while it is
// among the recently replayed (REPLAY_BUDGET); recordings not yet written are kept whole. The open file is the version that was
// loaded (or last written): a file replaced on disk (a rename) goes on serving what was loaded, like a
// copy in memory would; one rewritten in place is noticed (size, mtime) and reloaded.
import { randomBytes } from "node:crypto";
import {
  close,
  closeSync,
  constants,
  fstat,
  fstatSync,
  fsync,
  open,
  read,
  readSync,
  write,
  type Stats,
} from "node:fs";
import { readdir, rename, unlink } from "node:fs/promises";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { GatewayError } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import { acquireFileLock, FileLockedError, type FileLock } from "../shared/file-lock.ts";
import { diffPaths, matchForm, requestKey, type MatchRules, type PathDifference } from "./canonical.ts";
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  cassetteError,
  formatEntry,
  formatHeader,
  isBlankDocument,
  parseEntry,
  parseEntryHead,
  type EntryHead,
  parseHeader,
  type CassetteEntry,
  type CassetteHeader,
  type StoredResponse,
} from "./format.ts";
import { compactResponse, responseSize } from "./responses.ts";
import { DocumentScanner } from "./scan.ts";
import { ensureDir } from "../shared/dirs.ts";

const openFile = promisify(open);
const readFile = promisify(read);
const writeFile = promisify(write);
const statFile = promisify(fstat);
const syncFile = promisify(fsync);
const closeFile = promisify(close);

/**
 * Characters of responses kept after being replayed (least recently replayed dropped first): about
 * 10,000 entries of the simulator's size, and nothing at all until entries are replayed.
 */
const REPLAY_BUDGET = 8 * 1024 * 1024;
/** Characters of canonical requests kept for the closest-match search on a miss (the rest re-read). */
const FORMS_BUDGET = 4 * 1024 * 1024;
/** The closest-match search gives the event loop a turn this often (ms of work). */
const SEARCH_SLICE_MS = 10;
const LOAD_BLOCK = 256 * 1024;
const WRITE_BLOCK = 1024 * 1024;
/** Reused by the synchronous reads (loading, rewriting, the closest-match search): never two at once. */
const scratch = Buffer.allocUnsafe(64 * 1024);

/** Files of stores dropped without close() (a one-shot CLI command, say) are closed when collected. */
const openFiles = new FinalizationRegistry<number>((fd) => close(fd, () => undefined));

/** A recording not written yet: its document, and what it parses to. */
interface Pending {
  text: string;
  entry: CassetteEntry;
}

/** An entry's request as the closest-match search compares it. */
interface Form {
  /** JSON of the match form (the request minus ignored fields). */
  json: string;
  model: unknown;
}

/** What in-place changes are told by. */
interface Identity {
  size: number;
  mtimeMs: number;
}

export interface ClosestRecording {
  /** 1-based position in the file. */
  index: number;
  recordedAt: string;
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
  /** How many ms of work the closest-match search does between event-loop turns (default 10). */
  searchSliceMs?: number;
  /**
   * Hold `<file>.lock` from load to close (record/auto): another process recording the same cassette
   * would rewrite it from its own copy and drop this one's entries. Default false (replay, the CLI).
   */
  lock?: boolean;
}

/** A file system error without the absolute path Node puts in its message ("EACCES: permission denied"). */
function reason(error: unknown): string {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (code === undefined)
    return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  return syscall === undefined ? code : `${code} (${syscall})`;
}

function cassetteFail(message: string, code: string, status: number): never {
  throw new GatewayError(message, { status, type: "api_error", code });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function identityOf(stats: Stats): Identity {
  return { size: stats.size, mtimeMs: stats.mtimeMs };
}

/** Characters the differing values share at their start and end, summed: how alike two near-misses are. */
function likenessOf(differences: readonly PathDifference[]): number {
  let shared = 0;
  for (const { request, recorded } of differences) {
    if (request === undefined || recorded === undefined) continue;
    const most = Math.min(request.length, recorded.length);
    let start = 0;
    while (start < most && request.charCodeAt(start) === recorded.charCodeAt(start)) start++;
    let end = 0;
    while (
      end < most - start &&
      request.charCodeAt(request.length - 1 - end) === recorded.charCodeAt(recorded.length - 1 - end)
    )
      end++;
    shared += start + end;
  }
  return shared;
}

/** Fill `buffer` from the file at `position`, without blocking (false when the file is shorter). */
async function readAll(fd: number, buffer: Buffer, position: number): Promise<boolean> {
  for (let done = 0; done < buffer.length;) {
    const { bytesRead } = await readFile(fd, buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) return false;
    done += bytesRead;
  }
  return true;
}

/** Read exactly `length` bytes at `position` into `buffer` (false when the file is shorter). */
function readFully(fd: number, buffer: Buffer, offset: number, length: number, position: number): boolean {
  for (let done = 0; done < length;) {
    const n = readSync(fd, buffer, offset + done, length - done, position + done);
    if (n === 0) return false;
    done += n;
  }
  return true;
}

/** Sequential writes through one buffer, counting the bytes written. */
class FileWriter {
  readonly #fd: number;
  readonly #buffer = Buffer.allocUnsafe(WRITE_BLOCK);
  #used = 0;
  written = 0;

  constructor(fd: number) {
    this.#fd = fd;
  }

  async text(text: string): Promise<void> {
    const length = Buffer.byteLength(text, "utf8");
    if (length > this.#buffer.length - this.#used) await this.flush();
    if (length > this.#buffer.length) await this.#out(Buffer.from(text, "utf8"), length);
    else this.#used += this.#buffer.write(text, this.#used, "utf8");
    this.written += length;
  }

  /** Copy `length` bytes at `start` of the file `from`. */
  async copy(from: number, start: number, length: number): Promise<boolean> {
    for (let done = 0; done < length;) {
      if (this.#used === this.#buffer.length) await this.flush();
      const n = Math.min(length - done, this.#buffer.length - this.#used);
      if (!readFully(from, this.#buffer, this.#used, n, start + done)) return false;
      this.#used += n;
      done += n;
    }
    this.written += length;
    return true;
  }

  async flush(): Promise<void> {
    await this.#out(this.#buffer, this.#used);
    this.#used = 0;
  }

  async #out(buffer: Buffer, length: number): Promise<void> {
    for (let done = 0; done < length;)
      done += (await writeFile(this.#fd, buffer, done, length - done, null)).bytesWritten;
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
  /** The file as loaded or last written, open for reading entries back; undefined before there is one. */
  #fd: number | undefined;
  #identity: Identity = { size: 0, mtimeMs: 0 };
  #stale = false;
  #closed = false;
  /** Per position: the entry's byte range in #fd; -1 while it is only in #pending. */
  readonly #starts: number[] = [];
  readonly #lengths: number[] = [];
  readonly #pending = new Map<number, Pending>();
  /** Positions whose document declares another key than the current rules give (re-hashed on load). */
  readonly #rekeyed = new Map<number, string>();
  /** Responses of recently replayed entries, least recent first, and their size (`responseSize`). */
  readonly #replays = new Map<number, { response: StoredResponse; size: number }>();
  #replaySize = 0;
  readonly #forms = new Map<number, Form>();
  #formChars = 0;
  readonly #models = new Map<string, string>();
  /** Key → its position, or positions in recording order when there are several (most keys have one). */
  readonly #index = new Map<string, number | number[]>();
  readonly #served = new Map<string, number>();
  readonly #recorded = new Map<string, number>();
  /** Replays reading an entry back, per file descriptor: a file let go of meanwhile closes after them. */
  readonly #reads = new Map<number, number>();
  readonly #closeAfterReads = new Set<number>();
  /** Entries being read back for a replay, by position (one read however many replays wait for it). */
  readonly #entryReads = new Map<number, Promise<StoredResponse>>();
  #chain: Promise<void> = Promise.resolve();
  #swept = false;
  #lock: FileLock | undefined;
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
    if (options.lock === true) store.#lock = store.#takeLock();
    let fd: number;
    try {
      // O_NONBLOCK: a FIFO at the cassette's name is refused as "not a regular file" instead of
      // holding a worker thread until some writer opens it (no effect on regular files).
      fd = await openFile(options.file, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return store;
      store.#lock?.release();
      throw store.#unreadable(error);
    }
    store.#use(fd);
    try {
      await store.#load(fd);
    } catch (error) {
      store.#release();
      store.#lock?.release();
      throw error instanceof GatewayError ? error : store.#unreadable(error);
    }
    store.#exists = true;
    return store;
  }

  #takeLock(): FileLock {
    try {
      return acquireFileLock(this.file, "recording cassettes");
    } catch (error) {
      if (!(error instanceof FileLockedError)) throw this.#unreadable(error);
      const { pid, host, since } = error.holder;
      return cassetteFail(
        `Cassette ${this.label} is being recorded by another gateway (process ${pid} on ${host}, since ${since}); ` +
          "record each cassette from one process, or give this one another X-Cassette name.",
        "cassette_locked",
        409,
      );
    }
  }

  #unreadable(error: unknown): GatewayError {
    return new GatewayError(`Cannot read cassette ${this.label}: ${reason(error)}`, {
      status: 500,
      type: "api_error",
      code: "cassette_unreadable",
    });
  }

  /** Index the file: one pass over its bytes, parsing only the header (and entries to re-hash). */
  async #load(fd: number): Promise<void> {
    const before = await statFile(fd);
    if (!before.isFile()) throw this.#unreadable(new Error("not a regular file"));
    const text = (start: number, end: number): string => this.#read(fd, start, end - start);
    const { rules, rehash } = this.#options;
    let sameRules = false;
    const scanner = new DocumentScanner((document) => {
      const { start, end, key } = document;
      if (this.#header === undefined) {
        this.#header = parseHeader(text(start, end), this.label);
        sameRules =
          rehash !== true && this.#header.ignore_fields.join("\n") === rules.ignoredFields.join("\n");
        return;
      }
      if (isBlankDocument(document, () => text(start, end))) return;
      if (sameRules && key !== undefined) {
        this.#add(key, start, end - start);
        return;
      }
      // Other matching rules than the file was written with (or a hand-edited entry): re-hash it.
      const entry = parseEntry(text(start, end), this.label, this.size + 1);
      const current = requestKey(entry.request, rules);
      const position = this.#add(current, start, end - start);
      if (current !== entry.key) this.#rekeyed.set(position, current);
    });
    const block = Buffer.allocUnsafe(Math.min(LOAD_BLOCK, Math.max(1, before.size)));
    for (let size = 0; size < before.size;) {
      const { bytesRead } = await readFile(fd, block, 0, Math.min(block.length, before.size - size), size);
      if (bytesRead === 0) throw this.#changed();
      scanner.push(block.subarray(0, bytesRead));
      size += bytesRead;
    }
    scanner.finish();
    this.#identity = identityOf(await statFile(fd));
    if (this.#identity.size !== before.size || this.#identity.mtimeMs !== before.mtimeMs)
      throw this.#changed();
  }

  get exists(): boolean {
    return this.#exists;
  }

  get size(): number {
    return this.#starts.length;
  }

  /** The file was rewritten in place while open: this store must not be used any more (reload it). */
  get stale(): boolean {
    return this.#stale;
  }

  #add(key: string, start: number, length: number): number {
    const position = this.#starts.push(start) - 1;
    this.#lengths.push(length);
    const found = this.#index.get(key);
    if (found === undefined) this.#index.set(key, position);
    else if (typeof found === "number") this.#index.set(key, [found, position]);
    else found.push(position);
    return position;
  }

  #use(fd: number): void {
    this.#fd = fd;
    openFiles.register(this, fd, this);
  }

  #release(): void {
    const fd = this.#fd;
    if (fd === undefined) return;
    openFiles.unregister(this);
    this.#fd = undefined;
    // Closing under a replay's read would let the number be reused for another file mid-read.
    if (this.#reads.has(fd)) this.#closeAfterReads.add(fd);
    else closeSync(fd);
  }

  #changed(): GatewayError {
    this.#stale = true;
    return cassetteError(
      `Cassette ${this.label} was rewritten in place while in use; it is read again on the next request.`,
      "cassette_changed",
    );
  }

  /** The open file, not yet checked against the disk. */
  #openFile(): number {
    const fd = this.#fd;
    if (fd === undefined || this.#closed) throw new Error(`cassette store ${this.name} is closed`);
    if (this.#stale) throw this.#changed();
    return fd;
  }

  /** The open file, checked to be as it was loaded or written. */
  #source(): number {
    const fd = this.#openFile();
    const now = fstatSync(fd);
    if (now.size !== this.#identity.size || now.mtimeMs !== this.#identity.mtimeMs) throw this.#changed();
    return fd;
  }

  #read(fd: number, start: number, length: number): string {
    const buffer = length <= scratch.length ? scratch : Buffer.allocUnsafe(length);
    if (!readFully(fd, buffer, 0, length, start)) throw this.#changed();
    return buffer.toString("utf8", 0, length);
  }

  /** An entry's document as it is (or will be) on disk. */
  #text(position: number): string {
    const pending = this.#pending.get(position);
    if (pending !== undefined) return pending.text;
    const start = this.#starts[position];
    const length = this.#lengths[position];
    if (start === undefined || length === undefined) throw new RangeError(`no entry ${position}`);
    return this.#read(this.#source(), start, length);
  }

  /**
   * An entry's document read back for a replay, without blocking the event loop: the file's size and
   * mtime are checked in the same round trip as the read (in-place rewrites, as #source checks).
   */
  async #readBack(position: number): Promise<string> {
    const start = this.#starts[position];
    const length = this.#lengths[position];
    if (start === undefined || length === undefined) throw new RangeError(`no entry ${position}`);
    const fd = this.#openFile();
    const identity = this.#identity;
    this.#reads.set(fd, (this.#reads.get(fd) ?? 0) + 1);
    try {
      const buffer = Buffer.allocUnsafe(length);
      // Both settle before the descriptor may be let go of (below), even when one fails.
      const [stats, read] = await Promise.allSettled([statFile(fd), readAll(fd, buffer, start)]);
      if (stats.status === "rejected") throw this.#unreadable(stats.reason);
      if (read.status === "rejected") throw this.#unreadable(read.reason);
      if (!read.value || stats.value.size !== identity.size || stats.value.mtimeMs !== identity.mtimeMs)
        throw this.#changed();
      return buffer.toString("utf8");
    } finally {
      const left = (this.#reads.get(fd) ?? 1) - 1;
      if (left > 0) this.#reads.set(fd, left);
      else {
        this.#reads.delete(fd);
        // Closed before the read's caller resumes, as #release would have closed it.
        if (this.#closeAfterReads.delete(fd)) closeSync(fd);
      }
    }
  }

  /**
   * The response to replay for an entry: from memory, or read back from the file (then kept). Concurrent
   * replays of an entry not in memory share one read.
   */
  async #response(position: number): Promise<StoredResponse> {
    const pending = this.#pending.get(position);
    if (pending !== undefined) return pending.entry.response;
    const kept = this.#replays.get(position);
    if (kept !== undefined) {
      this.#replays.delete(position);
      this.#replays.set(position, kept);
      return kept.response;
    }
    let reading = this.#entryReads.get(position);
    if (reading === undefined) {
      reading = this.#readEntry(position).finally(() => this.#entryReads.delete(position));
      this.#entryReads.set(position, reading);
    }
    return reading;
  }

  async #readEntry(position: number): Promise<StoredResponse> {
    const text = await this.#readBack(position);
    // Recorded again or replayed by another request meanwhile: theirs is as current.
    const now = this.#pending.get(position)?.entry.response ?? this.#replays.get(position)?.response;
    if (now !== undefined) return now;
    const { response } = parseEntry(text, this.label, position + 1);
    const compact = compactResponse(response);
    this.#keep(position, compact);
    return compact;
  }

  #keep(position: number, response: StoredResponse): void {
    const size = responseSize(response);
    this.#forget(position);
    this.#replays.set(position, { response, size });
    this.#replaySize += size;
    for (const oldest of this.#replays.keys()) {
      if (this.#replaySize <= REPLAY_BUDGET || oldest === position) break;
      this.#forget(oldest);
    }
  }

  #forget(position: number): void {
    const kept = this.#replays.get(position);
    if (kept === undefined) return;
    this.#replays.delete(position);
    this.#replaySize -= kept.size;
  }

  /** How many recordings `key` has. */
  recordings(key: string): number {
    const found = this.#index.get(key);
    return found === undefined ? 0 : typeof found === "number" ? 1 : found.length;
  }

  /**
   * The response of the next recording for `key`: identical requests get their recordings in order, then
   * the last repeats (`strict`: then none).
   */
  async next(key: string, strict = false): Promise<StoredResponse | undefined> {
    const found = this.#index.get(key);
    if (found === undefined) return undefined;
    // Counted before any read, so concurrent identical requests get successive recordings.
    const served = this.#served.get(key) ?? 0;
    this.#served.set(key, served + 1);
    if (strict && served >= this.recordings(key)) return undefined;
    const position = typeof found === "number" ? found : found[Math.min(served, found.length - 1)];
    return position === undefined ? undefined : this.#response(position);
  }

  /**
   * Store a new recording. The n-th identical request of this session replaces the n-th existing
   * recording of that key (re-recording a suite refreshes a cassette instead of growing it); beyond
   * those it is appended.
   */
  record(entry: Omit<CassetteEntry, "order">): void {
    const nth = this.#recorded.get(entry.key) ?? 0;
    this.#recorded.set(entry.key, nth + 1);
    const found = this.#index.get(entry.key) ?? [];
    const positions = typeof found === "number" ? [found] : found;
    const existing = positions[nth];
    const full: CassetteEntry = {
      key: entry.key,
      order: existing === undefined ? positions.length : nth,
      recorded_at: entry.recorded_at,
      latency_ms: entry.latency_ms,
      request: entry.request,
      response: entry.response,
    };
    const pending: Pending = { text: formatEntry(full), entry: full };
    let position: number;
    if (existing === undefined) {
      position = this.#add(entry.key, -1, 0);
    } else {
      position = existing;
      this.#forget(position);
      const form = this.#forms.get(position);
      if (form !== undefined) this.#formChars -= form.json.length;
      this.#forms.delete(position);
      this.#rekeyed.delete(position);
      this.#starts[position] = -1;
      this.#lengths[position] = 0;
    }
    this.#pending.set(position, pending);
  }

  /** An entry's request as the closest-match search compares it; kept while FORMS_BUDGET allows. */
  #form(position: number): { form: Form; value: unknown } {
    const cached = this.#forms.get(position);
    if (cached !== undefined) return { form: cached, value: JSON.parse(cached.json) };
    const request = this.#head(position).request;
    const value = matchForm(request, this.#options.rules);
    const form: Form = { json: JSON.stringify(value), model: this.#intern(request.model) };
    if (this.#formChars + form.json.length <= FORMS_BUDGET) {
      this.#forms.set(position, form);
      this.#formChars += form.json.length;
    }
    return { form, value };
  }

  #head(position: number): EntryHead {
    return (
      this.#pending.get(position)?.entry ?? parseEntryHead(this.#text(position), this.label, position + 1)
    );
  }

  /**
   * One string per model name: strings parsed from a document are slices of its text, so keeping one
   * would keep the whole document.
   */
  #intern(model: unknown): unknown {
    if (typeof model !== "string") return model;
    const known = this.#models.get(model);
    if (known !== undefined) return known;
    const copy = Buffer.from(model, "utf8").toString("utf8");
    if (this.#models.size < 1000) this.#models.set(copy, copy);
    return copy;
  }

  /** The recording whose request differs from `storedRequest` in the fewest leaf paths. */
  async closest(storedRequest: unknown): Promise<ClosestRecording | undefined> {
    const wanted = matchForm(storedRequest, this.#options.rules);
    const model = (storedRequest as { model?: unknown }).model;
    let best: { position: number; differences: PathDifference[] } | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    let bestLikeness = -1;
    // A big cassette's first miss parses every request (~0.8 s for 10,000): other requests go on meanwhile.
    const sliceMs = this.#options.searchSliceMs ?? SEARCH_SLICE_MS;
    let slice = performance.now();
    for (let position = 0; position < this.size; position++) {
      if (performance.now() - slice >= sliceMs) {
        await yieldToLoop();
        slice = performance.now();
      }
      const { form, value } = this.#form(position);
      const differences = diffPaths(wanted, value);
      // Prefer recordings of the same model on ties; a different model is one more difference anyway.
      const score = differences.length * 2 + (form.model === model ? 0 : 1);
      if (score > bestScore) continue;
      // Among as many differences, the recording whose differing values are most alike: a typo in a
      // prompt points at the prompt it was meant to be, not at the first recording.
      const likeness = likenessOf(differences);
      if (score < bestScore || likeness > bestLikeness) {
        bestScore = score;
        bestLikeness = likeness;
        best = { position, differences };
      }
    }
    if (best === undefined) return undefined;
    const { position, differences } = best;
    return { index: position + 1, recordedAt: this.#head(position).recorded_at, differences };
  }

  /**
   * Write the cassette. Resolves once a write that started after this call has finished, so the
   * caller's recording is on disk; concurrent callers share the same queued write.
   */
  persist(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const write = this.#chain.then(() => {
      this.#queued = undefined;
      return this.#write();
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

  /** Wait for the writes already asked for, then let go of the file. The store is not used after this. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    this.#release();
    this.#lock?.release();
  }

  #nextHeader(): CassetteHeader {
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
    return header;
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

  /**
   * Write every entry as of now to a temp file (unchanged ones copied byte for byte from the open
   * file, new ones from memory), rename it over the cassette, and read entries from it from then on.
   */
  async #write(): Promise<void> {
    const count = this.size;
    const starts = this.#starts.slice();
    const lengths = this.#lengths.slice();
    const pending = new Map(this.#pending);
    const rekeyed = new Map(this.#rekeyed);
    const header = this.#nextHeader();
    const dir = dirname(this.file);
    const temp = join(dir, `.${basename(this.file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    let fd: number | undefined;
    try {
      // Entries already on disk are copied from the open file, checked unchanged before and after.
      const source = pending.size < count ? this.#source() : -1;
      await ensureDir(dir); // never a recursive mkdir: see shared/dirs.ts
      if (!this.#swept) await this.#sweepTempFiles();
      fd = await openFile(temp, "wx+", 0o644);
      const out = new FileWriter(fd);
      const newStarts: number[] = [];
      const newLengths: number[] = [];
      await out.text(formatHeader(header));
      for (let position = 0; position < count; position++) {
        await out.text("---\n");
        newStarts.push(out.written);
        const start = starts[position] ?? -1;
        const length = lengths[position] ?? 0;
        const key = rekeyed.get(position);
        if (start === -1) {
          await out.text(pending.get(position)?.text ?? "");
        } else if (key !== undefined) {
          const entry = parseEntry(this.#read(source, start, length), this.label, position + 1);
          await out.text(formatEntry({ ...entry, key }));
        } else if (!(await out.copy(source, start, length))) {
          throw this.#changed();
        }
        newLengths.push(out.written - (newStarts[position] ?? 0));
      }
      await out.flush();
      await syncFile(fd);
      if (source !== -1) this.#source();
      await rename(temp, this.file);
      const identity = identityOf(await statFile(fd));
      // From here on synchronous: every entry written moves to the new file at once.
      for (let position = 0; position < count; position++) {
        const was = pending.get(position);
        // Re-recorded while this write ran: only in memory still.
        if (was === undefined ? this.#starts[position] === -1 : this.#pending.get(position) !== was) continue;
        const start = newStarts[position] ?? 0;
        this.#starts[position] = start;
        this.#lengths[position] = newLengths[position] ?? 0;
        this.#rekeyed.delete(position);
        if (was !== undefined) {
          this.#pending.delete(position);
          this.#keep(position, compactResponse(was.entry.response));
        }
      }
      this.#release();
      this.#use(fd);
      this.#identity = identity;
      this.#exists = true;
      fd = undefined;
    } catch (error) {
      if (fd !== undefined) await closeFile(fd).catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      if (error instanceof GatewayError && error.code === "cassette_changed") throw error;
      throw new GatewayError(`Cannot write cassette ${this.label}: ${reason(error)}`, {
        status: 500,
        type: "api_error",
        code: "cassette_write_failed",
        cause: error,
      });
    }
  }
}
