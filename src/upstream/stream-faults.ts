// Mid-stream faults (CONTRACT §5): `cut:<n>` drops the connection after n stream events, `error:<n>`
// ends the stream with the face's error event after n events, `stall:<n>:<ms>` pauses ms after n events
// and goes on. They come from the X-Mock-Fault header, a stub's reply or the fault rates; the simulator
// accepts them as header values, and the one stream walk (http/stream-events.ts) acts on them.

export type StreamFault =
  | { kind: "cut"; after: number }
  | { kind: "error"; after: number }
  | { kind: "stall"; after: number; ms: number };

const MAX_AFTER = 999_999;
export const MAX_STALL_MS = 600_000;

export const STREAM_FAULT_HELP = `cut:<n>, error:<n> or stall:<n>:<ms> (n events first, ms up to ${MAX_STALL_MS})`;

/** The stream fault a value names, or undefined when it names none (or is out of range). */
export function parseStreamFault(value: string | undefined): StreamFault | undefined {
  if (value === undefined) return undefined;
  const m = /^(cut|error|stall):(\d{1,6})(?::(\d{1,6}))?$/.exec(value.trim().toLowerCase());
  if (m === null) return undefined;
  const after = Number(m[2]);
  if (after > MAX_AFTER) return undefined;
  if (m[1] === "stall") {
    const ms = Number(m[3]);
    return m[3] === undefined || ms > MAX_STALL_MS ? undefined : { kind: "stall", after, ms };
  }
  if (m[3] !== undefined) return undefined;
  return { kind: m[1] as "cut" | "error", after };
}
