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

interface OpenCassette {
  store: Promise<CassetteStore>;
  /** Set once `store` has loaded. */
  loaded?: CassetteStore;
  /** Requests using the store right now: it is never closed under them. */
  users: number;
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

  constructor(options: CassetteOptions, rules: MatchRules) {
    this.#options = options;
    this.#rules = rules;
    this.#capacity = Math.max(1, options.maxOpenCassettes ?? MAX_OPEN_CASSETTES);
  }

  async acquire(name: string): Promise<Lease> {
    let open = this.#open.get(name);
    if (open === undefined) {
      const { recording, clock, creator } = this.#options;
      const file = cassettePath(recording.dir, name);
      const opening: OpenCassette = {
        // Lexically inside the directory is not enough: a symlink in it may point anywhere.
        store: staysInside(recording.dir, file, name).then(() =>
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
      };
      // A broken file is reported on every request until it is fixed, not cached forever.
      opening.store.then(
        (store) => (opening.loaded = store),
        () => this.#forget(name, opening),
      );
      open = opening;
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

  /** Stop handing out `store`; it lets go of its file once its writes are done. */
  #close(name: string, store: CassetteStore): void {
    this.#open.delete(name);
    const closed: Promise<void> = store
      .close()
      .catch(() => undefined)
      .finally(() => this.#closing.delete(closed));
    this.#closing.add(closed);
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
