// The unused-recordings report (CONTRACT §4, issue 17): which recordings of which cassettes no request
// replayed during a run, so a suite's stale fixtures can be found and pruned. The recorder counts, per
// cassette and key, how many recordings were handed out (counts survive a cassette being closed and
// reopened); the report reads every cassette under the directory and lists the entries beyond the count.
import type { Logger } from "../shared/logger.ts";
import { requestKey, type MatchRules } from "./canonical.ts";
import { inspectCassette, listCassettes } from "./inspect.ts";

export interface UnusedRecording {
  /** 1-based position of the entry in its file (as `bpg cassettes show` numbers them). */
  entry: number;
  model: string | null;
  /** The entry's key, shortened (enough to find it in the file). */
  key: string;
}

export interface UnusedRecordings {
  /** Cassettes with at least one unused recording; cassettes no request touched list every entry. */
  cassettes: { cassette: string; file: string; recordings: number; unused: UnusedRecording[] }[];
  total_unused: number;
}

/** Per cassette and key: how many of its recordings were handed out. */
export class RecordingUsage {
  readonly #used = new Map<string, Map<string, number>>();

  note(cassette: string, key: string): void {
    let keys = this.#used.get(cassette);
    if (keys === undefined) this.#used.set(cassette, (keys = new Map()));
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }

  /** Every cassette under `dir`, its entries compared with what was handed out. */
  async report(dir: string, rules: MatchRules): Promise<UnusedRecordings> {
    const out: UnusedRecordings = { cassettes: [], total_unused: 0 };
    for (const name of await listCassettes(dir)) {
      const { file, entries } = await inspectCassette(dir, name, rules);
      const used = this.#used.get(name);
      const seen = new Map<string, number>();
      const unused: UnusedRecording[] = [];
      entries.forEach((entry, i) => {
        // Keys as the replaying store computes them (today's rules), ordinals in file order.
        const key = requestKey(entry.request, rules);
        const nth = seen.get(key) ?? 0;
        seen.set(key, nth + 1);
        if (nth < (used?.get(key) ?? 0)) return;
        const model = entry.request.model;
        unused.push({ entry: i + 1, model: typeof model === "string" ? model : null, key: key.slice(0, 19) });
      });
      if (unused.length > 0) out.cassettes.push({ cassette: name, file, recordings: entries.length, unused });
      out.total_unused += unused.length;
    }
    return out;
  }
}

/** The shutdown lines: one warning per cassette with unused recordings, nothing when all were used. */
export function logUnused(logger: Logger, report: UnusedRecordings): void {
  for (const c of report.cassettes) {
    logger.warn(
      {
        cassette: c.cassette,
        unused: c.unused.length,
        recordings: c.recordings,
        entries: c.unused.map((u) => u.entry),
      },
      "recordings no request used",
    );
  }
}
