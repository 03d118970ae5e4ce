// Faults on demand (CONTRACT §5): the `X-Mock-Fault` header forces one per request, and configured
// per-kind rates draw them at random from a seeded sequence (so a run with a given seed is repeatable).
import type { FaultRates } from "../../config/types.ts";
import { createRng } from "./random.ts";

export type Fault =
  { kind: "throttle" | "timeout" | "500" | "reset" | "malformed" } | { kind: "slow"; ms: number };

const NAMED = ["throttle", "timeout", "500", "reset", "malformed"] as const;
const MAX_SLOW_MS = 600_000;

export const FAULT_HELP = `X-Mock-Fault must be one of ${NAMED.join(", ")} or slow:<ms> (0..${MAX_SLOW_MS})`;

/** The fault a header asks for; a string is the 400 message for a value we do not know. */
export function parseFault(header: string | undefined): Fault | string | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const value = header.trim().toLowerCase();
  const named = NAMED.find((n) => n === value || (n === "500" && value === "server_error"));
  if (named !== undefined) return { kind: named };
  const slow = /^slow:(\d{1,7})$/.exec(value);
  if (slow?.[1] !== undefined && Number(slow[1]) <= MAX_SLOW_MS) return { kind: "slow", ms: Number(slow[1]) };
  return `${FAULT_HELP}; got "${header.slice(0, 40)}"`;
}

/** A function drawing the next random fault from the configured rates (undefined = no fault). */
export function faultDraw(rates: Readonly<FaultRates>, seed: number): () => Fault | undefined {
  const table: [Fault["kind"], number][] = [
    ["throttle", rates.throttle],
    ["timeout", rates.timeout],
    ["500", rates.server_error],
    ["reset", rates.reset],
    ["malformed", rates.malformed],
  ];
  if (table.every(([, rate]) => rate <= 0)) return () => undefined;
  const rng = createRng(seed ^ 0x5bd1e995);
  return () => {
    let u = rng.next();
    for (const [kind, rate] of table) {
      if (u < rate) return { kind } as Fault;
      u -= rate;
    }
    return undefined;
  };
}
