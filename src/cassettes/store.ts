// One cassette in memory, in the shape of undici's snapshot recorder: the file is read once and split
// into its documents; each entry is indexed by the key its first line declares and parsed only when it
// is first replayed. Identical requests replay their recordings in order. Writes rewrite the whole file
// (cassette-file.ts: temp file + rename), one at a time per cassette, concurrent ones coalesced.
//
// What it keeps is the file's text (an entry's document is a slice of it) plus, per replayed entry, its
// response in compact form: a 10,000-entry, 10 MB cassette costs about its size in memory. The stamp of
// what it loaded (and of what it last wrote) tells whether someone else changed the file since
// (`changedOnDisk`); open-stores.ts then reloads it.
import { GatewayError } from "../shared/errors.ts";
import type { Clock } from "../shared/clock.ts";
import { acquireFileLock, FileLockedError, type FileLock } from "../shared/file-lock.ts";
import { requestKey, type MatchRules } from "./canonical.ts";
import { fileStamp, readCassetteFile, writeCassetteFile, type FileStamp } from "./cassette-file.ts";
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  declaredKey,
  formatEntry,
  formatHeader,
  isBlankDocument,
  parseEntry,
  parseHeader,
  splitDocuments,
  type CassetteEntry,
  type CassetteHeader,
  type StoredResponse,
} from "./format.ts";
import { compactResponse } from "./responses.ts";

/** One entry: its document as it is (or will be) on disk, and its response once replayed. */
export interface EntryDocument {
  readonly key: string;
  readonly text: string;
}

interface Entry extends EntryDocument {
  response?: StoredResponse;
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

/** \n, \r, U+2028, U+2029: what a line ends with (JavaScript's /m, as format.ts splits). */
const LINE_ENDS = [0x0a, 0x0d, 0x2028, 0x2029];

/** `text` declaring `key` on its first line: only that line changes when it declares one already. */
function withKey(text: string, entry: CassetteEntry, key: string): string {
  const old = declaredKey(text);
  return old === undefined ? formatEntry({ ...entry, key }) : `key: ${key}${text.slice(5 + old.length)}`;
}

export class CassetteStore {
  readonly name: string;
  readonly file: string;
  /** The file as messages name it. */
  readonly label: string;
  readonly #options: StoreOptions;
  #header: CassetteHeader | undefined;
  #exists = false;
  readonly #entries: Entry[] = [];
  /** Key → its position, or positions in recording order when there are several (most keys have one). */
  readonly #index = new Map<string, number | number[]>();
  /** Per key: recordings handed out (replay order), and recordings made this session (re-recording). */
  readonly #served = new Map<string, number>();
  readonly #recorded = new Map<string, number>();
  #lock: FileLock | undefined;
  #chain: Promise<void> = Promise.resolve();
  #queued: Promise<void> | undefined;
  #writes = 0;
  /** The file as this store last read or wrote it; undefined: there was no file. */
  #stamp: FileStamp | undefined;

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
    try {
      const read = await readCassetteFile(options.file);
      if (read !== undefined) {
        store.#stamp = read.stamp;
        store.#load(read.text);
      }
    } catch (error) {
      store.#lock?.release();
      if (error instanceof GatewayError) throw error;
      throw new GatewayError(`Cannot read cassette ${store.label}: ${reason(error)}`, {
        status: 500,
        type: "api_error",
        code: "cassette_unreadable",
      });
    }
    return store;
  }

  #takeLock(): FileLock {
    try {
      return acquireFileLock(this.file, "recording cassettes");
    } catch (error) {
      if (!(error instanceof FileLockedError)) throw error;
      const { pid, host, since } = error.holder;
      throw new GatewayError(
        `Cassette ${this.label} is being recorded by another gateway (process ${pid} on ${host}, since ${since}); ` +
          "record each cassette from one process, or give this one another X-Cassette name.",
        { status: 409, type: "api_error", code: "cassette_locked" },
      );
    }
  }

  /** Index the file's entries by the keys they declare; entries are parsed only to re-hash them. */
  #load(text: string): void {
    const [head, ...documents] = splitDocuments(text);
    this.#header = parseHeader(head?.text ?? "", this.label);
    const { rules, rehash } = this.#options;
    const sameRules =
      rehash !== true && this.#header.ignore_fields.join("\n") === rules.ignoredFields.join("\n");
    for (const { text: found, key } of documents) {
      if (key === undefined && isBlankDocument(found)) continue;
      // The last document may end without a line break: the writer puts a `---` line after it.
      const document = LINE_ENDS.includes(found.charCodeAt(found.length - 1)) ? found : `${found}\n`;
      if (sameRules && key !== undefined) {
        this.#add({ key, text: document });
        continue;
      }
      // Other matching rules than the file was written with (or a hand-edited entry): re-hash it. The
      // new key is written with the next write.
      const entry = parseEntry(document, this.label, this.size + 1);
      const current = requestKey(entry.request, rules);
      this.#add({ key: current, text: current === entry.key ? document : withKey(document, entry, current) });
    }
    this.#exists = true;
  }

  get exists(): boolean {
    return this.#exists;
  }

  /** The matching rules its keys are computed with. */
  get rules(): MatchRules {
    return this.#options.rules;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The entry at `position` (0-based): what the closest-match search reads. A re-recording replaces it. */
  document(position: number): EntryDocument | undefined {
    return this.#entries[position];
  }

  #add(entry: Entry): number {
    const position = this.#entries.push(entry) - 1;
    const found = this.#index.get(entry.key);
    if (found === undefined) this.#index.set(entry.key, position);
    else if (typeof found === "number") this.#index.set(entry.key, [found, position]);
    else found.push(position);
    return position;
  }

  #positions(key: string): readonly number[] {
    const found = this.#index.get(key);
    return found === undefined ? [] : typeof found === "number" ? [found] : found;
  }

  /** How many recordings `key` has. */
  recordings(key: string): number {
    return this.#positions(key).length;
  }

  /**
   * The response of the next recording for `key`: identical requests get their recordings in order, then
   * the last repeats (`strict`: then none).
   */
  async next(key: string, strict = false): Promise<StoredResponse | undefined> {
    const positions = this.#positions(key);
    if (positions.length === 0) return undefined;
    const served = this.#served.get(key) ?? 0;
    this.#served.set(key, served + 1);
    if (strict && served >= positions.length) return undefined;
    const position = positions[Math.min(served, positions.length - 1)] ?? 0;
    const entry = this.#entries[position];
    if (entry === undefined) return undefined;
    // Parsed once, when first replayed; what is kept is the compact form (responses.ts).
    entry.response ??= compactResponse(parseEntry(entry.text, this.label, position + 1).response);
    return entry.response;
  }

  /**
   * Store a new recording. The n-th identical request of this session replaces the n-th existing
   * recording of that key (re-recording a suite refreshes a cassette instead of growing it); beyond
   * those it is appended. It reaches the disk with the next `persist()`.
   */
  record(entry: Omit<CassetteEntry, "order">): void {
    const nth = this.#recorded.get(entry.key) ?? 0;
    this.#recorded.set(entry.key, nth + 1);
    const positions = this.#positions(entry.key);
    const existing = positions[nth];
    const full: CassetteEntry = {
      key: entry.key,
      order: existing === undefined ? positions.length : nth,
      recorded_at: entry.recorded_at,
      latency_ms: entry.latency_ms,
      request: entry.request,
      response: entry.response,
    };
    const recorded: Entry = {
      key: entry.key,
      text: formatEntry(full),
      response: compactResponse(entry.response),
    };
    if (existing === undefined) this.#add(recorded);
    else this.#entries[existing] = recorded;
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

  /**
   * True when the file on disk is no longer what this store read or last wrote: edited by hand, replaced,
   * or deleted. Unreadable counts as changed (reopening reports why).
   */
  async changedOnDisk(): Promise<boolean> {
    if (this.writing) return false; // its own write is under way
    try {
      return (await fileStamp(this.file)) !== this.#stamp;
    } catch {
      return true;
    }
  }

  /** True while a write is queued or running (such a store must not be closed). */
  get writing(): boolean {
    return this.#writes > 0;
  }

  /** Wait for every write already asked for. */
  flush(): Promise<void> {
    return this.#chain;
  }

  /** Wait for the writes already asked for, then let go of the lock. The store is not used after this. */
  async close(): Promise<void> {
    await this.flush();
    this.#lock?.release();
  }

  /** Every entry as of now, after a fresh header, written over the file. */
  async #write(): Promise<void> {
    const now = new Date(this.#options.clock.now()).toISOString();
    const header: CassetteHeader = {
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      created: this.#header?.created ?? now,
      updated: now,
      creator: this.#options.creator,
      ignore_fields: [...this.#options.rules.ignoredFields],
    };
    const parts = [formatHeader(header)];
    for (const entry of this.#entries) parts.push("---\n", entry.text);
    try {
      await writeCassetteFile(this.file, parts);
      this.#stamp = await fileStamp(this.file);
    } catch (error) {
      throw new GatewayError(`Cannot write cassette ${this.label}: ${reason(error)}`, {
        status: 500,
        type: "api_error",
        code: "cassette_write_failed",
        cause: error,
      });
    }
    this.#header = header;
    this.#exists = true;
  }
}
