// The simulator's state file (`mock.state: <path>`): ledger and GPU instances in one versioned JSON
// document. Writes are coalesced off the request path (a change schedules one write a little later; a
// burst of changes costs one write) and atomic: the document goes to a unique `<path>.<pid>.<random>.tmp`, is fsynced, then
// renamed over the old file, so a kill -9 leaves either the old or the new state, never half of one.
// Every snapshot is self-consistent (money counters and the moment they were settled to), so whatever
// is lost in a crash is re-billed from the last saved moment: downtime is billed exactly once.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { ensureDir } from "../shared/dirs.ts";
import type { Logger } from "../shared/logger.ts";
import type { ClockReading } from "./clock.ts";
import type { PersistedFleet } from "./gpu.ts";
import type { PersistedHistory } from "./history.ts";
import type { PersistedAccount } from "./ledger.ts";

export const STATE_FORMAT = "bedrock-proxy-gateway/state";
export const STATE_VERSION = 1;

export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  saved_at: string;
  clock: ClockReading;
  accounts: Record<string, PersistedAccount>;
  gpu: PersistedFleet;
  /** Spend over time per team (history.ts); optional, so files written before it still load. */
  history?: PersistedHistory;
  /** State other parts keep here (e.g. `responses`: stored Responses API answers), checked by their owners. */
  sections?: Record<string, unknown>;
}

export class StateFileError extends Error {
  constructor(path: string, problem: string) {
    super(
      `State file ${path}: ${problem} Move the file aside (or set mock.state: memory) to start with fresh counters.`,
    );
    this.name = "StateFileError";
  }
}

// ---- parsing: the file is input like any other, so every field is checked ----

type Check = (value: unknown, where: string) => void;

function fail(where: string, expected: string): never {
  throw new Error(`${where} should be ${expected}`);
}
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const num: Check = (v, w) => {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(w, "a finite number");
};
const ms: Check = (v, w) => {
  if (!Number.isSafeInteger(v) || (v as number) < 0) fail(w, "a non-negative integer");
};
const str: Check = (v, w) => {
  if (typeof v !== "string") fail(w, "a string");
};
const bool: Check = (v, w) => {
  if (typeof v !== "boolean") fail(w, "true or false");
};
function fields(value: unknown, where: string, checks: Record<string, Check>): void {
  if (!isObject(value)) fail(where, "an object");
  for (const [key, check] of Object.entries(checks)) check(value[key], `${where}.${key}`);
}
function record(value: unknown, where: string, check: Check): void {
  if (!isObject(value)) fail(where, "an object");
  for (const [key, v] of Object.entries(value)) check(v, `${where}.${key}`);
}

const accountChecks: Record<string, Check> = {
  llm_cost: num,
  gpu_extra: num,
  requests_today: ms,
  tokens_today: ms,
  day: (v, w) => {
    if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v)) fail(w, "a YYYY-MM-DD date");
  },
  gpu_ms: (v, w) => record(v, w, ms),
};
const instanceChecks: Record<string, Check> = {
  team_id: str,
  name: str,
  instance_type: str,
  running: bool,
  deleted: bool,
  created_ms: ms,
  since_ms: ms,
  billed_ms: ms,
  stop_reason: (v, w) => {
    if (v !== null && v !== "user" && v !== "budget_exhausted") fail(w, 'null, "user" or "budget_exhausted"');
  },
};

const checkSeries: Check = (v, w) => {
  if (!Array.isArray(v)) fail(w, "an array");
  v.forEach((point, i) => {
    if (!Array.isArray(point) || point.length !== 3) fail(`${w}[${i}]`, "[t_ms, llm_cost, gpu_cost]");
    ms(point[0], `${w}[${i}][0]`);
    num(point[1], `${w}[${i}][1]`);
    num(point[2], `${w}[${i}][2]`);
  });
};

/** Parse and check a state document; throws StateFileError naming the problem. */
export function parseState(text: string, path: string): StateDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(
      path,
      `is not valid JSON (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  if (!isObject(doc) || doc.format !== STATE_FORMAT)
    throw new StateFileError(path, `is not a ${STATE_FORMAT} file.`);
  if (doc.version !== STATE_VERSION) {
    throw new StateFileError(
      path,
      `has format version ${JSON.stringify(doc.version)}, but this gateway reads version ${STATE_VERSION} only (written by a different release?).`,
    );
  }
  try {
    fields(doc.clock, "clock", { sim_ms: ms, real_ms: ms });
    record(doc.accounts, "accounts", (v, w) => fields(v, w, accountChecks));
    fields(doc.gpu, "gpu", {
      settled_at: (v, w) => record(v, w, ms),
      instances: (v, w) => {
        if (!Array.isArray(v)) fail(w, "an array");
        v.forEach((item, i) => fields(item, `${w}[${i}]`, instanceChecks));
      },
    });
    if (doc.history !== undefined) record(doc.history, "history", checkSeries);
    if (doc.sections !== undefined && !isObject(doc.sections)) fail("sections", "an object");
  } catch (error) {
    throw new StateFileError(path, `is damaged: ${(error as Error).message}.`);
  }
  return doc as unknown as StateDocument;
}

export function readStateFile(path: string): StateDocument | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8"); // once, at start-up, before the server listens
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateFileError(path, `cannot be read (${(error as Error).message}).`);
  }
  return parseState(text, path);
}

// ---- writing ----

export interface StateWriterOptions {
  path: string;
  /** Builds the document to write, at write time (so a burst of changes writes the latest state). */
  snapshot: () => StateDocument;
  logger?: Logger;
  /** How long a change may wait before it is written. Default 200 ms. */
  debounceMs?: number;
}

export interface StateWriter {
  /** Note a change; a write follows within debounceMs. Cheap: no I/O on the caller's path. */
  schedule(): void;
  /** Write now if anything changed, and wait for every write in progress. */
  flush(): Promise<void>;
  /** Flush, then ignore further changes. */
  close(): Promise<void>;
}

export function createStateWriter(options: StateWriterOptions): StateWriter {
  const { path } = options;
  const debounceMs = options.debounceMs ?? 200;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let madeDir = false;
  let closed = false;

  async function writeOnce(doc: StateDocument): Promise<void> {
    if (!madeDir) {
      await ensureDir(dirname(path)); // not a recursive mkdir, which spins forever under /proc
      madeDir = true;
    }
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const file = await open(tmp, "w", 0o600);
    try {
      await file.writeFile(`${JSON.stringify(doc, null, 1)}\n`, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  }

  async function drain(): Promise<void> {
    while (dirty) {
      dirty = false;
      try {
        await writeOnce(options.snapshot());
      } catch (error) {
        dirty = true;
        options.logger?.error({ err: error, path }, "could not write the simulator state file");
        throw error;
      }
    }
  }

  function arm(delayMs: number): void {
    if (closed || timer !== undefined || writing !== undefined) return;
    timer = setTimeout(() => void run().catch(() => {}), delayMs);
    timer.unref();
  }

  function run(): Promise<void> {
    timer = undefined;
    if (writing === undefined) {
      let failed = false;
      writing = drain()
        .catch((error: unknown) => {
          failed = true;
          throw error;
        })
        .finally(() => {
          writing = undefined;
          // A change that arrived as the last write finished, or a failed write (retried slowly).
          if (dirty) arm(failed ? Math.max(debounceMs, 5_000) : debounceMs);
        });
    }
    return writing;
  }

  async function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (writing !== undefined) await writing.catch(() => {});
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (dirty) await run();
  }

  return {
    schedule() {
      dirty = true;
      arm(debounceMs);
    },
    flush,
    async close() {
      await flush();
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
