// The request journal (CONTRACT §5 "Agent-test controls"): the last requests the faces received, newest
// first, for tests (`GET /admin/requests`, `gw.requests()`) and the dashboard. The hot lane notes each
// request when its response closes; what is costly (copying the body, redacting credentials) happens
// when the journal is read, not on the request path. Headers are never kept: credentials travel there.
import type { Clock } from "../shared/clock.ts";
import type { RequestRecord } from "./exchange.ts";

/** One journal entry as `GET /admin/requests` returns it (documented in the README "Testing agents"). */
export interface JournalEntry {
  /** The request id (`x-request-id`). */
  id: string;
  /** When the response closed (ISO 8601). */
  at: string;
  /** Which face answered: `chat`, `invoke`, … (the path for a face without a name). */
  face: string;
  path: string;
  model: string | null;
  team: string | null;
  cassette: string | null;
  /** The id of the run-time stub that answered, if one did. */
  stub: string | null;
  status: number;
  /** The error code the request ended with (e.g. `cassette_miss`, `stream_cut`), if it failed. */
  error: string | null;
  /** Upstream cost of the answer in USD (0 when nothing was charged). */
  cost_usd: number;
  ms: number;
  stream: boolean;
  /** The request body as received, credentials redacted and long strings shortened. */
  body: unknown;
}

export interface JournalFilter {
  cassette?: string;
  face?: string;
  limit?: number;
}

interface Noted {
  record: RequestRecord;
  /** The redacted body, made when the entry was noted (large bodies: they are not kept whole). */
  body?: unknown;
  face: string;
  path: string;
  params: Readonly<Record<string, string>>;
  status: number;
  ms: number;
  at: number;
}

/**
 * Bodies up to this size are kept as received and redacted when read (nothing on the request path);
 * larger ones (images, documents) are redacted — their long strings cut — when noted, so a full journal
 * never holds hundreds of megabytes of request bodies.
 */
const KEPT_BODY_BYTES = 64 * 1024;

/** Body keys whose values are credentials (lower-cased, `-` as `_`): never shown. */
const SECRET_KEYS = new Set([
  "api_token",
  "apitoken",
  "api_key",
  "apikey",
  "x_api_key",
  "x_api_token",
  "authorization",
  "password",
  "secret",
  "client_secret",
  "access_token",
  "refresh_token",
  "session_token",
  "aws_secret_access_key",
]);
const MAX_STRING = 2000;
const MAX_DEPTH = 32;
const MAX_ITEMS = 1000;

/**
 * A redacted copy: secret keys replaced, long strings (images, documents) cut to their start, long
 * arrays and wide objects to their first MAX_ITEMS, and the whole copy to about KEPT_BODY_BYTES
 * (characters, and 8 per value), past which values read "[…]".
 */
export function redactBody(value: unknown): unknown {
  return redacted(value, 0, { left: KEPT_BODY_BYTES });
}

function redacted(value: unknown, depth: number, budget: { left: number }): unknown {
  // Each cut is bounded, but not their sum: 1,000 messages of 2,000 characters each were kept whole, and
  // the journal keeps 200 entries (a fuzz pass: ~25 MiB of heap swinging with whatever it last saw).
  if (budget.left <= 0) return "[…]";
  budget.left -= 8;
  // The cut start is copied: a slice is a view that keeps the whole string alive, so 200 journal entries
  // would have held 200 whole bodies (300 MB of 1.5 MB prompts) for their first 2,000 characters each.
  if (typeof value === "string") {
    budget.left -= Math.min(value.length, MAX_STRING);
    return value.length <= MAX_STRING
      ? value
      : `${structuredClone(value.slice(0, MAX_STRING))}…[${value.length} chars]`;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[…]";
  // Long arrays and wide objects are cut too: a 6 MB body of 3 M numbers, copied whole, is ~50 MB of
  // heap per entry.
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((item: unknown) => redacted(item, depth + 1, budget));
    return value.length <= MAX_ITEMS ? kept : [...kept, `…[${value.length} items]`];
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (const key of keys.slice(0, MAX_ITEMS)) {
    const inner = (value as Record<string, unknown>)[key];
    out[key] = SECRET_KEYS.has(key.toLowerCase().replaceAll("-", "_"))
      ? "[REDACTED]"
      : redacted(inner, depth + 1, budget);
  }
  if (keys.length > MAX_ITEMS) out["…"] = `[${keys.length} keys]`;
  return out;
}

function modelOf(noted: Noted): string | null {
  const logged = noted.record.logFields?.model;
  if (typeof logged === "string") return logged;
  const body = noted.record.body as { model?: unknown } | undefined;
  if (typeof body?.model === "string") return body.model;
  return noted.params.modelId ?? null;
}

function entryOf(noted: Noted): JournalEntry {
  const { record } = noted;
  const body = record.body as { stream?: unknown } | undefined;
  return {
    id: record.requestId,
    at: new Date(noted.at).toISOString(),
    face: noted.face,
    path: noted.path,
    model: modelOf(noted),
    team: record.team ?? null,
    cassette: record.cassette ?? null,
    stub: record.stub ?? null,
    status: noted.status,
    error: record.errorCode ?? null,
    cost_usd: record.costUsd ?? 0,
    ms: Math.round(noted.ms * 1000) / 1000,
    stream: body?.stream === true || noted.path.endsWith("stream"),
    body: "body" in noted ? noted.body : redactBody(record.body),
  };
}

export class RequestJournal {
  readonly #size: number;
  readonly #clock: Clock;
  /** A ring: #entries[#next] is the oldest once full. */
  readonly #entries: Noted[] = [];
  #next = 0;

  constructor(size: number, clock: Clock) {
    this.#size = size;
    this.#clock = clock;
  }

  /** Have `record` noted when its response closes; `bytes` is the body's declared length, if any. */
  watch(
    record: RequestRecord,
    face: string,
    path: string,
    params: Readonly<Record<string, string>>,
    bytes: string | undefined,
  ): void {
    if (this.#size === 0) return;
    record.onDone = (status, ms) => {
      const noted: Noted = { record, face, path, params, status, ms, at: this.#clock.now() };
      if (bytes === undefined || !(Number(bytes) <= KEPT_BODY_BYTES)) {
        noted.body = redactBody(record.body);
        delete record.body;
      }
      this.#add(noted);
    };
  }

  #add(noted: Noted): void {
    if (this.#entries.length < this.#size) this.#entries.push(noted);
    else this.#entries[this.#next] = noted;
    this.#next = (this.#next + 1) % this.#size;
  }

  /** Newest first, filtered by cassette and face, at most `limit`. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const limit = filter.limit ?? this.#size;
    for (let i = 1; i <= this.#entries.length && out.length < limit; i++) {
      const noted = this.#entries[(this.#next - i + this.#entries.length) % this.#entries.length];
      if (noted === undefined) continue;
      if (filter.face !== undefined && noted.face !== filter.face) continue;
      if (filter.cassette !== undefined && (noted.record.cassette ?? null) !== filter.cassette) continue;
      out.push(entryOf(noted));
    }
    return out;
  }

  /** Forget every entry (or those of one cassette); returns how many went. */
  clear(cassette?: string): number {
    const before = this.#entries.length;
    const kept = cassette === undefined ? [] : this.#ordered().filter((n) => n.record.cassette !== cassette);
    this.#entries.length = 0;
    this.#entries.push(...kept);
    this.#next = kept.length % Math.max(1, this.#size);
    return before - kept.length;
  }

  /** Oldest first. */
  #ordered(): Noted[] {
    const n = this.#entries.length;
    const start = n < this.#size ? 0 : this.#next;
    return Array.from({ length: n }, (_, i) => this.#entries[(start + i) % n]).filter(
      (e): e is Noted => e !== undefined,
    );
  }
}
