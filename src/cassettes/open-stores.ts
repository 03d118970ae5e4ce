// The cassettes a recorder has open: each opened once and shared by every request using it, at most
// `MAX_OPEN_CASSETTES` at a time (the least recently used idle one is flushed and closed past that).
import { PACKAGE_NAME, VERSION } from "../shared/version.ts";
import type { MatchRules } from "./canonical.ts";
import { cassetteLabel, cassettePath, staysInside } from "./names.ts";
import type { CassetteOptions } from "./recorder.ts";
import { CassetteStore } from "./store.ts";

/**
 * Every distinct `X-Cassette` opens a store holding its whole file, so they are bounded: past this many,
 * the least recently used idle store (no request using it, no write pending) is flushed and closed.
 * A closed cassette that is used again is reloaded from disk, its replay order starting afresh.
 */
export const MAX_OPEN_CASSETTES = 64;

/** How often an open cassette's file is compared with what was loaded (a hand edit is seen this soon). */
export const CHANGE_CHECK_MS = 1000;

interface OpenCassette {
  store: Promise<CassetteStore>;
  /** Set once `store` has loaded. */
  loaded?: CassetteStore;
  /** Requests using the store right now: it is never closed under them. */
  users: number;
  /** When the file was last compared with what the store loaded (performance.now()). */
  checkedAt: number;
}

export interface Lease {
  store: CassetteStore;
  release(): void;
}

/** Opens each cassette once and hands the same store to every request, keeping at most `capacity` open. */
export class Stores {
  /** Least recently used first. */
  readonly #open = new Map<string, OpenCassette>();
  /** Closings (flush, then let go of the file) that `close()` must still wait for. */
  readonly #closing = new Set<Promise<void>>();
  readonly #options: CassetteOptions;
  readonly #rules: MatchRules;
  readonly #capacity: number;
  readonly #checkEveryMs: number;

  constructor(options: CassetteOptions, rules: MatchRules) {
    this.#options = options;
    this.#rules = rules;
    this.#capacity = Math.max(1, options.maxOpenCassettes ?? MAX_OPEN_CASSETTES);
    this.#checkEveryMs = options.changeCheckMs ?? CHANGE_CHECK_MS;
  }

  async acquire(name: string): Promise<Lease> {
    const known = this.#open.get(name);
    // Checked only when due, so the usual request takes no extra turn.
    if (
      known?.loaded !== undefined &&
      known.users === 0 &&
      performance.now() - known.checkedAt >= this.#checkEveryMs
    )
      await this.#reloadIfChanged(name, known);
    let open = this.#open.get(name);
    if (open === undefined) {
      open = this.#opening(name, Promise.resolve());
    } else {
      this.#open.delete(name);
    }
    this.#open.set(name, open);
    open.users++;
    this.#evict();
    let store: CassetteStore;
    try {
      store = await open.store;
    } catch (error) {
      open.users--;
      throw error;
    }
    // Replay never writes, and any name opens a store: one for a missing file is not kept.
    if (this.#options.mode === "replay" && !store.exists) this.#forget(name, open);
    const held = open;
    let released = false;
    return {
      store,
      release: () => {
        if (released) return;
        released = true;
        held.users--;
        this.#evict();
      },
    };
  }

  /** A store being opened for `name` once `after` (the previous store's closing) is done. */
  #opening(name: string, after: Promise<void>): OpenCassette {
    const { recording, clock, creator } = this.#options;
    const file = cassettePath(recording.dir, name);
    const opening: OpenCassette = {
      // Lexically inside the directory is not enough: a symlink in it may point anywhere.
      store: after
        .then(() => staysInside(recording.dir, file, name))
        .then(() =>
          CassetteStore.open({
            name,
            file,
            label: cassetteLabel(recording.dir, name),
            rules: this.#rules,
            clock,
            creator: creator ?? `${PACKAGE_NAME} ${VERSION}`,
            lock: this.#options.mode !== "replay",
          }),
        ),
      users: 0,
      checkedAt: performance.now(),
    };
    // A broken file is reported on every request until it is fixed, not cached forever.
    opening.store.then(
      (store) => (opening.loaded = store),
      () => this.#forget(name, opening),
    );
    return opening;
  }

  /**
   * A cassette edited by hand (or replaced) while open is read again — at most once per
   * `changeCheckMs`, only while no request uses it; its replay order starts afresh, as on a restart.
   */
  async #reloadIfChanged(name: string, open: OpenCassette): Promise<void> {
    const store = open.loaded;
    if (store === undefined) return;
    open.checkedAt = performance.now();
    if (!(await store.changedOnDisk())) return;
    if (this.#open.get(name) !== open || open.users > 0 || store.writing) return;
    // The new store waits for the old one to let go of its lock (record/auto hold one).
    const closed = this.#close(name, store);
    this.#open.set(name, this.#opening(name, closed));
  }

  #forget(name: string, open: OpenCassette): void {
    if (this.#open.get(name) === open) this.#open.delete(name);
  }

  /** Close least recently used idle stores until at most `capacity` are open (busy ones wait their turn). */
  #evict(): void {
    for (const [name, open] of this.#open) {
      if (this.#open.size <= this.#capacity) return;
      const store = open.loaded;
      if (open.users > 0 || store === undefined || store.writing) continue;
      this.#close(name, store);
    }
  }

  /** Stop handing out `store`; it lets go of its file once its writes are done (the promise says when). */
  #close(name: string, store: CassetteStore): Promise<void> {
    this.#open.delete(name);
    const closed: Promise<void> = store
      .close()
      .catch(() => undefined)
      .finally(() => this.#closing.delete(closed));
    this.#closing.add(closed);
    return closed;
  }

  /**
   * Wait for every write, and close every idle store (a later request opens its cassette afresh). One
   * still in use by a request is only flushed: its file is let go of when it is collected.
   */
  async close(): Promise<void> {
    const settled = await Promise.allSettled(
      [...this.#open].map(async ([name, open]) => [name, open, await open.store] as const),
    );
    const flushes: Array<Promise<void>> = [];
    for (const s of settled) {
      if (s.status !== "fulfilled") continue;
      const [name, open, store] = s.value;
      if (open.users === 0 && !store.writing && this.#open.get(name) === open) this.#close(name, store);
      else flushes.push(store.flush());
    }
    await Promise.all([...flushes, ...this.#closing]);
  }
}
