// The dashboard's cassette panel (GET /admin/cassettes): each cassette under recording.dir with its
// entries and what its recorded calls would cost live (recorded usage × list price, as `bpg cassettes
// cost` says). Files are read off the request path's hot lane, at most every few seconds, and a file is
// parsed again only when its size or mtime changed.
import { stat } from "node:fs/promises";
import { llmCost } from "../accounting/pricing.ts";
import { matchRules } from "../cassettes/canonical.ts";
import { inspectCassette, listCassettes, recordedUsage } from "../cassettes/inspect.ts";
import { cassetteLabel, cassettePath } from "../cassettes/names.ts";
import type { Config } from "../config/types.ts";
import { findModel } from "../models/catalog.ts";

export interface CassetteSummary {
  name: string;
  entries: number;
  /** Entries whose recorded answer is an error (status ≥ 400). */
  errors: number;
  bytes: number;
  /** What the successful recorded calls would cost live; null when a model is not in the price list. */
  live_cost_usd: number | null;
  problems: number;
}

export interface CassettesView {
  object: "list";
  dir: string;
  /** True when more cassettes exist than are listed. */
  truncated: boolean;
  data: CassetteSummary[];
}

/** Cassettes listed at most (the panel is a glance, `bpg cassettes list` has them all). */
const MAX_LISTED = 200;
/** A listing younger than this is served again. */
const FRESH_MS = 3000;

async function summarise(
  dir: string,
  name: string,
  rules: ReturnType<typeof matchRules>,
): Promise<CassetteSummary> {
  const report = await inspectCassette(dir, name, rules);
  let cost: number | null = 0;
  for (const entry of report.entries) {
    const usage = recordedUsage(entry);
    if (usage === undefined) continue;
    const model = findModel(String(entry.request.model));
    cost = model === undefined || cost === null ? null : cost + llmCost(model, usage.input, usage.output);
  }
  return {
    name,
    entries: report.entries.length,
    errors: report.entries.filter((e) => e.response.status >= 400).length,
    bytes: report.bytes,
    live_cost_usd: cost,
    problems: report.problems.length,
  };
}

/** cassettesView() → the panel's listing, cached. */
export function cassetteLister(recording: Readonly<Config["recording"]>): () => Promise<CassettesView> {
  const rules = matchRules(recording.ignore_fields);
  const parsed = new Map<string, { stamp: string; summary: CassetteSummary }>();
  let last: { at: number; view: Promise<CassettesView> } | undefined;

  async function refresh(): Promise<CassettesView> {
    const names = await listCassettes(recording.dir);
    const listed = names.slice(0, MAX_LISTED);
    const data: CassetteSummary[] = [];
    for (const name of listed) {
      const info = await stat(cassettePath(recording.dir, name)).catch(() => undefined);
      if (info === undefined) continue;
      const stamp = `${info.size}:${info.mtimeMs}`;
      let cached = parsed.get(name);
      if (cached?.stamp !== stamp) {
        cached = { stamp, summary: await summarise(recording.dir, name, rules) };
        parsed.set(name, cached);
      }
      data.push(cached.summary);
    }
    for (const name of parsed.keys()) if (!listed.includes(name)) parsed.delete(name);
    // The directory as cassette messages show it (never the server's absolute path).
    const dir = cassetteLabel(recording.dir, "x").replace(/\/x\.yaml$/, "");
    return { object: "list", dir, truncated: names.length > listed.length, data };
  }

  return () => {
    const now = performance.now();
    if (last === undefined || now - last.at > FRESH_MS) {
      const view = refresh();
      last = { at: now, view };
      view.catch(() => (last = undefined)); // a failed listing is retried on the next call
    }
    return last.view;
  };
}
