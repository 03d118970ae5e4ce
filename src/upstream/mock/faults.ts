// Faults on demand (CONTRACT §5): the `X-Mock-Fault` header forces one per request, and configured
// per-kind rates draw them at random from a seeded sequence (so a run with a given seed is repeatable).
// Mid-stream faults (`cut`, `error`, `stall`) do not change the answer: the simulator passes them on
// (InvokeTrace.streamFault) for the stream walk that writes it.
import type { FaultRates } from "../../config/types.ts";
import { STREAM_FAULT_HELP, parseStreamFault } from "../stream-faults.ts";
import { createRng } from "./random.ts";

export type Fault =
  | { kind: "throttle" | "timeout" | "500" | "reset" | "malformed" }
  | { kind: "slow"; ms: number }
  | { kind: "stream"; value: string };

const NAMED = ["throttle", "timeout", "500", "reset", "malformed"] as const;
const MAX_SLOW_MS = 600_000;

export const FAULT_HELP = `X-Mock-Fault must be one of ${NAMED.join(", ")}, slow:<ms> (0..${MAX_SLOW_MS}) or ${STREAM_FAULT_HELP}`;

/** The fault a header asks for; a string is the 400 message for a value we do not know. */
export function parseFault(header: string | undefined): Fault | string | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const value = header.trim().toLowerCase();
  const named = NAMED.find((n) => n === value || (n === "500" && value === "server_error"));
  if (named !== undefined) return { kind: named };
  const slow = /^slow:(\d{1,7})$/.exec(value);
  if (slow?.[1] !== undefined && Number(slow[1]) <= MAX_SLOW_MS) return { kind: "slow", ms: Number(slow[1]) };
  if (parseStreamFault(value) !== undefined) return { kind: "stream", value };
  return `${FAULT_HELP}; got "${header.slice(0, 40)}"`;
}

/** A function drawing the next random fault from the configured rates (undefined = no fault). */
export function faultDraw(rates: Readonly<FaultRates>, seed: number): () => Fault | undefined {
  const after = rates.stream_after;
  const table: [Fault, number][] = [
    [{ kind: "throttle" }, rates.throttle],
    [{ kind: "timeout" }, rates.timeout],
    [{ kind: "500" }, rates.server_error],
    [{ kind: "reset" }, rates.reset],
    [{ kind: "malformed" }, rates.malformed],
    [{ kind: "stream", value: `cut:${after}` }, rates.cut],
    [{ kind: "stream", value: `error:${after}` }, rates.stream_error],
    [{ kind: "stream", value: `stall:${after}:${rates.stall_ms}` }, rates.stall],
  ];
  if (table.every(([, rate]) => rate <= 0)) return () => undefined;
  const rng = createRng(seed ^ 0x5bd1e995);
  return () => {
    let u = rng.next();
    for (const [fault, rate] of table) {
      if (u < rate) return fault;
      u -= rate;
    }
    return undefined;
  };
}
