// withCassettes(inner, options): the record/replay decorator. Same `UpstreamClient` interface as what it
// wraps; the one `switch` over the cassette modes lives here. What it records is the upstream exchange,
// so one recording serves /prod/invoke, /v1/chat/completions and streaming alike.
import type { Config } from "../config/types.ts";
import type { Clock } from "../shared/clock.ts";
import type { Logger } from "../shared/logger.ts";
import { PACKAGE_NAME, VERSION } from "../shared/version.ts";
import { errorFromUpstream } from "../upstream/errors.ts";
import type { InvokeContext, InvokeRequest, UpstreamClient, UpstreamResponse } from "../upstream/types.ts";
import { matchRules, requestKey, type MatchRules } from "./canonical.ts";
import { cassetteMiss } from "./miss.ts";
import { cassettePath, checkCassetteName } from "./names.ts";
import { decodeResponse, encodeResponse } from "./responses.ts";
import { Scrubber, compileRedactions } from "./scrub.ts";
import { CassetteStore } from "./store.ts";

export const CASSETTE_MODES = ["record", "replay", "auto"] as const;
export type CassetteMode = (typeof CASSETTE_MODES)[number];

export interface CassetteOptions {
  /**
   * record: call `inner` and write every exchange (errors too); replay: never call it; auto: replay
   * what is recorded, call `inner` for the rest and record its answers (transient failures excepted).
   */
  mode: CassetteMode;
  recording: Readonly<Config["recording"]>;
  clock: Clock;
  logger: Logger;
  /** Written into new cassette headers (default: this package and version). */
  creator?: string;
}

/** Opens each cassette once per process and hands out the same store to every request. */
class Stores {
  readonly #open = new Map<string, Promise<CassetteStore>>();
  readonly #options: CassetteOptions;
  readonly #rules: MatchRules;

  constructor(options: CassetteOptions, rules: MatchRules) {
    this.#options = options;
    this.#rules = rules;
  }

  get(name: string): Promise<CassetteStore> {
    let store = this.#open.get(name);
    if (store === undefined) {
      store = CassetteStore.open({
        name,
        file: cassettePath(this.#options.recording.dir, name),
        rules: this.#rules,
        clock: this.#options.clock,
        creator: this.#options.creator ?? `${PACKAGE_NAME} ${VERSION}`,
      });
      this.#open.set(name, store);
      // A broken file is reported on every request until it is fixed, not cached forever.
      store.catch(() => this.#open.delete(name));
    }
    return store;
  }

  async flush(): Promise<void> {
    const settled = await Promise.allSettled(this.#open.values());
    await Promise.all(settled.map((s) => (s.status === "fulfilled" ? s.value.flush() : undefined)));
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
  const { clock, logger, mode } = options;

  /** Call the upstream and store the exchange. `auto` skips transient failures so a retry records the answer. */
  async function record(call: Call, keepTransient: boolean): Promise<UpstreamResponse> {
    const { store, key } = call;
    const started = clock.now();
    const response = await inner.invoke(call.request, call.context);
    if (!keepTransient && response.status >= 400 && errorFromUpstream(response).shouldRetry) {
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

  return {
    async invoke(request, context) {
      const name = checkCassetteName(context.cassette ?? options.recording.cassette);
      const store = await stores.get(name);
      const scrubber = new Scrubber(context.credentials, patterns);
      const stored = scrubber.request(request);
      const call: Call = { store, key: requestKey(stored, rules), stored, scrubber, request, context };
      const teamId = context.credentials?.teamId;
      switch (mode) {
        case "replay": {
          const entry = store.next(call.key);
          if (entry === undefined) {
            logger.info({ cassette: name, key: call.key.slice(0, 19), outcome: "miss" }, "cassette");
            throw cassetteMiss(store, stored, call.key);
          }
          return decodeResponse(entry.response, teamId);
        }
        case "auto": {
          const entry = store.next(call.key);
          return entry === undefined ? record(call, false) : decodeResponse(entry.response, teamId);
        }
        case "record":
          return record(call, true);
      }
    },
    async close() {
      await stores.flush();
      await inner.close();
    },
  };
}
