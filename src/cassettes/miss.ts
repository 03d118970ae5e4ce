// The replay-miss error: names the cassette and shows how the request differs from the closest
// recording, path by path, so a failing test says what changed instead of just "no match".
import { GatewayError } from "../shared/errors.ts";
import type { PathDifference } from "./canonical.ts";
import type { CassetteStore } from "./store.ts";

const MAX_LINES = 8;
const MAX_VALUE = 60;

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
  const closest = await store.closest(storedRequest);
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
