// How big V8 lets the young generation grow. V8 sizes it from the machine's memory: on a 24 GiB box its
// semi-spaces grow to 64 MiB under a request flood (≈ +100 MiB RSS) and to 8 MiB during start-up alone,
// with no measurable throughput gain past 8 MiB (bench/README.md). The size flags
// (--max-semi-space-size) are read only from the command line, which `bpg`, `npm start` and `npx` users
// don't write; the growth factor is read at run time. So:
// - the process starts with growth off (the young generation stays at its 1 MiB minimum: idle RSS
//   ~9 MiB lower),
// - a serving gateway turns growth on and off again once new space reaches NEW_SPACE_CAP under load,
// - other commands (one-shot CLI work on big cassettes) get V8's default growth back.
// A user who sizes the heap on the command line or in NODE_OPTIONS is left alone.
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

const USER_SIZED = /--(max|min)-semi-space-size|--max-heap-size|--semi-space-growth-factor/;
/** Both semi-spaces together: 8 MiB each, where throughput stops improving. */
export const NEW_SPACE_CAP = 16 * 1024 * 1024;
const V8_DEFAULT_GROWTH = 2;

let managed = false;

function growth(factor: number): void {
  setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}

function newSpaceSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
}

/** At process start: keep the young generation small, unless the user sized the heap. */
export function holdYoungGeneration(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  managed = !USER_SIZED.test(`${execArgv.join(" ")} ${nodeOptions ?? ""}`);
  if (managed) growth(1);
  return managed;
}

/** One-shot commands: V8's own growth again. */
export function releaseYoungGeneration(): void {
  if (managed) growth(V8_DEFAULT_GROWTH);
}

/**
 * A serving gateway: let the young generation grow with the load, and stop it at NEW_SPACE_CAP (checked
 * after each garbage collection, until the cap is reached).
 */
export function capYoungGeneration(cap = NEW_SPACE_CAP): void {
  if (!managed) return;
  if (newSpaceSize() >= cap) return;
  growth(V8_DEFAULT_GROWTH);
  const observer = new PerformanceObserver(() => {
    if (newSpaceSize() < cap) return;
    growth(1);
    observer.disconnect();
  });
  observer.observe({ entryTypes: ["gc"] });
}
