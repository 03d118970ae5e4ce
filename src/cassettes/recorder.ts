// withCassettes(inner, options): the record/replay decorator. Same `UpstreamClient` interface as what it
// wraps; the one `switch` over the cassette modes lives here. What it records is the upstream exchange,
// so one recording serves /prod/invoke, /v1/chat/completions and streaming alike.
import type { Config } from "../config/types.ts";
import type { Clock } from "../shared/clock.ts";
import { GatewayError } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import { unauthorizedReply } from "../upstream/credentials.ts";
import type { InvokeContext, InvokeRequest, UpstreamClient, UpstreamResponse } from "../upstream/types.ts";
import { matchRules, requestKey } from "./canonical.ts";
import { TEMP_FILE } from "./cassette-file.ts";
import { CASSETTE_IO_TIMEOUT_MS, withinDeadline } from "./deadline.ts";
import { cassetteMiss } from "./miss.ts";
import { sweepDeadTempFiles } from "../shared/temp-files.ts";
import { cassetteLabel, checkCassetteName } from "./names.ts";
import { decodeResponse, encodeResponse } from "./responses.ts";
import { CALLER_DEPENDENT_STATUSES, Scrubber, compileRedactions } from "./scrub.ts";
import { Stores } from "./open-stores.ts";
import type { CassetteStore } from "./store.ts";
import { RecordingUsage, logUnused, type UnusedRecordings } from "./unused.ts";

export { MAX_OPEN_CASSETTES } from "./open-stores.ts";

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
  /** How often an open cassette's file is compared with what was loaded (default `CHANGE_CHECK_MS`). */
  changeCheckMs?: number;
  /** Longest a request waits on cassette I/O before its 500 (default `CASSETTE_IO_TIMEOUT_MS`). */
  ioTimeoutMs?: number;
  /** Told of each hit (replayed), miss (nothing recorded) and record (an exchange written): /metrics. */
  onOutcome?: (outcome: CassetteOutcome) => void;
  /** replay: a request whose recordings are used up gets a 404 instead of the last one again. */
  strict?: boolean;
  /** replay/auto: log the recordings no request used when closing (default true). */
  reportUnused?: boolean;
  /** Credentials from the configuration, redacted from every recording besides the caller's own. */
  secrets?: readonly string[];
}

/** What withCassettes returns: the decorated upstream plus the unused-recordings report. */
export interface CassetteClient extends UpstreamClient {
  /** The recordings no request used so far, per cassette under `recording.dir`. */
  unused(): Promise<UnusedRecordings>;
}

export type CassetteOutcome = "hit" | "miss" | "record";

/** How often an `auto` miss waits for an identical miss in flight before asking the upstream anyway. */
const MAX_FLIGHT_WAITS = 16;

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

/** The strict-replay 404: the request was recorded, but fewer times than it was asked. */
function usedUp(store: CassetteStore, key: string): GatewayError {
  const n = store.recordings(key);
  return new GatewayError(
    `Every recording of this request in cassette "${store.name}" (${store.label}) was already used ` +
      `(${n} recorded; replay.strict is on, so the last is not repeated). The code under test made this ` +
      "call more often than when it was recorded; record again, or turn replay.strict off.",
    { status: 404, type: "invalid_request_error", code: "cassette_miss", details: { recordings: n } },
  );
}

export function withCassettes(inner: UpstreamClient, options: CassetteOptions): CassetteClient {
  const rules = matchRules(options.recording.ignore_fields);
  const usage = new RecordingUsage();
  const strict = options.strict === true;
  const patterns = compileRedactions(options.recording.redact_patterns);
  const stores = new Stores(options, rules);
  /** `auto`: the recording in flight per cassette and key, so identical misses call the upstream once. */
  const flights = new Map<string, Promise<UpstreamResponse>>();
  const { clock, logger, mode } = options;
  const ioTimeoutMs = options.ioTimeoutMs ?? CASSETTE_IO_TIMEOUT_MS;
  const tell = options.onOutcome ?? (() => {});
  if (mode !== "replay") {
    // What a recorder killed mid-write left (cassette-file.ts names temps `.<file>.<pid>.<hex>.tmp`).
    const swept = sweepDeadTempFiles(options.recording.dir, TEMP_FILE, true);
    if (swept > 0) logger.info({ swept }, "removed temp files of recorders that no longer run");
  }

  /** Why an answer is not stored: it depends on the caller, or (`auto`) it is transient. */
  function notStored(response: UpstreamResponse, keepTransient: boolean): boolean {
    if (CALLER_DEPENDENT_STATUSES.includes(response.status)) return true;
    return !keepTransient && !response.ok && response.status >= 400 && response.error.shouldRetry;
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
    await withinDeadline(store.persist(), ioTimeoutMs, `Writing cassette ${store.label}`);
    tell("record");
    logger.debug(
      { cassette: store.name, key: key.slice(0, 19), outcome: "recorded", status: response.status },
      "cassette",
    );
    return response;
  }

  const next = (call: Call, strictly = false): ReturnType<CassetteStore["next"]> =>
    withinDeadline(call.store.next(call.key, strictly), ioTimeoutMs, `Reading cassette ${call.store.label}`);

  async function replay(call: Call, teamId: string): Promise<UpstreamResponse> {
    const recorded = await next(call, strict);
    if (recorded === undefined) {
      tell("miss");
      logger.info({ cassette: call.store.name, key: call.key.slice(0, 19), outcome: "miss" }, "cassette");
      if (strict && call.store.recordings(call.key) > 0) throw usedUp(call.store, call.key);
      throw await cassetteMiss(call.store, call.stored, call.key);
    }
    tell("hit");
    usage.note(call.store.name, call.key);
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
      const recorded = await next(call);
      if (recorded !== undefined) {
        tell("hit");
        usage.note(call.store.name, call.key);
        return decodeResponse(recorded, teamId);
      }
      const pending = flights.get(flight);
      if (pending === undefined || waits >= MAX_FLIGHT_WAITS) {
        tell("miss");
        // What this call records is used by it.
        const recording = record(call, false).then((response) => {
          if (call.store.recordings(call.key) > 0) usage.note(call.store.name, call.key);
          return response;
        });
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
    const acquiring = stores.acquire(name);
    let lease;
    try {
      lease = await withinDeadline(
        acquiring,
        ioTimeoutMs,
        `Opening cassette ${cassetteLabel(options.recording.dir, name)}`,
      );
    } catch (error) {
      acquiring.then(
        (late) => late.release(),
        () => undefined,
      ); // given up on: let it go when it comes
      throw error;
    }
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
    unused: () => usage.report(options.recording.dir, rules),
    async close() {
      await stores.close();
      if (mode !== "record" && options.reportUnused !== false) {
        try {
          logUnused(logger, await usage.report(options.recording.dir, rules));
        } catch (error) {
          logger.warn({ err: error }, "could not report unused recordings");
        }
      }
      await inner.close();
    },
  };
}
