// withCassettes(inner, options): the record/replay decorator. Same `UpstreamClient` interface as what it
// wraps; the one `switch` over the cassette modes lives here. What it records is the upstream exchange,
// so one recording serves /prod/invoke, /v1/chat/completions and streaming alike.
import type { Config } from "../config/types.ts";
import type { Clock } from "../shared/clock.ts";
import type { Logger } from "../shared/logger.ts";
import { PACKAGE_NAME, VERSION } from "../shared/version.ts";
import { unauthorizedReply } from "../upstream/credentials.ts";
import { errorFromUpstream } from "../upstream/errors.ts";
import type { InvokeContext, InvokeRequest, UpstreamClient, UpstreamResponse } from "../upstream/types.ts";
import { matchRules, requestKey, type MatchRules } from "./canonical.ts";
import { cassetteMiss } from "./miss.ts";
import { sweepDeadTempFiles } from "../shared/temp-files.ts";
import { cassetteLabel, cassettePath, checkCassetteName, staysInside } from "./names.ts";
import { decodeResponse, encodeResponse } from "./responses.ts";
import { CALLER_DEPENDENT_STATUSES, Scrubber, compileRedactions } from "./scrub.ts";
import { CassetteStore } from "./store.ts";

export const CASSETTE_MODES = ["record", "replay", "auto"] as const;
export type CassetteMode = (typeof CASSETTE_MODES)[number];

export interface CassetteOptions {
  /**
   * record: call `inner` and write every exchange (errors too); replay: never call it; auto: replay
   * what is recorded, call `inner` for the rest and record its answers (transient failures excepted).
   * No mode stores answers that depend on the caller (`CALLER_DEPENDENT_STATUSES`); replay and auto
   * answer a caller without credentials with the proxy's 401.
   */
  mode: CassetteMode;
  recording: Readonly<Config["recording"]>;
  clock: Clock;
  logger: Logger;
  /** Written into new cassette headers (default: this package and version). */
  creator?: string;
  /** Most cassettes kept in memory at once (default `MAX_OPEN_CASSETTES`). */
  maxOpenCassettes?: number;
  /** Credentials from the configuration, redacted from every recording besides the caller's own. */
  secrets?: readonly string[];
}

/**
 * Every distinct `X-Cassette` opens a store holding its whole file, so they are bounded: past this many,
 * the least recently used idle store (no request using it, no write pending) is flushed and closed.
 * A closed cassette that is used again is reloaded from disk, its replay order starting afresh.
 */
export const MAX_OPEN_CASSETTES = 64;

/** How often an `auto` miss waits for an identical miss in flight before asking the upstream anyway. */
const MAX_FLIGHT_WAITS = 16;

interface OpenCassette {
  store: Promise<CassetteStore>;
  /** Set once `store` has loaded. */
  loaded?: CassetteStore;
  /** Requests using the store right now: it is never closed under them. */
  users: number;
}

interface Lease {
  store: CassetteStore;
  release(): void;
}

/** Opens each cassette once and hands the same store to every request, keeping at most `capacity` open. */
class Stores {
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
    // A file rewritten in place under an idle store: read it again.
    if (open?.loaded?.stale === true && open.users === 0 && !open.loaded.writing) {
      this.#close(name, open.loaded);
      open = undefined;
    }
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

/** One request on its way through the recorder. */
interface Call {
  store: CassetteStore;
  key: string;
  /** The request as stored (scrubbed). */
  stored: Record<string, unknown>;
  scrubber: Scrubber;
  request: InvokeRequest;
  context: InvokeContext;
}

export function withCassettes(inner: UpstreamClient, options: CassetteOptions): UpstreamClient {
  const rules = matchRules(options.recording.ignore_fields);
  const patterns = compileRedactions(options.recording.redact_patterns);
  const stores = new Stores(options, rules);
  /** `auto`: the recording in flight per cassette and key, so identical misses call the upstream once. */
  const flights = new Map<string, Promise<UpstreamResponse>>();
  const { clock, logger, mode } = options;
  if (mode !== "replay") {
    // What a recorder killed mid-write left (store.ts names temps `.<file>.<pid>.<hex>.tmp`).
    const swept = sweepDeadTempFiles(options.recording.dir, /^\..+\.ya?ml\.(\d+)\.[0-9a-f]+\.tmp$/, true);
    if (swept > 0) logger.info({ swept }, "removed temp files of recorders that no longer run");
  }

  /** Why an answer is not stored: it depends on the caller, or (`auto`) it is transient. */
  function notStored(response: UpstreamResponse, keepTransient: boolean): boolean {
    if (CALLER_DEPENDENT_STATUSES.includes(response.status)) return true;
    return !keepTransient && response.status >= 400 && errorFromUpstream(response).shouldRetry;
  }

  /** Call the upstream and store the exchange. `auto` skips transient failures so a retry records the answer. */
  async function record(call: Call, keepTransient: boolean): Promise<UpstreamResponse> {
    const { store, key } = call;
    const started = clock.now();
    const response = await inner.invoke(call.request, call.context);
    if (notStored(response, keepTransient)) {
      logger.info(
        { cassette: store.name, key: key.slice(0, 19), outcome: "not_recorded", status: response.status },
        "cassette",
      );
      return response;
    }
    store.record({
      key,
      recorded_at: new Date(clock.now()).toISOString(),
      latency_ms: Math.max(0, clock.now() - started),
      request: call.stored,
      response: encodeResponse(response, call.scrubber),
    });
    await store.persist();
    logger.debug(
      { cassette: store.name, key: key.slice(0, 19), outcome: "recorded", status: response.status },
      "cassette",
    );
    return response;
  }

  async function replay(call: Call, teamId: string): Promise<UpstreamResponse> {
    const recorded = await call.store.next(call.key);
    if (recorded === undefined) {
      logger.info({ cassette: call.store.name, key: call.key.slice(0, 19), outcome: "miss" }, "cassette");
      throw await cassetteMiss(call.store, call.stored, call.key);
    }
    return decodeResponse(recorded, teamId);
  }

  /**
   * Replay what is recorded, else record. Identical misses in flight share one upstream call: the
   * first goes upstream, the others wait and replay what it recorded; if it recorded nothing (a
   * transient or caller-dependent failure) the next one in line asks the upstream itself.
   */
  async function auto(call: Call, teamId: string): Promise<UpstreamResponse> {
    const flight = `${call.store.name}\n${call.key}`;
    for (let waits = 0; ; waits++) {
      const recorded = await call.store.next(call.key);
      if (recorded !== undefined) return decodeResponse(recorded, teamId);
      const pending = flights.get(flight);
      if (pending === undefined || waits >= MAX_FLIGHT_WAITS) {
        const recording = record(call, false);
        if (pending !== undefined) return recording;
        const shared = recording.finally(() => flights.delete(flight));
        flights.set(flight, shared);
        return shared;
      }
      await pending.catch(() => undefined);
    }
  }

  function prepare(store: CassetteStore, request: InvokeRequest, context: InvokeContext): Call {
    const scrubber = new Scrubber(context.credentials, patterns, options.secrets);
    const stored = scrubber.request(request);
    return { store, key: requestKey(stored, rules), stored, scrubber, request, context };
  }

  async function using<T>(name: string, use: (store: CassetteStore) => T | Promise<T>): Promise<T> {
    const lease = await stores.acquire(name);
    try {
      return await use(lease.store);
    } finally {
      lease.release();
    }
  }

  return {
    async invoke(request, context) {
      const name = checkCassetteName(context.cassette ?? options.recording.cassette);
      // Replay and auto answer in the proxy's place: a caller without credentials gets its 401
      // (CONTRACT §3), never a recording. Record asks the upstream, which says the same.
      const teamId = context.credentials?.teamId;
      switch (mode) {
        case "record":
          return using(name, (store) => record(prepare(store, request, context), true));
        case "replay":
          if (teamId === undefined) return unauthorizedReply();
          return using(name, (store) => replay(prepare(store, request, context), teamId));
        case "auto":
          if (teamId === undefined) return unauthorizedReply();
          return using(name, (store) => auto(prepare(store, request, context), teamId));
      }
    },
    async close() {
      await stores.close();
      await inner.close();
    },
  };
}
