// The replay-miss error: names the cassette and shows how the request differs from the closest
// recording, path by path, so a failing test says what changed instead of just "no match". The search
// parses each entry's request once (kept, as JSON, with the entry it came from) and compares them all.
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { GatewayError } from "../shared/errors.ts";
import { diffPaths, matchForm, type MatchRules, type PathDifference } from "./canonical.ts";
import { parseEntryHead } from "./format.ts";
import type { CassetteStore, EntryDocument } from "./store.ts";

const MAX_LINES = 8;
const MAX_VALUE = 60;
/** The closest-match search gives the event loop a turn this often (ms of work). */
const SEARCH_SLICE_MS = 10;

/** An entry's request as the search compares it. */
interface Form {
  /** JSON of the match form (the request minus ignored fields): a fraction of the parsed object's size. */
  json: string;
  model: unknown;
  recordedAt: string;
}

/** Per entry (a re-recorded entry is a new object, so its form is computed afresh), per match rules. */
const forms = new WeakMap<EntryDocument, { rules: MatchRules; form: Form }>();

export interface ClosestRecording {
  /** 1-based position in the file. */
  index: number;
  recordedAt: string;
  differences: PathDifference[];
}

function formOf(store: CassetteStore, document: EntryDocument, position: number): Form {
  const { rules } = store;
  const cached = forms.get(document);
  if (cached?.rules === rules) return cached.form;
  const { request, recorded_at } = parseEntryHead(document.text, store.label, position + 1);
  const form = {
    json: JSON.stringify(matchForm(request, rules)),
    model: request.model,
    recordedAt: recorded_at,
  };
  forms.set(document, { rules, form });
  return form;
}

/** Characters the differing values share at their start and end, summed: how alike two near-misses are. */
function likenessOf(differences: readonly PathDifference[]): number {
  let shared = 0;
  for (const { request, recorded } of differences) {
    if (request === undefined || recorded === undefined) continue;
    const most = Math.min(request.length, recorded.length);
    let start = 0;
    while (start < most && request.charCodeAt(start) === recorded.charCodeAt(start)) start++;
    let end = 0;
    while (
      end < most - start &&
      request.charCodeAt(request.length - 1 - end) === recorded.charCodeAt(recorded.length - 1 - end)
    )
      end++;
    shared += start + end;
  }
  return shared;
}

/**
 * The recording whose request differs from `storedRequest` in the fewest leaf paths. A big cassette's
 * first miss parses every request (~0.8 s for 10,000): the search yields to the event loop every
 * `sliceMs` so other requests go on meanwhile.
 */
export async function closestRecording(
  store: CassetteStore,
  storedRequest: unknown,
  sliceMs = SEARCH_SLICE_MS,
): Promise<ClosestRecording | undefined> {
  const wanted = matchForm(storedRequest, store.rules);
  const model = (storedRequest as { model?: unknown }).model;
  let best: ClosestRecording | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let bestLikeness = -1;
  let slice = performance.now();
  for (let position = 0; position < store.size; position++) {
    if (performance.now() - slice >= sliceMs) {
      await yieldToLoop();
      slice = performance.now();
    }
    const document = store.document(position);
    if (document === undefined) continue;
    const form = formOf(store, document, position);
    const differences = diffPaths(wanted, JSON.parse(form.json));
    // Prefer recordings of the same model on ties; a different model is one more difference anyway.
    const score = differences.length * 2 + (form.model === model ? 0 : 1);
    if (score > bestScore) continue;
    // Among as many differences, the recording whose differing values are most alike: a typo in a
    // prompt points at the prompt it was meant to be, not at the first recording.
    const likeness = likenessOf(differences);
    if (score < bestScore || likeness > bestLikeness) {
      bestScore = score;
      bestLikeness = likeness;
      best = { index: position + 1, recordedAt: form.recordedAt, differences };
    }
  }
  return best;
}

/** A value for a one-line diff; long strings show the stretch around where they first differ. */
function show(value: string | undefined, other: string | undefined): string {
  if (value === undefined) return "(absent)";
  if (value.length <= MAX_VALUE) return value;
  let at = 0;
  if (other !== undefined) while (at < value.length && value[at] === other[at]) at++;
  const start = Math.max(0, Math.min(at - 20, value.length - MAX_VALUE));
  return `${start > 0 ? "…" : ""}${value.slice(start, start + MAX_VALUE)}${start + MAX_VALUE < value.length ? "…" : ""}`;
}

export function formatDifferences(differences: readonly PathDifference[]): string[] {
  const lines = differences
    .slice(0, MAX_LINES)
    .map((d) => `  ${d.path}: ${show(d.request, d.recorded)} (recorded: ${show(d.recorded, d.request)})`);
  if (differences.length > MAX_LINES) lines.push(`  … and ${differences.length - MAX_LINES} more`);
  return lines;
}

export async function cassetteMiss(
  store: CassetteStore,
  storedRequest: Record<string, unknown>,
  key: string,
): Promise<GatewayError> {
  const head = `No recording in cassette "${store.name}" (${store.label}) matches this request`;
  const hint =
    "Record it with --mode record or --mode auto, or list volatile fields in recording.ignore_fields.";
  const closest = await closestRecording(store, storedRequest);
  let message: string;
  let details: Record<string, unknown>;
  if (closest === undefined) {
    message = `${head}: the cassette ${store.exists ? "has no recordings" : "does not exist yet"}. ${hint}`;
    details = { cassette: store.name, key };
  } else {
    message = [
      `${head}. The closest recording (entry ${closest.index} of ${store.size}, recorded ${closest.recordedAt}) differs at:`,
      ...formatDifferences(closest.differences),
      hint,
    ].join("\n");
    details = {
      cassette: store.name,
      key,
      closest: { entry: closest.index, differences: closest.differences.slice(0, MAX_LINES) },
    };
  }
  return new GatewayError(message, {
    status: 404,
    type: "invalid_request_error",
    code: "cassette_miss",
    details,
  });
}
